"""``hepatrial demo``: the README's main job.

Until the simulated trial exists, it shows the seed protocol's schedule of assessments and scores
one example panel through the same path a coordinator's entry takes.
"""

from __future__ import annotations

from rich.console import Console

from hepatrial.cli.protocol_cmd import checked_protocol, render_protocol
from hepatrial.clinical.labs import standardize_panel
from hepatrial.clinical.scores import child_pugh, meld, meld_3, meld_na
from hepatrial.protocol import seed_protocol_path

# A week-1 panel as a Chinese hospital reports it (SI units).
EXAMPLE_PANEL = {
    "BILI": (64.0, "umol/L"),
    "CREAT": (97.0, "umol/L"),
    "INR": (1.4, "ratio"),
    "SODIUM": (131.0, "mmol/L"),
    "ALB": (29.0, "g/L"),
}


def demo() -> None:
    """Show the seed protocol and score an example panel."""
    console = Console(highlight=False, width=max(Console().width, 120))
    path = seed_protocol_path()
    render_protocol(console, checked_protocol(path), path)

    console.rule("[bold]Example panel[/] (week 1, SI units)")
    panel = standardize_panel(EXAMPLE_PANEL)
    for code, (value, unit) in EXAMPLE_PANEL.items():
        console.print(f"  {code:<7} {value:g} {unit}")
    labs = {code: panel[code].value_std for code in EXAMPLE_PANEL}
    common = {"bilirubin": labs["BILI"], "creatinine": labs["CREAT"], "inr": labs["INR"]}
    results = (
        meld(**common),
        meld_na(**common, sodium=labs["SODIUM"]),
        meld_3(**common, sodium=labs["SODIUM"], albumin=labs["ALB"], female=False, age=54),
        child_pugh(
            bilirubin=labs["BILI"],
            albumin=labs["ALB"],
            inr=labs["INR"],
            ascites="mild",
            encephalopathy="none",
        ),
    )
    for result in results:
        console.print(f"  {result}")
    console.print("\nNext: `hepatrial score --help` and `hepatrial protocol --help`.")
