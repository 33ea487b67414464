"""Forms of the treatment and follow-up: lots, infusion, visits, labs, clinical assessment,
demographics, decompensation events and adverse events.

Choices (units, grades, events, seriousness criteria) come from the lab catalogue, the protocol
and the models; every check of a value is the services'.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hepatrial.clinical import lab_test
from hepatrial.edc.outcomes.models import Severity
from hepatrial.edc.safety.models import SERIOUSNESS_CRITERIA, ActionTaken, Outcome, Relatedness
from hepatrial.edc.webforms._common import EntryForm, ReasonMixin
from hepatrial.edc.webforms.forms_participants import YES_NO, date_field
from hepatrial.protocol import Protocol

__all__ = [
    "AdverseEventForm",
    "AdverseEventUpdateForm",
    "AssessmentCorrectForm",
    "AssessmentForm",
    "DecompensationCorrectForm",
    "DecompensationForm",
    "DemographicsCorrectForm",
    "DemographicsForm",
    "InfusionForm",
    "LabCorrectForm",
    "LabPanelForm",
    "LotForm",
    "SaeReportForm",
    "UnscheduledVisitForm",
    "VisitCorrectForm",
    "VisitForm",
    "VoidForm",
]

SEVERITY = [("", "—"), *((v, _(v)) for v in Severity.values)]
CRITERIA_LABELS = {
    "death": _("results in death"),
    "life_threatening": _("is life-threatening"),
    "hospitalization": _("requires or prolongs hospitalization"),
    "disability": _("results in persistent or significant disability"),
    "congenital_anomaly": _("is a congenital anomaly"),
    "important_medical_event": _("is another important medical event"),
}


def _time_field(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


class LotForm(EntryForm):
    lot_number = forms.CharField(label=_("Lot number"), max_length=60)
    concentration_per_ml = forms.FloatField(
        label=_("Cell concentration (cells/mL)"), help_text=_("e.g. 1.25e6")
    )
    viability = forms.FloatField(label=_("Viability (fraction)"), help_text=_("write 95 % as 0.95"))
    product_volume_ml = forms.FloatField(label=_("Product volume (mL)"))
    manufactured_on = date_field(_("Manufactured on"))
    expires_on = date_field(_("Expires on"))


class InfusionForm(EntryForm):
    lot = forms.ChoiceField(label=_("Cell lot"), widget=forms.Select(attrs={"translate": "no"}))
    weight_kg = forms.FloatField(label=_("Weight at infusion (kg)"))
    infusion_date = date_field(_("Infusion date"))
    started_at = _time_field(_("Started at"))
    stopped_at = _time_field(_("Stopped at"))
    delivered_volume_ml = forms.FloatField(label=_("Volume infused (mL)"))
    reaction = forms.ChoiceField(label=_("Infusion reaction"), choices=YES_NO[1:], initial="no")
    reactions = forms.CharField(
        label=_("Reaction described"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, lots: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot"].choices = lots


class VisitForm(EntryForm):
    outcome = forms.ChoiceField(
        label=_("The visit"),
        choices=[
            ("done", _("took place")),
            ("missed", _("was missed")),
            ("not_done", _("could not be done")),
        ],
        widget=forms.RadioSelect,
        initial="done",
    )
    actual_date = date_field(_("Visit date"), required=False)
    reason = forms.CharField(
        label=_("Reason (missed or not done)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VisitCorrectForm(ReasonMixin, EntryForm):
    actual_date = date_field(_("Visit date"))


class UnscheduledVisitForm(EntryForm):
    actual_date = date_field(_("Visit date"))
    reason = forms.CharField(
        label=_("Why the participant came outside the schedule"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VoidForm(EntryForm):
    """Void a record entered in error: it leaves the lists and the analysis, never the trail."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why this record was entered in error"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required; it is kept in the audit trail."),
    )


class LabPanelForm(EntryForm):
    """One row per lab test of the protocol not yet entered: a value and a unit picker."""

    def __init__(self, *args: Any, codes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[str, str]] = []
        for code, label in codes:
            test = lab_test(code)
            self.rows.append((code, label))
            self.fields[code] = forms.CharField(
                label=_(label),
                required=False,
                max_length=40,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "data-lab": code}),
            )
            self.fields[f"{code}__unit"] = forms.ChoiceField(
                label=_("unit"),
                choices=[(u, u) for u in test.units],
                initial=test.canonical_unit,
                required=False,
                widget=forms.Select(attrs={"data-lab-unit": code}),
            )

    def table(self) -> list[tuple[str, Any, Any]]:
        """Each row's code with its value and unit fields, for the table of the page."""
        return [(code, self[code], self[f"{code}__unit"]) for code, _label in self.rows]

    def values(self) -> dict[str, tuple[str, str]]:
        return {
            code: (self.cleaned_data[code].strip(), self.cleaned_data.get(f"{code}__unit") or "")
            for code, _label in self.rows
            if (self.cleaned_data.get(code) or "").strip()
        }


