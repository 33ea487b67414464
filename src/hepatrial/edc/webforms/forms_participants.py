"""Forms of a participant's path to randomization: identify, consent, screening, eligibility,
randomize, emergency unblinding, and the endings (withdrawal, death, liver transplant).

Field names are the services' argument names, so an error a service raises about a field lands
next to that field. Choices come from the protocol, never from code.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hepatrial.edc.webforms._common import EntryForm, ReasonMixin
from hepatrial.protocol import NEVER, Protocol

__all__ = [
    "YES_NO",
    "AttestationForm",
    "ConsentCorrectForm",
    "ConsentForm",
    "DeathForm",
    "IdentifyForm",
    "LiverTransplantForm",
    "RandomizeForm",
    "ScreeningForm",
    "UnblindingForm",
    "WithdrawForm",
    "date_field",
    "text_of",
]

YES_NO = [("", "—"), ("yes", _("yes")), ("no", _("no"))]


def date_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def text_of(value: Any) -> Any:
    """A yes/no choice as a bool, anything else unchanged ("" stays "": not answered)."""
    return {"yes": True, "no": False}.get(value, value)


class IdentifyForm(EntryForm):
    site_code = forms.ChoiceField(label=_("Site"))
    identified_on = date_field(_("Date identified"))
    name = forms.CharField(label=_("Name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40)
    national_id = forms.CharField(label=_("National ID number"), max_length=40)

    def __init__(self, *args: Any, sites: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site_code"].choices = sites


class ConsentForm(EntryForm):
    consent_version = forms.CharField(label=_("Consent form version"), max_length=40)
    consent_date = date_field(_("Date consent signed"))
    signed_by_participant = forms.ChoiceField(
        label=_("Signed by the participant"),
        choices=YES_NO[1:],
        initial="yes",
        widget=forms.RadioSelect,
    )
    representative_relationship = forms.CharField(
        label=_("Representative's relationship (if the participant did not sign)"),
        max_length=100,
        required=False,
    )


class ConsentCorrectForm(ReasonMixin, EntryForm):
    consent_version = forms.CharField(label=_("Consent form version"), max_length=40)
    consent_date = date_field(_("Date consent signed"))


class ScreeningForm(EntryForm):
    """The screening visit date, sex (demographics) and every screening fact of the protocol.

    An event date ("last interferon therapy") is a date, or "never" ticked. A fact left blank
    is not yet known and is not recorded.
    """

    screening_date = date_field(_("Screening visit date"))
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", "—"), ("F", _("female")), ("M", _("male"))],
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        protocol: Protocol,
        skip: tuple[str, ...],
        recorded: dict[str, Any],
        screening_visit: Any,
        demographics: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # what is already saved: the facts (by code), the screening visit and demographics
        self.recorded = recorded
        self.screening_visit = screening_visit
        self.demographics = demographics
        self.fact_codes: list[str] = []
        for fact in protocol.screening_facts:
            if fact.code in skip:
                continue
            self.fact_codes.append(fact.code)
            label = _(fact.label)
            if fact.type in ("date", "event_date"):
                self.fields[fact.code] = date_field(label, required=False)
                if fact.type == "event_date":
                    self.fields[f"{fact.code}__never"] = forms.BooleanField(
                        label=_("never"), required=False
                    )
            elif fact.type == "boolean":
                self.fields[fact.code] = forms.ChoiceField(
                    label=label, choices=YES_NO, required=False
                )
            elif fact.type == "choice":
                self.fields[fact.code] = forms.ChoiceField(
                    label=label,
                    choices=[("", "—"), *((c, _(c)) for c in fact.choices)],
                    required=False,
                )
            else:
                self.fields[fact.code] = forms.FloatField(label=label, required=False)

    def facts(self) -> dict[str, Any]:
        """The facts answered in the form, as the services take them."""
        found: dict[str, Any] = {}
        data = getattr(self, "cleaned_data", {})  # the fields that are valid so far
        for code in self.fact_codes:
            if data.get(f"{code}__never"):
                found[code] = NEVER
                continue
            value = text_of(data.get(code))
            if value not in (None, ""):
                found[code] = value
        return found


class AttestationForm(EntryForm):
    """The investigator's answer for each attested criterion, against its source document."""

    def __init__(self, *args: Any, protocol: Protocol, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = [
            c
            for c in protocol.eligibility.inclusion + protocol.eligibility.exclusion
            if c.decision == "attested"
        ]
        for criterion in self.criteria:
            self.fields[f"{criterion.code}__holds"] = forms.ChoiceField(
                label=f"{criterion.code} · {_(criterion.text)}",
                choices=YES_NO,
                required=False,
                help_text=_("Does the criterion's text hold for the candidate?"),
            )
            self.fields[f"{criterion.code}__source"] = forms.CharField(
                label=_("Source document checked"),
                required=False,
                initial=(criterion.source_document or "").strip(),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["reason"] = forms.CharField(
            label=_("Reason for the change (only when changing a saved answer)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def answers(self) -> dict[str, tuple[bool, str]]:
        found = {}
        for criterion in self.criteria:
            holds = text_of(self.cleaned_data.get(f"{criterion.code}__holds"))
            if isinstance(holds, bool):
                source = self.cleaned_data.get(f"{criterion.code}__source") or ""
                found[criterion.code] = (holds, source)
        return found


class RandomizeForm(EntryForm):
    confirm = forms.BooleanField(
        label=_("I confirm that this participant has consented and was confirmed eligible"),
    )


class UnblindingForm(EntryForm):
    reason = forms.CharField(
        label=_("Why the participant's care needs the arm"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I confirm that treating this participant needs the arm, and that this request is "
            "recorded and sent to the trial team"
        ),
    )


class WithdrawForm(EntryForm):
    withdrawn_on = date_field(_("Date withdrawn"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DeathForm(EntryForm):
    died_on = date_field(_("Date of death"))
    cause = forms.CharField(label=_("Cause of death"), widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.ChoiceField(label=_("Source of the information"))

    def __init__(self, *args: Any, sources: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = sources


class LiverTransplantForm(EntryForm):
    transplanted_on = date_field(_("Date of the liver transplant"))
