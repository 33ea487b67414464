"""A simulation scenario: every parameter of the synthetic cohort, with its source.

A scenario file (YAML) lists each parameter under its section as ``{value, source, assumption,
reason}``: ``source`` cites the row of ``shared/reference/clinical-parameters.md`` and the
publication behind it, and a value no publication gives is marked ``assumption: true`` with its
``reason``. :func:`load_scenario` checks every entry and reports every problem at once, each
named by its path (``parameters.baseline.age.value.sd: expected a positive number, got -1``).
"""

from __future__ import annotations

import functools
import importlib.resources
import math
import pathlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Literal

import yaml

from hepatrial.errors import HepatrialError, InputError

__all__ = [
    "DEFAULT_SCENARIO_FILE",
    "MortalityBand",
    "ParameterSource",
    "Scenario",
    "ScenarioError",
    "default_scenario",
    "load_scenario",
    "parse_scenario",
]

DEFAULT_SCENARIO_FILE = "esld_default.yaml"

Kind = Literal[
    "probability",
    "positive",
    "nonnegative",
    "number",
    "distribution",
    "per_arm",
    "bands",
    "range",
    "record",
    "per_arm_signed",
]

# Every parameter: section → name → (kind, keys of a record, in order).
_SCHEMA: Mapping[str, Mapping[str, tuple[Kind, tuple[str, ...]]]] = {
    "screening": {
        "accrual_per_year": ("positive", ()),
        "screen_failure_probability": ("probability", ()),
        "failure_reasons": ("distribution", ()),
        "screening_to_day0_days": ("range", ("min", "max")),
    },
    "baseline": {
        "age": ("record", ("mean", "sd", "min", "max")),
        "male_probability": ("probability", ()),
        "etiology": ("distribution", ()),
        "weight_kg": ("record", ("mean", "sd", "min", "max")),
        "height_cm": ("record", ("male_mean", "female_mean", "sd")),
        "meld": ("record", ("mean", "between_sd")),
        "ascites_grade": ("distribution", ()),
        "he_grade": ("distribution", ()),
    },
    "labs": {
        "bilirubin_umol_l": ("positive", ()),
        "inr": ("positive", ()),
        "creatinine_umol_l": ("positive", ()),
        "meld_shares": ("distribution", ()),
        "meld_split_sd": ("nonnegative", ()),
        "albumin_g_l": ("record", ("mean", "sd", "meld_correlation")),
        "sodium_mmol_l": ("record", ("mean", "sd", "meld_correlation")),
        "alt_u_l": ("record", ("median", "gsd", "alcohol_median")),
        "ast_u_l": ("record", ("median", "gsd", "alcohol_median")),
        "alp_u_l": ("record", ("median", "gsd")),
        "pt_control_s": ("positive", ()),
        "measurement_cv": (
            "record",
            ("bilirubin", "alt", "ast", "alp", "creatinine", "albumin", "pt"),
        ),
        "sodium_measurement_sd": ("nonnegative", ()),
    },
    "course": {
        "within_person_meld_sd": ("nonnegative", ()),
        "within_person_correlation_24w": ("probability", ()),
        "meld_drift_per_year": ("number", ()),
        "mortality_3_month_by_meld": ("bands", ()),
        "death_hr_per_meld_point": ("positive", ()),
        "mortality_scale": ("nonnegative", ()),
        "death_hr_after_decompensation": ("positive", ()),
        "decompensation_per_year": ("per_arm", ()),
        "transplant_per_year": ("nonnegative", ()),
        "post_transplant_mortality_per_year": ("nonnegative", ()),
        "post_transplant_meld": ("number", ()),
    },
    "treatment": {
        "death_hr": ("per_arm", ()),
        "meld_change": ("per_arm_signed", ()),
        "effect_onset_days": ("positive", ()),
        "not_infused_probability": ("probability", ()),
    },
    "conduct": {
        "withdrawal_per_year": ("nonnegative", ()),
        "missed_visit_probability": ("probability", ()),
        "out_of_window_probability": ("probability", ()),
        "lab_entry_error_probability": ("probability", ()),
    },
    "safety": {
        "infusion_fever_probability": ("per_arm", ()),
        "adverse_events_per_year": ("nonnegative", ()),
        "serious_infections_per_year": ("nonnegative", ()),
    },
}

