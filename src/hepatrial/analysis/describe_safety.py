"""Safety tables: adverse events by arm, grade and seriousness, infusion reactions, deaths.

Counts are of participants (each counted once per row, at their worst grade) with the number of
events beside them, in the safety population (ICH E3 §12.2, "Adverse events"; ICH E9 §6.2).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["describe_deaths", "describe_safety"]

_GROUP = "GROUP"
_GRADES = ("1", "2", "3", "4", "5")
_REACTION_WORDS = ("INFUSION", "ANAPHYLA", "HYPERSENSITIV")
"""Terms that name an infusion reaction (MedDRA PT "Infusion related reaction", "Anaphylactic
reaction", "Hypersensitivity")."""


def _yes(values: pd.Series) -> pd.Series:
    return (values.astype("string") == "Y").fillna(False).astype(bool)


def describe_safety(
    adsl: pd.DataFrame, adae: pd.DataFrame, groups: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The AE overview, the AEs by term and worst grade, and the infusion-reaction listing.

    Population: the safety population (``SAFFL = "Y"``) in its ``GROUP``; events are the
    treatment-emergent ones (``TRTEMFL = "Y"``). An infusion reaction is a treatment-emergent AE
    that starts on the day of the infusion (``ASTDY = 0``) or whose term names one
    (:data:`_REACTION_WORDS`); the tabulations hold no separate infusion-reaction record.

    - overview: ``category, group, denominator, participants, percent, events``.
    - by term: ``term, group, participants, events, serious, grade_1 ... grade_5,
      grade_missing`` (participants by their worst grade of that term).
    - infusion reactions: ``USUBJID, group, term, day, grade, serious``.
    """
    safety = adsl[_yes(adsl["SAFFL"]) & adsl[_GROUP].notna()]
    denominators = {g: int((safety[_GROUP] == g).sum()) for g in groups}
    events = adae[_yes(adae["TRTEMFL"]) & adae["USUBJID"].isin(safety["USUBJID"])].copy()
    events["TERM"] = events["AEDECOD"].fillna(events["AETERM"]).astype(str).str.capitalize()
    term_upper = events["TERM"].str.upper()
    reaction = (events["ASTDY"] == 0).fillna(False).astype(bool)
    for word in _REACTION_WORDS:
        reaction |= term_upper.str.contains(word, regex=False)
    events["REACTION"] = reaction
    grade = pd.to_numeric(events["ATOXGRN"], errors="coerce")
    categories = {
        "Any adverse event": pd.Series(True, index=events.index),
        "Serious adverse event": _yes(events["AESER"]),
        "Grade 3 or higher": (grade >= 3).fillna(False).astype(bool),
        "Adverse event resulting in death": _yes(events["AESDTH"]) | (grade == 5).fillna(False),
        "Infusion reaction": reaction,
    }
    overview: list[dict[str, object]] = []
    for category, selected in categories.items():
        chosen = events[selected]
        for group in groups:
            in_group = chosen[chosen[_GROUP] == group]
            n = denominators[group]
            people = int(in_group["USUBJID"].nunique())
            overview.append({"category": category, "group": group, "denominator": n,
                             "participants": people,
                             "percent": 100.0 * people / n if n else float("nan"),
                             "events": len(in_group)})  # fmt: skip
    listing = events[reaction].sort_values(["USUBJID", "ASTDT"], kind="stable")
    reactions = pd.DataFrame(
        {
            "USUBJID": listing["USUBJID"].astype(str),
            "group": listing[_GROUP].astype(str),
            "term": listing["TERM"],
            "day": listing["ASTDY"].astype("Int64"),
            "grade": listing["AETOXGR"].astype("string"),
            "serious": _yes(listing["AESER"]).map({True: "Yes", False: "No"}),
        }
    ).reset_index(drop=True)
    return pd.DataFrame(overview), _by_term(events, grade, groups), reactions


def _by_term(events: pd.DataFrame, grade: pd.Series, groups: tuple[str, ...]) -> pd.DataFrame:
    columns = ["term", "group", "participants", "events", "serious",
               *(f"grade_{g}" for g in _GRADES), "grade_missing"]  # fmt: skip
    rows: list[dict[str, object]] = []
    frame = events.assign(GRADE=grade, SERIOUS=_yes(events["AESER"]))
    for (term, group), chunk in frame.groupby(["TERM", _GROUP], sort=True):
        if group not in groups:
            continue
        worst = chunk.groupby("USUBJID")["GRADE"].max()
        row: dict[str, object] = {
            "term": term,
            "group": group,
            "participants": int(chunk["USUBJID"].nunique()),
            "events": len(chunk),
            "serious": int(chunk.loc[chunk["SERIOUS"], "USUBJID"].nunique()),
            "grade_missing": int(worst.isna().sum()),
        }
        for g in _GRADES:
            row[f"grade_{g}"] = int((worst == float(g)).sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def describe_deaths(
    adsl: pd.DataFrame, adae: pd.DataFrame, tabulations_ds: pd.DataFrame | None
) -> pd.DataFrame:
    """One row per randomized participant who died: ``USUBJID, group, day, cause``.

    ``day`` counts from the infusion (study day 0), or from randomization for a participant never
    infused. ``cause`` is the term of an AE that resulted in death (``AESDTH = "Y"`` or grade 5),
    else the reported DS term of the death when it says more than "DEATH", else blank.
    """
    dead = adsl[_yes(adsl["DTHFL"]) & (adsl["ITTFL"] == "Y").fillna(False)]
    start = dead["TRTSDT"].astype("datetime64[ns]").fillna(dead["RANDDT"].astype("datetime64[ns]"))
    days = (dead["DTHDT"].astype("datetime64[ns]") - start).dt.days.astype("Int64")
    grade = pd.to_numeric(adae["ATOXGRN"], errors="coerce")
    fatal = adae[_yes(adae["AESDTH"]) | (grade == 5).fillna(False)]
    fatal_term = fatal.groupby("USUBJID")["AETERM"].first().astype(str)
    causes: dict[str, str] = {}
    if tabulations_ds is not None and not tabulations_ds.empty:
        told = tabulations_ds[
            (tabulations_ds["DSDECOD"] == "DEATH") & (tabulations_ds["DSTERM"] != "DEATH")
        ]
        first = told.groupby("USUBJID")["DSTERM"].first()
        causes = {str(k): str(v) for k, v in first.items()}
    subjects = dead["USUBJID"].astype(str)
    cause = subjects.map(lambda s: fatal_term.get(s, causes.get(s)))
    return (
        pd.DataFrame(
            {
                "USUBJID": subjects.to_numpy(),
                "group": dead[_GROUP].astype(str).to_numpy(),
                "day": days.to_numpy(),
                "cause": cause.astype("string").to_numpy(),
            }
        )
        .sort_values(["group", "day", "USUBJID"], kind="stable")
        .reset_index(drop=True)
    )
