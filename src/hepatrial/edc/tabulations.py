"""The SDTM-shaped tabulations of the trial, read from the database (DM, DS, IE, EX, SV, LB, RS,
VS, CE, AE).

This is the seam the analysis, the exports and the reports use (DESIGN.md). It reads only
non-voided records, never personal identifiers (AGE, not the birth date), and masks the allocation
for a masked requester: arm codes and labels become ``[masked]`` and the dose is blanked.
Each build is recorded in the audit trail as an access event.

Study days follow this trial's convention (DESIGN.md): day 0 is the day of the infusion, so
``--DY`` is the plain difference in days (SDTM's "no day 0" rule is not applied).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from hepatrial.clinical.catalogue import LAB_CATALOGUE
from hepatrial.edc.core.audit import record_access
from hepatrial.edc.core.masking import MASKED, allocation_visible
from hepatrial.edc.core.permissions import require
from hepatrial.edc.crfs.models import ClinicalAssessment, Demographics, DerivedScore, LabResult
from hepatrial.edc.dosing.models import Infusion
from hepatrial.edc.outcomes.models import Death, DecompensationEvent, LiverTransplant
from hepatrial.edc.participants.models import Consent, Disposition, EligibilityAnswer, Participant
from hepatrial.edc.randomization.models import Allocation
from hepatrial.edc.safety.models import AdverseEvent
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.edc.visits.models import Visit, VisitStatus
from hepatrial.tabulate import Tabulations, tabulation

__all__ = ["tabulations_build"]

Row = dict[str, Any]

# SDTM --TESTCD values are at most 8 characters.
_RS_TESTS = {
    "MELD": ("MELD", "MELD Score", "MELD"),
    "MELD_NA": ("MELDNA", "MELD-Na Score", "MELD"),
    "MELD3": ("MELD3", "MELD 3.0 Score", "MELD"),
    "CHILD_PUGH": ("CPSCORE", "Child-Pugh Score", "CHILD-PUGH CLASSIFICATION"),
    "ALBI": ("ALBI", "ALBI Score", "ALBI"),
}
_DS = {
    Disposition.Event.SCREEN_FAILED: "SCREEN FAILURE",
    Disposition.Event.WITHDRAWN: "WITHDRAWAL BY SUBJECT",
    Disposition.Event.LOST: "LOST TO FOLLOW-UP",
    Disposition.Event.COMPLETED: "COMPLETED",
    Disposition.Event.DIED: "DEATH",
}


def tabulations_build(*, user: Any) -> Tabulations:
    """Every domain, masked for ``user`` when the allocation is hidden from them."""
    require(user, "tabulation.read")
    protocol = study_protocol()
    studyid = protocol.identity.registry_id
    visible = allocation_visible(user)
    participants = list(Participant.objects.filter(voided=False).select_related("site"))
    usubjid = {p.pk: f"{studyid}-{p.study_id}" for p in participants}
    day0 = {p.pk: p.day0 for p in participants}
    builders = {
        "DM": _dm(participants, usubjid, visible, protocol),
        "DS": _ds(usubjid),
        "IE": _ie(usubjid, protocol),
        "EX": _ex(usubjid, visible, protocol),
        "SV": _sv(usubjid, day0),
        "LB": _lb(usubjid, day0),
        "RS": _rs(usubjid, day0),
        "VS": _vs(usubjid),
        "CE": _ce(usubjid, protocol),
        "AE": _ae(usubjid),
    }
    record_access(
        username=user.get_username(), action="tabulations read", detail=f"masked={not visible}"
    )
    return Tabulations(
        studyid=studyid,
        domains={code: tabulation(code, rows, studyid=studyid) for code, rows in builders.items()},
    )


def _live(model: Any) -> Any:
    return model.objects.filter(voided=False)


def _day(when: dt.date | None, day0: dt.date | None) -> int | None:
    return (when - day0).days if when and day0 else None


def _iso(when: dt.date | None) -> str | None:
    return when.isoformat() if when else None


def _yn(flag: bool | None) -> str | None:
    return None if flag is None else ("Y" if flag else "N")


def _dm(
    participants: Iterable[Participant], usubjid: dict[Any, str], visible: bool, protocol: Any
) -> list[Row]:
    consent = {c.participant_id: c for c in _live(Consent)}
    demo = {d.participant_id: d for d in _live(Demographics)}
    allocation = {a.participant_id: a for a in _live(Allocation)}
    infused = {i.participant_id: i for i in _live(Infusion)}
    death = {d.participant_id: d for d in _live(Death)}
    disposition = {d.participant_id: d for d in _live(Disposition)}
    labels = {arm.code: arm.label for arm in protocol.arms}
    countries = {site.code: site.country_code for site in protocol.identity.sites}
    zones = {site.code: ZoneInfo(site.time_zone) for site in protocol.identity.sites}
    rows = []
    for p in participants:
        if p.pk not in consent:
            continue  # identified but never consented: no trial data exist
        given = consent[p.pk].consent_date
        person = demo.get(p.pk)
        age = None
        if person is not None:
            born = person.birth_date
            age = given.year - born.year - ((given.month, given.day) < (born.month, born.day))
        arm, actual = _arms(p, allocation.get(p.pk), infused.get(p.pk), disposition.get(p.pk))
        arm_label = labels.get(arm, _SPECIAL.get(arm, arm))
        actual_label = labels.get(actual, _SPECIAL.get(actual, actual))
        if not visible and arm in labels:
            arm = arm_label = MASKED
        if not visible and actual in labels:
            actual = actual_label = MASKED
        alloc = allocation.get(p.pk)
        end = disposition.get(p.pk)
        rows.append(
            {
                "USUBJID": usubjid[p.pk],
                "SUBJID": p.study_id,
                "RFSTDTC": _iso(p.day0),
                "RFENDTC": _iso(end.event_date) if end else None,
                "RFXSTDTC": _iso(p.day0),
                "RFICDTC": _iso(given),
                "RANDDTC": _iso(alloc.randomized_at.astimezone(zones[p.site.code]).date())
                if alloc
                else None,
                "DTHDTC": _iso(death[p.pk].died_on) if p.pk in death else None,
                "DTHFL": "Y" if p.pk in death else None,
                "SITEID": p.site.code,
                "AGE": age,
                "AGEU": "YEARS" if age is not None else None,
                "SEX": person.sex if person else "U",
                "ARMCD": arm,
                "ARM": arm_label,
                "ACTARMCD": actual,
                "ACTARM": actual_label,
                "COUNTRY": countries.get(p.site.code),
            }
        )
    return rows


_SPECIAL = {
    "SCRNFAIL": "Screen Failure",
    "NOTASSGN": "Not Assigned",
    "NOTTRT": "Not Treated",
}


def _arms(p: Participant, alloc: Any, infusion: Any, disposition: Any) -> tuple[str, str]:
    """Planned and actual arm codes, with SDTM's codes for those never assigned or treated."""
    if alloc is None:
        screen_failed = (
            disposition is not None and disposition.event == Disposition.Event.SCREEN_FAILED
        )
        code = "SCRNFAIL" if screen_failed else "NOTASSGN"
        return code, code
    return alloc.arm, (alloc.arm if infusion is not None else "NOTTRT")