# Record fields that may be any finite number; the rest of a record must be positive.
_SIGNED_FIELDS = {"meld_correlation"}
_SUM_TOLERANCE = 0.005


class ScenarioError(InputError):
    """A scenario with problems; ``problems`` lists each as ``<path>: expected ..., got ...``."""

    def __init__(self, problems: list[str], *, source: str) -> None:
        self.problems = tuple(problems)
        listing = "\n".join(f"  {p}" for p in problems)
        HepatrialError.__init__(
            self,
            f"{source}: {len(problems)} problem(s) in the scenario\n{listing}",
            field=source,
            expected="a valid scenario",
            received=f"{len(problems)} problem(s)",
        )


@dataclass(frozen=True, slots=True)
class ParameterSource:
    """Where a parameter's value comes from, and why when no publication gives it."""

    source: str
    assumption: bool
    reason: str | None


@dataclass(frozen=True, slots=True)
class MortalityBand:
    """Published mortality within 3 months for a MELD below ``below`` (None: no upper bound)."""

    below: float | None
    probability: float


@dataclass(frozen=True, slots=True)
class Scenario:
    """A checked scenario. ``value(section, name)`` gives a parameter; ``sources`` their origins.

    Values are plain numbers, or read-only mappings for records, distributions and per-arm values;
    the mortality table is a tuple of :class:`MortalityBand`.
    """

    name: str
    description: str
    values: Mapping[str, Mapping[str, Any]]
    sources: Mapping[str, ParameterSource]

    def value(self, section: str, name: str) -> Any:
        try:
            return self.values[section][name]
        except KeyError:
            raise InputError(
                field=f"{section}.{name}", expected="a scenario parameter", received=None
            ) from None

    def number(self, section: str, name: str) -> float:
        return float(self.value(section, name))

    def record(self, section: str, name: str) -> Mapping[str, float]:
        value = self.value(section, name)
        if not isinstance(value, Mapping):
            raise InputError(field=f"{section}.{name}", expected="a record", received=value)
        return value

    def bands(self) -> tuple[MortalityBand, ...]:
        return tuple(self.value("course", "mortality_3_month_by_meld"))

    def with_values(self, name: str | None = None, **sections: Mapping[str, Any]) -> Scenario:
        """A copy with some parameters changed, e.g. ``with_values(treatment={"death_hr":
        {"LOW": 1.0, "MIDHIGH": 0.5}})``; the values are checked as in a file."""
        problems: list[str] = []
        merged = {section: dict(values) for section, values in self.values.items()}
        for section, changes in sections.items():
            if section not in _SCHEMA:
                problems.append(f"{section}: expected a section ({', '.join(_SCHEMA)}), got it")
                continue
            for key, raw in changes.items():
                spec = _SCHEMA[section].get(key)
                if spec is None:
                    problems.append(f"{section}.{key}: expected a parameter of {section}, got it")
                    continue
                merged[section][key] = _check(f"{section}.{key}", spec, raw, problems)
        if problems:
            raise ScenarioError(problems, source="with_values")
        return replace(
            self, name=name or self.name, values=_freeze({k: _freeze(v) for k, v in merged.items()})
        )


def _freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def _number(
    path: str,
    raw: object,
    problems: list[str],
    *,
    low: float | None = None,
    strict: bool = False,
    high: float | None = None,
    words: str = "a number",
) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        problems.append(f"{path}: expected {words}, got {raw!r}")
        return math.nan
    value = float(raw)
    too_low = low is not None and (value < low or (strict and value == low))
    if too_low or (high is not None and value > high):
        problems.append(f"{path}: expected {words}, got {raw!r}")
    return value


