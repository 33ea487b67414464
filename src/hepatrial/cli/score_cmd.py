"""``hepatrial score``: liver scores for one panel from the command line, or a whole CSV file.

Each lab value is captured exactly as the EDC captures it (``standardize_lab``): its unit is
normalized, it is converted to the canonical unit, hard limits reject it and soft limits warn.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hepatrial.clinical.labs import LabFlag, standardize_lab
from hepatrial.clinical.panels import score_panels
from hepatrial.clinical.scores import (
    AlbiResult,
    ChildPughResult,
    MeldResult,
    albi,
    child_pugh,
    meld,
    meld_3,
    meld_na,
)
from hepatrial.errors import InputError

app = typer.Typer(
    help="Liver scores: MELD, MELD-Na, MELD 3.0, Child-Pugh and ALBI.",
    invoke_without_command=True,
)

Result = MeldResult | ChildPughResult | AlbiResult

BILIRUBIN = typer.Option(..., "--bilirubin", help="Total bilirubin.")
BILIRUBIN_UNIT = typer.Option("umol/L", "--bilirubin-unit", help="umol/L or mg/dL.")
CREATININE = typer.Option(..., "--creatinine", help="Serum creatinine.")
CREATININE_UNIT = typer.Option("umol/L", "--creatinine-unit", help="umol/L or mg/dL.")
INR = typer.Option(..., "--inr", help="International normalized ratio.")
SODIUM = typer.Option(..., "--sodium", help="Serum sodium.")
SODIUM_UNIT = typer.Option("mmol/L", "--sodium-unit", help="mmol/L or mEq/L.")
ALBUMIN = typer.Option(..., "--albumin", help="Serum albumin.")
ALBUMIN_UNIT = typer.Option("g/L", "--albumin-unit", help="g/L or g/dL.")
DIALYSIS = typer.Option(
    False, "--dialysis", help="Dialysed twice, or 24 h of CVVHD, in the prior week."
)
AS_JSON = typer.Option(False, "--json", help="Print machine-readable JSON.")


@app.callback()
def score(
    ctx: typer.Context,
    input_csv: Path = typer.Option(None, "--input", help="A CSV file of panels to score."),
    output_csv: Path = typer.Option(None, "--output", help="Where to write the scored CSV."),
) -> None:
    """Score one panel (a subcommand), or a whole file with --input and --output."""
    if ctx.invoked_subcommand is not None:
        return
    if input_csv is None or output_csv is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0 if input_csv is None and output_csv is None else 2)
    _score_file(input_csv, output_csv)


@app.command("meld")
def meld_command(
    bilirubin: float = BILIRUBIN,
    bilirubin_unit: str = BILIRUBIN_UNIT,
    creatinine: float = CREATININE,
    creatinine_unit: str = CREATININE_UNIT,
    inr: float = INR,
    dialysis: bool = DIALYSIS,
    as_json: bool = AS_JSON,
) -> None:
    """MELD (UNOS/OPTN, before 2016)."""
    labs = _Labs()
    result = meld(
        bilirubin=labs.take("BILI", bilirubin, bilirubin_unit),
        creatinine=labs.take("CREAT", creatinine, creatinine_unit),
        inr=labs.take("INR", inr, "ratio"),
        dialysis=dialysis,
    )
    _report(result, labs.flags, as_json)


@app.command("meld-na")
def meld_na_command(
    bilirubin: float = BILIRUBIN,
    bilirubin_unit: str = BILIRUBIN_UNIT,
    creatinine: float = CREATININE,
    creatinine_unit: str = CREATININE_UNIT,
    inr: float = INR,
    sodium: float = SODIUM,
    sodium_unit: str = SODIUM_UNIT,
    dialysis: bool = DIALYSIS,
    as_json: bool = AS_JSON,
) -> None:
    """MELD-Na (OPTN 2016–2023)."""
    labs = _Labs()
    result = meld_na(
        bilirubin=labs.take("BILI", bilirubin, bilirubin_unit),
        creatinine=labs.take("CREAT", creatinine, creatinine_unit),
        inr=labs.take("INR", inr, "ratio"),
        sodium=labs.take("SODIUM", sodium, sodium_unit),
        dialysis=dialysis,
    )
    _report(result, labs.flags, as_json)


@app.command("meld-3")
def meld_3_command(
    bilirubin: float = BILIRUBIN,
    bilirubin_unit: str = BILIRUBIN_UNIT,
    creatinine: float = CREATININE,
    creatinine_unit: str = CREATININE_UNIT,
    inr: float = INR,
    sodium: float = SODIUM,
    sodium_unit: str = SODIUM_UNIT,
    albumin: float = ALBUMIN,
    albumin_unit: str = ALBUMIN_UNIT,
    sex: str = typer.Option(..., "--sex", help="female or male."),
    age: float = typer.Option(None, "--age", help="Age in years; omit for an adult."),
    dialysis: bool = DIALYSIS,
    as_json: bool = AS_JSON,
) -> None:
    """MELD 3.0 (Kim 2021; OPTN since July 2023)."""
    labs = _Labs()
    result = meld_3(
        bilirubin=labs.take("BILI", bilirubin, bilirubin_unit),
        creatinine=labs.take("CREAT", creatinine, creatinine_unit),
        inr=labs.take("INR", inr, "ratio"),
        sodium=labs.take("SODIUM", sodium, sodium_unit),
        albumin=labs.take("ALB", albumin, albumin_unit),
        female=_female(sex),
        age=age,
        dialysis=dialysis,
    )
    _report(result, labs.flags, as_json)


@app.command("child-pugh")
def child_pugh_command(
    bilirubin: float = BILIRUBIN,
    bilirubin_unit: str = BILIRUBIN_UNIT,
    albumin: float = ALBUMIN,
    albumin_unit: str = ALBUMIN_UNIT,
    inr: float = typer.Option(None, "--inr", help="INR (preferred over PT when both given)."),
    pt_prolongation: float = typer.Option(
        None, "--pt-prolongation", help="Seconds of PT above control."
    ),
    ascites: str = typer.Option(..., "--ascites", help="none, mild or moderate-severe."),
    encephalopathy: str = typer.Option(
        ..., "--encephalopathy", help="none, 'grade 1-2' or 'grade 3-4'."
    ),
    cholestatic: bool = typer.Option(
        False, "--cholestatic", help="PBC/PSC: use the cholestatic bilirubin bands."
    ),
    as_json: bool = AS_JSON,
) -> None:
    """Child-Pugh score and class (Pugh 1973)."""
    labs = _Labs()
    result = child_pugh(
        bilirubin=labs.take("BILI", bilirubin, bilirubin_unit),
        albumin=labs.take("ALB", albumin, albumin_unit),
        inr=None if inr is None else labs.take("INR", inr, "ratio"),
        pt_prolongation=pt_prolongation,
        ascites=ascites,
        encephalopathy=encephalopathy,
        cholestatic=cholestatic,
    )
    _report(result, labs.flags, as_json)


@app.command("albi")
def albi_command(
    bilirubin: float = BILIRUBIN,
    bilirubin_unit: str = BILIRUBIN_UNIT,
    albumin: float = ALBUMIN,
    albumin_unit: str = ALBUMIN_UNIT,
    as_json: bool = AS_JSON,
) -> None:
    """ALBI score and grade (Johnson 2015)."""
    labs = _Labs()
    result = albi(
        bilirubin=labs.take("BILI", bilirubin, bilirubin_unit),
        albumin=labs.take("ALB", albumin, albumin_unit),
    )
    _report(result, labs.flags, as_json)


class _Labs:
    """Lab values captured as the EDC captures them, with the warnings they raised."""

    def __init__(self) -> None:
        self.flags: list[LabFlag] = []

    def take(self, code: str, value: float, unit: str) -> float:
        captured = standardize_lab(code, value, unit)
        self.flags.extend(captured.flags)
        return captured.value_std


def _female(sex: str) -> bool:
    folded = sex.strip().casefold()
    if folded in ("female", "f"):
        return True
    if folded in ("male", "m"):
        return False
    raise InputError(field="--sex", expected="female or male", received=sex)


def _report(result: Result, flags: list[LabFlag], as_json: bool) -> None:
    console = Console(highlight=False)
    if as_json:
        payload: dict[str, Any] = result.to_dict()
        payload["warnings"] = [
            {"kind": f.kind, "code": f.code, "message": f.message} for f in flags
        ]
        console.file.write(json.dumps(payload, indent=2) + "\n")
        return
    console.print(f"[bold]{escape(str(result))}[/]")
    inputs = getattr(result, "inputs", ())
    if inputs:
        table = Table("input", "received", "used", "unit", "bound applied")
        for item in inputs:
            table.add_row(
                item.field, f"{item.received:.4g}", f"{item.used:.4g}", item.unit, item.reason or ""
            )
        console.print(table)
    for note in getattr(result, "notes", ()):
        console.print(f"note: {escape(note)}")
    for flag in flags:
        kind = flag.kind.replace("_", " ")
        console.print(f"[yellow]warning[/] ({kind}): {escape(flag.message)}")


def _score_file(input_csv: Path, output_csv: Path) -> None:
    try:
        frame = pd.read_csv(input_csv, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InputError(
            field="--input", expected="a readable CSV file", received=f"{input_csv} ({error})"
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    scored = score_panels({c: frame[c].to_numpy(dtype=str) for c in frame.columns})
    out = frame.copy()
    for name, values in scored.scores.items():
        out[name] = _column(values)
    out["error"] = scored.errors
    _write_atomically(out, output_csv)
    Console(stderr=True, highlight=False).print(
        f"scored {len(out)} rows ({', '.join(scored.computed)}); "
        f"{scored.rows_with_errors} rows with errors; written to {output_csv}"
    )


def _column(values: np.ndarray[Any, Any]) -> pd.Series[Any]:
    """Integer scores as integers with blanks; ALBI as a float; classes as text."""
    if values.dtype.kind == "f" and np.all(np.isnan(values) | (values == np.round(values))):
        return pd.Series(values).astype("Int64")
    return pd.Series(values)


def _write_atomically(frame: pd.DataFrame, path: Path) -> None:
    """Write to a temporary file beside ``path`` and rename it: a failure leaves no partial file."""
    directory = path.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "w", newline="") as stream:
            frame.to_csv(stream, index=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
