"""Template filters of the data-entry forms: the kind of record a query is about."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

_KINDS = {
    "visits.Visit": _("Visit"),
    "crfs.LabResult": _("Lab result"),
    "crfs.ClinicalAssessment": _("Clinical assessment"),
    "crfs.Demographics": _("Demographics"),
    "outcomes.DecompensationEvent": _("Decompensation event"),
    "outcomes.Death": _("Death"),
    "safety.AdverseEvent": _("Adverse event"),
    "participants.Consent": _("Informed consent"),
    "participants.Participant": _("Participant"),
}


@register.filter
def record_kind(label: str) -> str:
    """``{{ row.record_model|record_kind }}`` → "Lab result" (translated) for ``crfs.LabResult``;
    a model without a name here is shown by its label."""
    return str(_KINDS.get(str(label), label))