def _ds(usubjid: dict[Any, str]) -> list[Row]:
    rows: list[Row] = []
    for c in _live(Consent):
        if c.participant_id in usubjid:
            term = "INFORMED CONSENT OBTAINED"
            rows.append(
                _ds_row(usubjid[c.participant_id], term, term, "PROTOCOL MILESTONE", c.consent_date)
            )
    for a in _live(Allocation).select_related("participant__site"):
        if a.participant_id in usubjid:
            on = a.randomized_at.astimezone(ZoneInfo(a.participant.site.time_zone)).date()
            rows.append(
                _ds_row(usubjid[a.participant_id], "RANDOMIZED", "RANDOMIZED",
                        "PROTOCOL MILESTONE", on)
            )  # fmt: skip
    for d in _live(Disposition):
        if d.participant_id in usubjid:
            term = d.reason or _DS[d.event]
            rows.append(_ds_row(usubjid[d.participant_id], term, _DS[d.event],
                                "DISPOSITION EVENT", d.event_date))  # fmt: skip
    return rows


def _ds_row(usubjid: str, term: str, decod: str, cat: str, when: dt.date) -> Row:
    return {"USUBJID": usubjid, "DSTERM": term, "DSDECOD": decod, "DSCAT": cat,
            "DSSTDTC": _iso(when)}  # fmt: skip