def _mapping(path: str, raw: object, problems: list[str], what: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping) or not raw:
        problems.append(f"{path}: expected {what}, got {raw!r}")
        return {}
    return raw


def _check(path: str, spec: tuple[Kind, tuple[str, ...]], raw: object, problems: list[str]) -> Any:
    kind, keys = spec
    if kind == "probability":
        return _number(path, raw, problems, low=0.0, high=1.0, words="a probability from 0 to 1")
    if kind == "positive":
        return _number(path, raw, problems, low=0.0, strict=True, words="a positive number")
    if kind == "nonnegative":
        return _number(path, raw, problems, low=0.0, words="a number >= 0")
    if kind == "number":
        return _number(path, raw, problems)
    if kind in ("distribution", "per_arm", "per_arm_signed"):
        words = {
            "distribution": "a probability from 0 to 1",
            "per_arm": "a number >= 0",
            "per_arm_signed": "a number",
        }[kind]
        mapping = _mapping(path, raw, problems, f"a mapping of codes to {words.split(' ', 1)[1]}s")
        out = {
            str(k): _number(
                f"{path}.{k}",
                v,
                problems,
                low=None if kind == "per_arm_signed" else 0.0,
                high=1.0 if kind == "distribution" else None,
                words=words,
            )
            for k, v in mapping.items()
        }
        total = sum(out.values())
        if kind == "distribution" and out and abs(total - 1.0) > _SUM_TOLERANCE:
            problems.append(f"{path}: expected probabilities summing to 1, got a sum of {total:g}")
        return _freeze(out)
    if kind == "bands":
        return _bands(path, raw, problems)
    mapping = _mapping(path, raw, problems, f"a mapping with {', '.join(keys)}")
    for key in mapping:
        if key not in keys:
            problems.append(f"{path}.{key}: expected one of {', '.join(keys)}, got {key!r}")
    record: dict[str, float] = {}
    for key in keys:
        if mapping and key not in mapping:
            problems.append(f"{path}.{key}: expected a value, got nothing")
            continue
        if not mapping:
            continue
        signed = key in _SIGNED_FIELDS
        record[key] = _number(
            f"{path}.{key}",
            mapping[key],
            problems,
            low=None if signed else 0.0,
            words="a number" if signed else "a number >= 0",
        )
    if kind == "range" and len(record) == 2 and record["min"] > record["max"]:
        problems.append(f"{path}: expected min <= max, got {record['min']:g} > {record['max']:g}")
    return _freeze(record)


