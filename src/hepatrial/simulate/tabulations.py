"""A simulated cohort as the EDC's tabulations would show it at a data cut (the fast path).

Rows, codes and labels follow :mod:`hepatrial.edc.tabulations` (unmasked): what exists on the
cut date and nothing after it. A lab entry error stands corrected (its query resolved), a
participant still in follow-up has no end-of-study disposition, and the scores are derived with
:mod:`hepatrial.clinical` from the standardized labs of each visit, as the EDC derives them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from hepatrial.clinical import lab_test
from hepatrial.protocol import Protocol
from hepatrial.simulate._frames import Columns, domain_frame
from hepatrial.simulate._scores import score_rows
from hepatrial.simulate._visits import follow_up_visits
from hepatrial.simulate.cohort import simulate_cohort
from hepatrial.simulate.cohort_model import Candidate, Cohort, LabDraw
from hepatrial.simulate.scenario import Scenario
from hepatrial.tabulate import Tabulations

__all__ = ["cohort_tabulations", "simulate_tabulations"]

_RELATEDNESS = {
    "not_related": "NOT RELATED",
    "unlikely": "UNLIKELY",
    "possible": "POSSIBLE",
    "probable": "PROBABLE",
    "definite": "DEFINITE",
}
_ACTION = {
    "dose_not_changed": "DOSE NOT CHANGED",
    "infusion_interrupted": "INFUSION INTERRUPTED",
    "infusion_stopped": "INFUSION STOPPED",
    "not_applicable": "NOT APPLICABLE",
    "unknown": "UNKNOWN",
}
_OUTCOME = {
    "recovered": "RECOVERED/RESOLVED",
    "recovering": "RECOVERING/RESOLVING",
    "not_recovered": "NOT RECOVERED/NOT RESOLVED",
    "recovered_with_sequelae": "RECOVERED/RESOLVED WITH SEQUELAE",
    "fatal": "FATAL",
    "unknown": "UNKNOWN",
}
_CRITERIA = {
    "AESDTH": "death",
    "AESLIFE": "life_threatening",
    "AESHOSP": "hospitalization",
    "AESDISAB": "disability",
    "AESCONG": "congenital_anomaly",
    "AESMIE": "important_medical_event",
}
_MILESTONE, _DISPOSITION = "PROTOCOL MILESTONE", "DISPOSITION EVENT"


def _iso(when: date | None) -> str | None:
    return when.isoformat() if when else None


def _yn(flag: bool | None) -> str | None:
    return None if flag is None else ("Y" if flag else "N")


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class _Cut:
    """What of one candidate exists on the cut date."""

    c: Candidate
    cutoff: date
    usubjid: str

    def seen(self, when: date | None) -> date | None:
        return when if when is not None and when <= self.cutoff else None

    @property
    def day0(self) -> date | None:
        return self.seen(self.c.infused_on)

    @property
    def randomized(self) -> date | None:
        return self.seen(self.c.randomized_on)


_LB_COLUMNS = (
    "USUBJID", "LBTESTCD", "LBTEST", "LBCAT", "LBLOINC", "LBORRES", "LBORRESU", "LBSTRESC",
    "LBSTRESN", "LBSTRESU", "LBLOBXFL", "VISITNUM", "VISIT", "LBDTC", "LBDY",
)  # fmt: skip


@functools.cache
def _lab_meta(code: str, unit: str) -> tuple[str, str, str, float, int, str]:
    """LBTEST, LBCAT, LOINC, factor to the canonical unit, decimals and the canonical unit."""
    test = lab_test(code)
    unit_def = test.units[unit]
    cat = "COAGULATION" if code in ("PT", "INR") else "CHEMISTRY"
    return test.name, cat, unit_def.loinc, unit_def.factor, test.decimals, test.canonical_unit


@dataclass
class _Domains:
    protocol: Protocol
    cols: dict[str, Columns] = field(default_factory=dict)
    scored: list[dict[str, Any]] = field(default_factory=list)
    # LB rows as tuples in _LB_COLUMNS order: the largest domain, built without keywords.
    lb: list[tuple[Any, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for code in ("DM", "DS", "IE", "EX", "SV", "LB", "RS", "VS", "CE", "AE"):
            self.cols[code] = Columns(code)


def cohort_tabulations(cohort: Cohort, *, protocol: Protocol, cutoff: date) -> Tabulations:
    """Tabulations DM, DS, IE, EX, SV, LB, RS, VS, CE and AE of ``cohort`` at ``cutoff``."""
    studyid = protocol.identity.registry_id
    site = protocol.identity.sites[0]
    out = _Domains(protocol)
    for candidate in cohort.candidates:
        if candidate.consented_on is None or candidate.consented_on > cutoff:
            continue
        cut = _Cut(candidate, cutoff, f"{studyid}-{site.code}-{candidate.number}")
        _subject(out, cut, site.code, site.country_code)
        _visits(out, cut)
        _events(out, cut)
    out.cols["RS"].extend(*score_rows(out.scored, protocol))
    lb_columns = [list(column) for column in zip(*out.lb, strict=True)] or [[]] * len(_LB_COLUMNS)
    out.cols["LB"].extend(dict(zip(_LB_COLUMNS, lb_columns, strict=True)), len(out.lb))
    return Tabulations(
        studyid=studyid,
        domains={code: domain_frame(cols, studyid=studyid) for code, cols in out.cols.items()},
    )


def _ending(cut: _Cut, protocol: Protocol) -> tuple[date, str, str] | None:
    c = cut.c
    failed_on = cut.seen(c.eligibility_on) if c.screen_failure_reasons else None
    if failed_on is not None:
        reason = f"criteria not met: {', '.join(c.screen_failure_reasons)}"
        return failed_on, reason, "SCREEN FAILURE"
    if cut.seen(c.death_on):
        return c.death_on, "DEATH", "DEATH"  # type: ignore[return-value]
    if cut.seen(c.withdrawn_on):
        return (
            c.withdrawn_on,
            c.withdrawal_reason or "WITHDRAWAL BY SUBJECT",
            "WITHDRAWAL BY SUBJECT",
        )  # type: ignore[return-value]
    last = c.visits[-1] if c.visits else None
    final = follow_up_visits(protocol)[-1].code
    if last is not None and last.code == final and cut.seen(last.actual_date):
        return last.actual_date, "COMPLETED", "COMPLETED"  # type: ignore[return-value]
    return None


def _subject(out: _Domains, cut: _Cut, site: str, country: str) -> None:
    c, u, protocol = cut.c, cut.usubjid, out.protocol
    labels = {arm.code: arm.label for arm in protocol.arms}
    end = _ending(cut, protocol)
    screen_failed = end is not None and end[2] == "SCREEN FAILURE"
    if cut.randomized and c.arm:
        arm, arm_label = c.arm, labels[c.arm]
        actual, actual_label = (arm, arm_label) if cut.day0 else ("NOTTRT", "Not Treated")
    elif screen_failed:
        arm = actual = "SCRNFAIL"
        arm_label = actual_label = "Screen Failure"
    else:
        arm = actual = "NOTASSGN"
        arm_label = actual_label = "Not Assigned"
    age = _age(c.birth_date, c.consented_on)  # type: ignore[arg-type]
    death = cut.seen(c.death_on)
    out.cols["DM"].add(
        USUBJID=u,
        SUBJID=f"{site}-{c.number}",
        RFSTDTC=_iso(cut.day0),
        RFENDTC=_iso(end[0]) if end else None,
        RFXSTDTC=_iso(cut.day0),
        RFICDTC=_iso(c.consented_on),
        RANDDTC=_iso(cut.randomized),
        DTHDTC=_iso(death),
        DTHFL="Y" if death else None,
        SITEID=site,
        AGE=age,
        AGEU="YEARS",
        SEX=c.sex,
        ARMCD=arm,
        ARM=arm_label,
        ACTARMCD=actual,
        ACTARM=actual_label,
        COUNTRY=country,
    )
    ds = out.cols["DS"]
    term = "INFORMED CONSENT OBTAINED"
    ds.add(USUBJID=u, DSTERM=term, DSDECOD=term, DSCAT=_MILESTONE, DSSTDTC=_iso(c.consented_on))
    if cut.randomized:
        ds.add(
            USUBJID=u,
            DSTERM="RANDOMIZED",
            DSDECOD="RANDOMIZED",
            DSCAT=_MILESTONE,
            DSSTDTC=_iso(cut.randomized),
        )
    if end is not None:
        ds.add(USUBJID=u, DSTERM=end[1], DSDECOD=end[2], DSCAT=_DISPOSITION, DSSTDTC=_iso(end[0]))
    if screen_failed:
        texts = {criterion.code: criterion.text for criterion in protocol.criteria}
        inclusion = {criterion.code for criterion in protocol.eligibility.inclusion}
        for code in c.screen_failure_reasons:
            result = "N" if code in inclusion else "Y"
            out.cols["IE"].add(
                USUBJID=u,
                IETESTCD=code,
                IETEST=texts[code][:200],
                IECAT="INCLUSION" if code in inclusion else "EXCLUSION",
                IEORRES=result,
                IESTRESC=result,
                IEDTC=_iso(c.eligibility_on),
            )
    if cut.day0 and c.arm:
        arm_spec = next(a for a in protocol.arms if a.code == c.arm)
        out.cols["EX"].add(
            USUBJID=u,
            EXTRT=protocol.product.short_name,
            EXDOSE=arm_spec.dose_per_kg,
            EXDOSU="cells/kg",
            EXROUTE=protocol.arms[0].route_cdisc,
            EXLOT=f"{protocol.product.code}-{cut.day0:%y%m}-01",
            EXSTDTC=_iso(cut.day0),
            EXENDTC=_iso(cut.day0),
        )


def _visits(out: _Domains, cut: _Cut) -> None:
    c, u, protocol = cut.c, cut.usubjid, out.protocol
    screening = next(v for v in protocol.visits if v.epoch == "screening")
    day0 = cut.day0
    rows: list[tuple[Any, date, tuple[LabDraw, ...], Any]] = []
    if cut.seen(c.screened_on):
        rows.append((screening, c.screened_on, c.screening_labs, c.screening_assessment))
    by_code = {v.code: v for v in protocol.visits}
    listed = set()
    for draw in c.visits:
        visit = by_code[draw.code]
        listed.add(draw.code)
        if draw.actual_date is None:
            closed = day0 is not None and draw.target_date.toordinal() + visit.window.after
            if closed and closed < cut.cutoff.toordinal():
                out.cols["SV"].add(
                    USUBJID=u,
                    VISITNUM=float(visit.visitnum),
                    VISIT=visit.label,
                    SVPRESP="Y",
                    SVOCCUR="N",
                    SVREASOC=draw.missed_reason,
                )
            continue
        if cut.seen(draw.actual_date):
            rows.append((visit, draw.actual_date, draw.labs, draw.assessment))
    died = cut.seen(c.death_on)
    if died and day0:
        for visit in follow_up_visits(protocol):
            if visit.code not in listed:
                out.cols["SV"].add(
                    USUBJID=u,
                    VISITNUM=float(visit.visitnum),
                    VISIT=visit.label,
                    SVPRESP="Y",
                    SVOCCUR="N",
                    SVREASOC="participant died",
                )
    baseline: dict[str, date] = {}
    for _, when, labs, _ in rows:
        if day0 is not None and when <= day0:
            for lab in labs:
                baseline[lab.code] = when
    for visit, when, labs, assessment in rows:
        day = (when - day0).days if day0 else None
        out.cols["SV"].add(
            USUBJID=u,
            VISITNUM=float(visit.visitnum),
            VISIT=visit.label,
            SVSTDTC=_iso(when),
            SVPRESP="Y",
            SVOCCUR="Y",
            SVDY=day,
        )
        std: dict[str, float] = {}
        iso, visitnum = _iso(when), float(visit.visitnum)
        for lab in labs:
            value, unit = lab.final
            name, cat, loinc, factor, decimals, canonical = _lab_meta(lab.code, unit)
            std[lab.code] = number = value * factor
            out.lb.append(
                (u, lab.code, name, cat, loinc, repr(float(value)), unit,
                 f"{number:.{decimals}f}", number, canonical,
                 "Y" if baseline.get(lab.code) == when else None, visitnum, visit.label, iso,
                 day)
            )  # fmt: skip
        if assessment is not None and assessment.weight_kg is not None:
            w = assessment.weight_kg
            out.cols["VS"].add(
                USUBJID=u,
                VSTESTCD="WEIGHT",
                VSTEST="Weight",
                VSORRES=f"{w:g}",
                VSORRESU="kg",
                VSSTRESN=w,
                VSSTRESU="kg",
                VISITNUM=float(visit.visitnum),
                VISIT=visit.label,
                VSDTC=_iso(when),
            )
        if assessment is not None and labs:
            out.scored.append(
                {
                    "USUBJID": u,
                    "VISITNUM": float(visit.visitnum),
                    "VISIT": visit.label,
                    "RSDTC": _iso(when),
                    "RSDY": day,
                    "std": std,
                    "assessment": assessment,
                    "female": c.sex == "F",
                    "age": _age(c.birth_date, when),
                }
            )


def _events(out: _Domains, cut: _Cut) -> None:
    c, u, protocol = cut.c, cut.usubjid, out.protocol
    labels = {e.code: e.label for e in protocol.measures.events}
    for e in c.decompensations:
        if cut.seen(e.onset_on):
            out.cols["CE"].add(
                USUBJID=u,
                CETERM=labels.get(e.event_type, e.event_type),
                CEDECOD=e.event_type,
                CECAT="DECOMPENSATION",
                CEPRESP="Y",
                CEOCCUR="Y",
                CESEV=e.severity.upper(),
                CEHOSP=_yn(e.hospitalized),
                CESTDTC=_iso(e.onset_on),
            )
    if cut.seen(c.transplant_on):
        out.cols["CE"].add(
            USUBJID=u,
            CETERM="Liver transplantation",
            CEDECOD="LIVER_TRANSPLANT",
            CECAT="INTERCURRENT EVENT",
            CEPRESP="Y",
            CEOCCUR="Y",
            CESTDTC=_iso(c.transplant_on),
        )
    for a in c.adverse_events:
        if not cut.seen(a.onset_on):
            continue
        resolved = cut.seen(a.resolved_on)
        outcome = a.outcome if resolved or a.resolved_on is None else "recovering"
        out.cols["AE"].add(
            USUBJID=u,
            AETERM=a.term,
            AEDECOD=a.term.upper(),
            AETOXGR=str(a.grade),
            AESER=_yn(a.serious),
            AEREL=_RELATEDNESS[a.relatedness],
            AEACN=_ACTION[a.action_taken],
            AEOUT=_OUTCOME[outcome],
            AESTDTC=_iso(a.onset_on),
            AEENDTC=_iso(resolved),
            **{name: _yn(code in a.seriousness) for name, code in _CRITERIA.items()},
        )


def simulate_tabulations(
    n: int,
    *,
    scenario: Scenario,
    protocol: Protocol,
    rng: np.random.Generator,
    start: date,
    cutoff: date,
) -> Tabulations:
    """Tabulations of a simulated trial with ``n`` randomized participants, at ``cutoff``."""
    cohort = simulate_cohort(scenario, protocol=protocol, rng=rng, start=start, n_randomized=n)
    return cohort_tabulations(cohort, protocol=protocol, cutoff=cutoff)