def _ie(usubjid: dict[Any, str], protocol: Any) -> list[Row]:
    """SDTM IE holds only the criteria a participant did not meet."""
    texts = {c.code: c.text for c in protocol.criteria}
    rows = []
    for answer in _live(EligibilityAnswer).filter(met=False):
        if answer.participant_id not in usubjid:
            continue
        inclusion = answer.kind == "inclusion"
        result = "N" if inclusion else "Y"
        rows.append(
            {
                "USUBJID": usubjid[answer.participant_id],
                "IETESTCD": answer.criterion_code,
                "IETEST": texts.get(answer.criterion_code, answer.criterion_code)[:200],
                "IECAT": "INCLUSION" if inclusion else "EXCLUSION",
                "IEORRES": result,
                "IESTRESC": result,
                "IEDTC": _iso(answer.evaluated_on),
            }
        )
    return rows


def _ex(usubjid: dict[Any, str], visible: bool, protocol: Any) -> list[Row]:
    route = protocol.arms[0].route_cdisc if protocol.arms else None
    rows = []
    for infusion in _live(Infusion).select_related("lot"):
        if infusion.participant_id not in usubjid:
            continue
        rows.append(
            {
                "USUBJID": usubjid[infusion.participant_id],
                "EXTRT": protocol.product.short_name,
                "EXDOSE": infusion.dose_per_kg if visible else None,
                "EXDOSU": "cells/kg" if visible else MASKED,
                "EXROUTE": route,
                "EXLOT": infusion.lot.lot_number,
                "EXSTDTC": _iso(infusion.infusion_date),
                "EXENDTC": _iso(infusion.infusion_date),
            }
        )
    return rows


def _visits() -> Any:
    return _live(Visit).exclude(status__in=[VisitStatus.PLANNED, VisitStatus.DUE])


def _sv(usubjid: dict[Any, str], day0: dict[Any, dt.date | None]) -> list[Row]:
    rows = []
    for v in _visits():
        if v.participant_id not in usubjid:
            continue
        done = v.status == VisitStatus.DONE
        if not done and v.status not in (VisitStatus.MISSED, VisitStatus.NOT_DONE):
            continue
        rows.append(
            {
                "USUBJID": usubjid[v.participant_id],
                "VISITNUM": float(v.visitnum),
                "VISIT": v.label,
                "SVSTDTC": _iso(v.actual_date) if done else None,
                "SVPRESP": None if v.unscheduled else "Y",
                "SVOCCUR": "Y" if done else "N",
                "SVREASOC": None if done else (v.reason or None),
                "SVDY": _day(v.actual_date, day0.get(v.participant_id)) if done else None,
            }
        )
    return rows


def _lb(usubjid: dict[Any, str], day0: dict[Any, dt.date | None]) -> list[Row]:
    results = list(_live(LabResult).select_related("visit").filter(visit__voided=False))
    # LBLOBXFL: the last value of each test on or before day 0 (baseline labs are drawn on
    # day 0 before the infusion, protocol assumption).
    last_before: dict[tuple[Any, str], LabResult] = {}
    for r in results:
        start = day0.get(r.participant_id)
        when = r.visit.actual_date
        if start is None or when is None or when > start:
            continue
        key = (r.participant_id, r.code)
        best = last_before.get(key)
        if best is None or (best.visit.actual_date or dt.date.min) <= when:
            last_before[key] = r
    baseline = {r.pk for r in last_before.values()}
    rows = []
    for r in results:
        if r.participant_id not in usubjid:
            continue
        test = LAB_CATALOGUE[r.code]
        unit = test.units.get(r.unit_entered) or test.units[test.canonical_unit]
        rows.append(
            {
                "USUBJID": usubjid[r.participant_id],
                "LBTESTCD": r.code,
                "LBTEST": test.name,
                "LBCAT": "COAGULATION" if r.code in ("PT", "INR") else "CHEMISTRY",
                "LBLOINC": unit.loinc,
                "LBORRES": r.value_entered,
                "LBORRESU": r.unit_entered,
                "LBSTRESC": f"{r.value_std:.{test.decimals}f}",
                "LBSTRESN": r.value_std,
                "LBSTRESU": r.unit_std,
                "LBLOBXFL": "Y" if r.pk in baseline else None,
                "VISITNUM": float(r.visit.visitnum),
                "VISIT": r.visit.label,
                "LBDTC": _iso(r.visit.actual_date),
                "LBDY": _day(r.visit.actual_date, day0.get(r.participant_id)),
            }
        )
    return rows