def _bands(path: str, raw: object, problems: list[str]) -> tuple[MortalityBand, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(f"{path}: expected a list of {{below, probability}} bands, got {raw!r}")
        return ()
    bands = []
    previous = -math.inf
    for index, item in enumerate(raw):
        where = f"{path}[{index}]"
        entry = _mapping(where, item, problems, "a mapping with below and probability")
        below = entry.get("below")
        last = index == len(raw) - 1
        if below is None and not last:
            problems.append(
                f"{where}.below: expected a MELD bound (only the last band has none), got nothing"
            )
        bound = None if below is None else _number(f"{where}.below", below, problems)
        if bound is not None and bound <= previous:
            problems.append(f"{where}.below: expected a bound above {previous:g}, got {bound:g}")
        previous = bound if bound is not None else previous
        probability = _number(
            f"{where}.probability",
            entry.get("probability"),
            problems,
            low=0.0,
            high=1.0,
            strict=False,
            words="a probability from 0 to 1",
        )
        if probability >= 1.0:
            problems.append(f"{where}.probability: expected a probability below 1, got 1")
        bands.append(MortalityBand(bound, probability))
    if raw and isinstance(raw[-1], Mapping) and raw[-1].get("below") is not None:
        problems.append(
            f"{path}[{len(raw) - 1}].below: expected nothing (the last band is open), "
            f"got {raw[-1].get('below')!r}"
        )
    return tuple(bands)


def _entry(path: str, raw: object, problems: list[str]) -> tuple[object, ParameterSource]:
    entry = _mapping(path, raw, problems, "a mapping with value, source and assumption")
    for key in entry:
        if key not in ("value", "source", "assumption", "reason"):
            problems.append(
                f"{path}.{key}: expected value, source, assumption or reason, got {key!r}"
            )
    source = entry.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(f"{path}.source: expected the source of the value, got {source!r}")
    assumption = entry.get("assumption")
    if not isinstance(assumption, bool):
        problems.append(f"{path}.assumption: expected true or false, got {assumption!r}")
    reason = entry.get("reason")
    if assumption is True and (not isinstance(reason, str) or not reason.strip()):
        problems.append(f"{path}.reason: expected the reason for the assumption, got {reason!r}")
    if "value" not in entry and entry:
        problems.append(f"{path}.value: expected a value, got nothing")
    return entry.get("value"), ParameterSource(
        str(source or ""), assumption is True, reason if isinstance(reason, str) else None
    )


def parse_scenario(text: str, *, source: str = "<text>") -> Scenario:
    """Check scenario YAML ``text``; every problem is reported in one :class:`ScenarioError`."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ScenarioError([f"(file): expected valid YAML, got {error}"], source=source) from None
    problems: list[str] = []
    doc = _mapping("(file)", raw, problems, "a mapping with name, description and parameters")
    for key in ("name", "description"):
        if not isinstance(doc.get(key), str) or not str(doc.get(key)).strip():
            problems.append(f"{key}: expected text, got {doc.get(key)!r}")
    if doc and doc.get("schema_version") != 1:
        problems.append(f"schema_version: expected 1, got {doc.get('schema_version')!r}")
    parameters = (
        _mapping(
            "parameters",
            doc.get("parameters"),
            problems,
            f"a mapping of sections ({', '.join(_SCHEMA)})",
        )
        if doc
        else {}
    )
    values: dict[str, Mapping[str, Any]] = {}
    sources: dict[str, ParameterSource] = {}
    for section in parameters:
        if section not in _SCHEMA:
            problems.append(
                f"parameters.{section}: expected a section ({', '.join(_SCHEMA)}), got it"
            )
    for section, schema in _SCHEMA.items():
        where = f"parameters.{section}"
        given = (
            _mapping(where, parameters.get(section), problems, "a mapping of parameters")
            if parameters
            else {}
        )
        for key in given:
            if key not in schema:
                problems.append(
                    f"{where}.{key}: expected a parameter of {section} "
                    f"({', '.join(schema)}), got {key!r}"
                )
        checked: dict[str, Any] = {}
        for key, spec in schema.items():
            if given and key not in given:
                problems.append(f"{where}.{key}: expected the parameter, got nothing")
                continue
            if not given:
                continue
            value, origin = _entry(f"{where}.{key}", given[key], problems)
            checked[key] = _check(f"{where}.{key}.value", spec, value, problems)
            sources[f"{section}.{key}"] = origin
        values[section] = _freeze(checked)
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)), source=source)
    return Scenario(
        name=str(doc["name"]),
        description=" ".join(str(doc["description"]).split()),
        values=_freeze(values),
        sources=_freeze(sources),
    )


def load_scenario(path: str | pathlib.Path) -> Scenario:
    """Read and check the scenario file at ``path``."""
    try:
        text = pathlib.Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(
            [f"(file): expected a readable UTF-8 file, got {error}"], source=str(path)
        ) from None
    return parse_scenario(text, source=str(path))


@functools.cache
def default_scenario() -> Scenario:
    """The default scenario (``scenarios/esld_default.yaml``): no dose effect."""
    resource = importlib.resources.files("hepatrial.simulate") / "scenarios" / DEFAULT_SCENARIO_FILE
    return parse_scenario(resource.read_text(encoding="utf-8"), source=DEFAULT_SCENARIO_FILE)