class LabCorrectForm(ReasonMixin, EntryForm):
    value = forms.CharField(label=_("Value"), max_length=40)
    unit = forms.ChoiceField(label=_("Unit"))

    def __init__(self, *args: Any, code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u, u) for u in lab_test(code).units]


def _grades(protocol: Protocol, code: str) -> list[tuple[str, Any]]:
    measure = next(m for m in protocol.measures.clinical if m.code == code)
    return [("", "—"), *((g.code, _(g.label)) for g in measure.grades)]


class AssessmentForm(EntryForm):
    ascites_grade = forms.ChoiceField(label=_("Ascites"), required=False)
    he_grade = forms.ChoiceField(label=_("Hepatic encephalopathy"), required=False)
    weight_kg = forms.FloatField(label=_("Body weight (kg)"), required=False)
    dialysis = forms.ChoiceField(
        label=_("Dialysis at least twice, or 24 hours of CVVHD, in the past week"),
        choices=YES_NO,
        required=False,
    )

    def __init__(self, *args: Any, protocol: Protocol, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ascites_grade"].choices = _grades(protocol, "ASCITES_GRADE")
        self.fields["he_grade"].choices = _grades(protocol, "HE_GRADE")


class AssessmentCorrectForm(ReasonMixin, AssessmentForm):
    pass


class DemographicsForm(EntryForm):
    sex = forms.ChoiceField(label=_("Sex"), choices=[("F", _("female")), ("M", _("male"))])
    birth_date = date_field(_("Date of birth"))


class DemographicsCorrectForm(ReasonMixin, DemographicsForm):
    pass


class DecompensationForm(EntryForm):
    event_type = forms.ChoiceField(label=_("Event"))
    onset_on = date_field(_("Onset date"))
    severity = forms.ChoiceField(label=_("Severity"), choices=SEVERITY)
    hospitalized = forms.ChoiceField(label=_("Hospitalized"), choices=YES_NO)
    admitted_on = date_field(_("Admitted on"), required=False)
    discharged_on = date_field(_("Discharged on"), required=False)

    def __init__(self, *args: Any, protocol: Protocol, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_type"].choices = [
            ("", "—"),
            *((e.code, _(e.label)) for e in protocol.measures.events),
        ]


class DecompensationCorrectForm(ReasonMixin, DecompensationForm):
    pass


class AdverseEventForm(EntryForm):
    term = forms.CharField(label=_("Event term"), max_length=200)
    onset_on = date_field(_("Onset date"))
    grade = forms.TypedChoiceField(
        label=_("CTCAE grade"),
        coerce=int,
        choices=[("", "—"), *((str(g), str(g)) for g in range(1, 6))],
    )
    seriousness = forms.MultipleChoiceField(
        label=_("Seriousness criteria (none if not serious)"),
        required=False,
        choices=[(c, CRITERIA_LABELS[c]) for c in SERIOUSNESS_CRITERIA],
        widget=forms.CheckboxSelectMultiple,
    )
    relatedness = forms.ChoiceField(
        label=_("Relatedness to the infusion"),
        choices=[("", "—"), *((v, _(str(label).lower())) for v, label in Relatedness.choices)],
    )
    action_taken = forms.ChoiceField(
        label=_("Action taken with the infusion"),
        choices=[("", "—"), *((v, _(str(label).lower())) for v, label in ActionTaken.choices)],
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "—"), *((v, _(str(label).lower())) for v, label in Outcome.choices)],
    )
    resolved_on = date_field(_("Resolved on"), required=False)
    awareness_at = forms.DateTimeField(
        label=_("Site aware of the event at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the site's time zone."),
    )


class AdverseEventUpdateForm(ReasonMixin, AdverseEventForm):
    pass


class SaeReportForm(EntryForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reported_at = forms.DateTimeField(
        label=_("Report sent to the sponsor at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the site's time zone."),
    )