def _rs(usubjid: dict[Any, str], day0: dict[Any, dt.date | None]) -> list[Row]:
    rows = []
    for s in _live(DerivedScore).select_related("visit"):
        if s.participant_id not in usubjid or s.code not in _RS_TESTS:
            continue
        testcd, test, cat = _RS_TESTS[s.code]
        value = int(s.value) if float(s.value).is_integer() else round(s.value, 3)
        base = {
            "USUBJID": usubjid[s.participant_id],
            "RSCAT": cat,
            "RSMETHOD": s.formula,
            "VISITNUM": float(s.visit.visitnum),
            "VISIT": s.visit.label,
            "RSDTC": _iso(s.visit.actual_date),
            "RSDY": _day(s.visit.actual_date, day0.get(s.participant_id)),
        }
        rows.append({**base, "RSTESTCD": testcd, "RSTEST": test, "RSORRES": str(value),
                     "RSSTRESC": str(value), "RSSTRESN": float(s.value)})  # fmt: skip
        if s.grade:
            grade_cd = "CPCLASS" if s.code == "CHILD_PUGH" else f"{testcd}GR"[:8]
            grade_test = "Child-Pugh Class" if s.code == "CHILD_PUGH" else f"{test[:-6]} Grade"
            rows.append({**base, "RSTESTCD": grade_cd, "RSTEST": grade_test,
                         "RSORRES": s.grade, "RSSTRESC": s.grade, "RSSTRESN": None})  # fmt: skip
    return rows


def _vs(usubjid: dict[Any, str]) -> list[Row]:
    rows = []
    for a in _live(ClinicalAssessment).select_related("visit").exclude(weight_kg=None):
        if a.participant_id not in usubjid:
            continue
        rows.append(
            {
                "USUBJID": usubjid[a.participant_id],
                "VSTESTCD": "WEIGHT",
                "VSTEST": "Weight",
                "VSORRES": f"{a.weight_kg:g}",
                "VSORRESU": "kg",
                "VSSTRESN": a.weight_kg,
                "VSSTRESU": "kg",
                "VISITNUM": float(a.visit.visitnum),
                "VISIT": a.visit.label,
                "VSDTC": _iso(a.visit.actual_date),
            }
        )
    return rows


def _ce(usubjid: dict[Any, str], protocol: Any) -> list[Row]:
    labels = {e.code: e.label for e in protocol.measures.events}
    rows: list[Row] = []
    for e in _live(DecompensationEvent):
        if e.participant_id not in usubjid:
            continue
        rows.append(
            {
                "USUBJID": usubjid[e.participant_id],
                "CETERM": labels.get(e.event_type, e.event_type),
                "CEDECOD": e.event_type,
                "CECAT": "DECOMPENSATION",
                "CEPRESP": "Y",
                "CEOCCUR": "Y",
                "CESEV": e.severity.upper(),
                "CEHOSP": _yn(e.hospitalized),
                "CESTDTC": _iso(e.onset_on),
                "CEENDTC": None,
            }
        )
    for t in _live(LiverTransplant):
        if t.participant_id in usubjid:
            rows.append(
                {
                    "USUBJID": usubjid[t.participant_id],
                    "CETERM": "Liver transplantation",
                    "CEDECOD": "LIVER_TRANSPLANT",
                    "CECAT": "INTERCURRENT EVENT",
                    "CEPRESP": "Y",
                    "CEOCCUR": "Y",
                    "CESTDTC": _iso(t.transplanted_on),
                }
            )
    return rows


def _ae(usubjid: dict[Any, str]) -> list[Row]:
    rows = []
    for e in _live(AdverseEvent):
        if e.participant_id not in usubjid:
            continue
        rows.append(
            {
                "USUBJID": usubjid[e.participant_id],
                "AETERM": e.term,
                "AEDECOD": e.term.upper(),
                "AETOXGR": str(e.grade),
                "AESER": _yn(e.serious),
                "AESDTH": _yn(e.criterion_death),
                "AESLIFE": _yn(e.criterion_life_threatening),
                "AESHOSP": _yn(e.criterion_hospitalization),
                "AESDISAB": _yn(e.criterion_disability),
                "AESCONG": _yn(e.criterion_congenital_anomaly),
                "AESMIE": _yn(e.criterion_important_medical_event),
                "AEREL": e.get_relatedness_display().upper(),
                "AEACN": e.get_action_taken_display().upper(),
                "AEOUT": e.get_outcome_display().upper(),
                "AESTDTC": _iso(e.onset_on),
                "AEENDTC": _iso(e.resolved_on),
            }
        )
    return rows
