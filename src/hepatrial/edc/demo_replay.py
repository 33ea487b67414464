"""What the site staff do for one simulated candidate, each step through the EDC's services as
the role that does it in the trial.

The coordinator identifies, consents and screens, records visits, labs, assessments, events and
endings; the investigator attests the criteria, confirms eligibility and reports SAEs; the
pharmacist registers lots, randomizes and infuses. Every service that takes a clock is given the
day of the step, so the data carry the simulated calendar; audit timestamps stay real time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from hepatrial.errors import InputError
from hepatrial.protocol import Protocol
from hepatrial.simulate import AdverseEventDraw, AssessmentDraw, Candidate, LabDraw, VisitDraw

__all__ = ["DemoReplay", "LotPlan"]

SITE_CODE = "01"
CONSENT_VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class LotPlan:
    """A cell lot the pharmacist registers before the infusions it serves."""

    lot_number: str
    manufactured_on: dt.date
    expires_on: dt.date
    viability: float
    concentration_per_ml: float = 1.25e6
    product_volume_ml: float = 400.0


@dataclass
class DemoReplay:
    """The state the steps share: the accounts, the candidates' EDC records, what is pending."""

    users: dict[str, Any]
    protocol: Protocol
    rng: np.random.Generator
    zone: ZoneInfo
    participants: dict[str, Any] = field(default_factory=dict)
    lots: dict[str, Any] = field(default_factory=dict)
    # records a monitor may pick for source verification: (entered on, record, field)
    recorded: list[tuple[dt.date, Any, str]] = field(default_factory=list)
    # lab results kept with a flag whose correct value the site enters on answering the query
    corrections: dict[Any, tuple[float, str]] = field(default_factory=dict)
    adverse_events: dict[tuple[str, int], Any] = field(default_factory=dict)

    # -- clocks -------------------------------------------------------------------------------

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        """An aware time at the site on ``day``."""
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)

    # -- screening ----------------------------------------------------------------------------

    def identify(self, c: Candidate, on: dt.date) -> None:
        from hepatrial.edc.participants.services import participant_identify

        self.participants[c.number] = participant_identify(
            user=self.users["coordinator"],
            site_code=SITE_CODE,
            identified_on=c.identified_on,
            name=f"Demo Candidate {c.number}",
            phone=f"+86 138 0000 {int(c.number):04d}",
            national_id=f"DEMO{int(c.number):06d}",
            today=on,
        )

    def consent(self, c: Candidate, on: dt.date) -> None:
        from hepatrial.edc.participants.services import participant_consent

        assert c.consented_on is not None
        participant_consent(
            user=self.users["coordinator"],
            participant=self._participant(c),
            consent_version=CONSENT_VERSION,
            consent_date=c.consented_on,
            today=on,
        )

    def screen(self, c: Candidate, on: dt.date) -> None:
        """The screening visit: demographics, the screening facts, labs and the assessment."""
        from hepatrial.edc.crfs.services import demographics_enter
        from hepatrial.edc.participants.services import participant_screening_record
        from hepatrial.edc.visits.services import visit_screening_record

        coordinator, participant = self.users["coordinator"], self._participant(c)
        visit = visit_screening_record(
            user=coordinator, participant=participant, actual_date=c.screened_on
        )
        demographics_enter(
            user=coordinator, participant=participant, sex=c.sex, birth_date=c.birth_date
        )
        participant_screening_record(
            user=coordinator,
            participant=participant,
            facts=dict(c.screening_facts),
            collected_on=c.screened_on,
            today=on,
        )
        self._labs(visit, c.screening_labs, on)
        self._assessment(visit, c.screening_assessment, on)

    def decide_eligibility(self, c: Candidate, on: dt.date) -> None:
        """The investigator attests each judged criterion from its source, then confirms."""
        from hepatrial.edc.participants.services import (
            participant_attest,
            participant_eligibility_confirm,
        )

        investigator, participant = self.users["investigator"], self._participant(c)
        sources = {
            k.code: getattr(k, "source_document", None)
            for k in (*self.protocol.eligibility.inclusion, *self.protocol.eligibility.exclusion)
        }
        for code, holds in c.attestations.items():
            source = (sources.get(code) or "hospital record").strip().split(".")[0]
            participant_attest(
                user=investigator,
                participant=participant,
                criterion_code=code,
                holds=holds,
                source_document=f"{source} ({c.screened_on.isoformat()})",
            )
        participant_eligibility_confirm(user=investigator, participant=participant, today=on)

    # -- treatment ----------------------------------------------------------------------------

    def register_lot(self, lot: LotPlan, on: dt.date) -> None:
        from hepatrial.edc.dosing.services import lot_register

        self.lots[lot.lot_number] = lot_register(
            user=self.users["pharmacist"],
            lot_number=lot.lot_number,
            product_code=self.protocol.product.code,
            concentration_per_ml=lot.concentration_per_ml,
            viability=lot.viability,
            product_volume_ml=lot.product_volume_ml,
            manufactured_on=lot.manufactured_on,
            expires_on=lot.expires_on,
        )

    def randomize_and_infuse(self, c: Candidate, lot_number: str | None, on: dt.date) -> None:
        """Day 0: the pharmacist randomizes, prepares the dose for the arm and infuses it."""
        from hepatrial.clinical import infusion_plan
        from hepatrial.edc.dosing.services import infusion_record
        from hepatrial.edc.randomization.services import participant_randomize

        pharmacist = self.users["pharmacist"]
        assert c.randomized_on is not None
        allocation = participant_randomize(
            user=pharmacist, participant=self._participant(c), now=self.at(c.randomized_on, 8, 30)
        )
        if lot_number is None or c.infused_on is None or c.infusion_weight_kg is None:
            return
        lot = self.lots[lot_number]
        plan = infusion_plan(
            self.protocol,
            arm=allocation.arm,
            weight_kg=c.infusion_weight_kg,
            concentration_per_ml=lot.concentration_per_ml,
            viability=lot.viability,
            product_volume_ml=lot.product_volume_ml,
        )
        # what the pump delivers is close to, not exactly, the volume drawn up
        delivered = round(plan.volume_ml * float(self.rng.uniform(0.97, 1.01)), 1)
        reactions = [e for e in c.adverse_events if e.infusion_reaction]
        started = self.at(c.infused_on, 9, int(self.rng.integers(0, 50)))
        infusion_record(
            user=pharmacist,
            participant=self._participant(c),
            lot=lot,
            weight_kg=c.infusion_weight_kg,
            infusion_date=c.infused_on,
            started_at=started,
            # about 2 mL a minute through a peripheral vein
            stopped_at=started + dt.timedelta(minutes=max(30.0, delivered / 2.0)),
            delivered_volume_ml=delivered,
            reaction=bool(reactions),
            reactions="; ".join(e.term for e in reactions),
        )

    # -- follow-up ----------------------------------------------------------------------------

    def visit(self, c: Candidate, draw: VisitDraw, on: dt.date) -> None:
        """A visit done: its date (day 0 is dated by the infusion), labs and assessment."""
        from hepatrial.edc.visits.services import visit_record

        visit = self._visit(c, draw.code)
        if draw.code != "D0":
            assert draw.actual_date is not None
            visit = visit_record(
                user=self.users["coordinator"], visit=visit, actual_date=draw.actual_date
            )
            self.recorded.append((on, visit, "actual_date"))
        self._labs(visit, draw.labs, on)
        if draw.assessment is not None:
            self._assessment(visit, draw.assessment, on)

    def visit_missed(self, c: Candidate, draw: VisitDraw, on: dt.date) -> None:
        from hepatrial.edc.visits.services import visit_miss

        visit = self._visit(c, draw.code)
        if visit.status not in ("planned", "due", "overdue"):
            return  # already ended, e.g. by a death recorded before the window closed
        visit_miss(
            user=self.users["coordinator"],
            visit=visit,
            reason=draw.missed_reason or "participant did not attend",
        )

    def decompensation(self, c: Candidate, index: int, on: dt.date) -> None:
        from hepatrial.edc.outcomes.services import decompensation_record

        draw = c.decompensations[index]
        event = decompensation_record(
            user=self.users["coordinator"],
            participant=self._participant(c),
            event_type=draw.event_type,
            onset_on=draw.onset_on,
            severity=draw.severity,
            hospitalized=draw.hospitalized,
            admitted_on=draw.admitted_on,
            discharged_on=draw.discharged_on,
            today=on,
        )
        self.recorded.append((on, event, "severity"))

    def adverse_event(self, c: Candidate, index: int, on: dt.date) -> None:
        """Record an adverse event as known on ``on``: still ongoing if it resolves later."""
        from hepatrial.edc.safety.services import adverse_event_record

        draw = c.adverse_events[index]
        known = draw.resolved_on is None or draw.resolved_on <= on
        event = adverse_event_record(
            user=self.users["coordinator"],
            participant=self._participant(c),
            term=draw.term,
            onset_on=draw.onset_on,
            grade=draw.grade,
            relatedness=draw.relatedness,
            action_taken=draw.action_taken,
            outcome=draw.outcome if known else "recovering",
            awareness_at=self.at(draw.onset_on, 15),
            seriousness=draw.seriousness,
            resolved_on=draw.resolved_on if known else None,
            now=self.at(on, 17),
        )
        self.adverse_events[(c.number, index)] = event
        self.recorded.append((on, event, "grade"))
        if event.serious:
            self._sae_report(event, draw, on)

    def _sae_report(self, event: Any, draw: AdverseEventDraw, on: dt.date) -> None:
        """The investigator sends the SAE report to the sponsor within the 24-hour clock."""
        from hepatrial.edc.safety.services import sae_report_mark_sent

        sae_report_mark_sent(
            user=self.users["investigator"],
            adverse_event=event,
            expected_version=event.version,
            reported_at=self.at(draw.onset_on, 15) + dt.timedelta(hours=3),
            now=self.at(on, 23),
        )

    def adverse_event_resolved(self, c: Candidate, index: int, on: dt.date) -> None:
        from hepatrial.edc.safety.models import AdverseEvent
        from hepatrial.edc.safety.services import adverse_event_update

        draw = c.adverse_events[index]
        current = AdverseEvent.objects.get(pk=self.adverse_events[(c.number, index)].pk)
        adverse_event_update(
            user=self.users["coordinator"],
            adverse_event=current,
            expected_version=current.version,
            reason="outcome known at follow-up",
            changes={"outcome": draw.outcome, "resolved_on": draw.resolved_on},
            now=self.at(on, 17),
        )

    def transplant(self, c: Candidate, on: dt.date) -> None:
        from hepatrial.edc.outcomes.services import liver_transplant_record

        assert c.transplant_on is not None
        liver_transplant_record(
            user=self.users["coordinator"],
            participant=self._participant(c),
            transplanted_on=c.transplant_on,
            today=on,
        )

    def death(self, c: Candidate, on: dt.date) -> None:
        from hepatrial.edc.outcomes.services import death_record

        assert c.death_on is not None
        death_record(
            user=self.users["coordinator"],
            participant=self._participant(c),
            died_on=c.death_on,
            cause=c.death_cause or "unknown",
            source="medical record",
            today=on,
        )

    def withdraw(self, c: Candidate, on: dt.date) -> None:
        from hepatrial.edc.participants.services import participant_withdraw

        assert c.withdrawn_on is not None
        participant_withdraw(
            user=self.users["coordinator"],
            participant=self._participant(c),
            withdrawn_on=c.withdrawn_on,
            reason=c.withdrawal_reason or "participant's decision",
            today=on,
        )

    def complete(self, c: Candidate, completed_on: dt.date, on: dt.date) -> None:
        from hepatrial.edc.participants.services import participant_complete

        participant_complete(
            user=self.users["coordinator"],
            participant=self._participant(c),
            completed_on=completed_on,
            today=on,
        )

    def lose(self, c: Candidate, last_contact_on: dt.date, on: dt.date) -> None:
        from hepatrial.edc.participants.services import participant_lose_to_follow_up

        participant_lose_to_follow_up(
            user=self.users["coordinator"],
            participant=self._participant(c),
            last_contact_on=last_contact_on,
            reason="no answer to calls after the day-365 contact window closed",
            today=on,
        )

    # -- helpers ------------------------------------------------------------------------------

    def _participant(self, c: Candidate) -> Any:
        return self.participants[c.number]

    def _visit(self, c: Candidate, code: str) -> Any:
        from hepatrial.edc.visits.models import Visit

        return Visit.objects.get(
            participant=self._participant(c), code=code, unscheduled=False, voided=False
        )

    def _labs(self, visit: Any, labs: tuple[LabDraw, ...], on: dt.date) -> None:
        """Enter the panel as typed; a value the EDC refuses is typed again correctly, and one
        it keeps with a flag waits for the query to be answered with the right value."""
        from hepatrial.edc.crfs.services import lab_panel_enter

        if not labs:
            return
        coordinator = self.users["coordinator"]
        try:
            results = lab_panel_enter(
                user=coordinator, visit=visit, values={d.code: (d.value, d.unit) for d in labs}
            )
        except InputError:
            lab_panel_enter(user=coordinator, visit=visit, values={d.code: d.final for d in labs})
            return
        by_code = {r.code: r for r in results}
        for draw in labs:
            if draw.correction is not None:
                self.corrections[by_code[draw.code].pk] = draw.correction
        pick = by_code[labs[int(self.rng.integers(0, len(labs)))].code]
        self.recorded.append((on, pick, "value_entered"))

    def _assessment(self, visit: Any, draw: AssessmentDraw, on: dt.date) -> None:
        from hepatrial.edc.crfs.services import clinical_assessment_enter

        assessment = clinical_assessment_enter(
            user=self.users["coordinator"],
            visit=visit,
            ascites_grade=draw.ascites_grade,
            he_grade=draw.he_grade,
            weight_kg=draw.weight_kg,
            dialysis=draw.dialysis,
        )
        self.recorded.append((on, assessment, "weight_kg"))
