"""The seed protocol's display texts, marked for translation.

The protocol file is data and stays in English; these calls only put its labels into the
message catalogue (``makemessages`` finds them here), so that ``{{ text|protocol_text }}`` shows
them in the user's language. A text not listed here (another trial's protocol) is shown as is.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

__all__ = ["PROTOCOL_TEXTS"]

PROTOCOL_TEXTS = (
    # visits
    _("Screening"),
    _("Day 0 (infusion)"),
    _("Week 1"),
    _("Week 4"),
    _("Week 8"),
    _("Week 12"),
    _("Week 24"),
    _("Week 48"),
    _("Day 365 (1-year survival contact)"),
    _("Unscheduled"),
    # eligibility criteria (registered text, NCT06167473)
    _("18-80 years old"),
    _("End-stage liver disease"),
    _("Sign informed consent"),
    _("Tumours of the liver or other organs"),
    _("Liver transplantation recipients"),
    _(
        "Acute myocardial infarction, acute heart failure, type I and type II respiratory "
        "failure, pulmonary embolism, acute cerebral infarction, acute cerebral haemorrhage and "
        "other serious cardiopulmonary diseases"
    ),
    _("Other diseases that may seriously affect the survival"),
    _("Human immunodeficiency syndrome"),
    _("Interferon or glucocorticoid therapy within 1 year"),
    _("Treated for mental illness"),
    _("Participation in other clinical trials within 30 days"),
    _("Pregnant or breastfeeding subjects"),
    _(
        "Allergic asthma, allergic urticaria, eczema, or a history of multiple drug and food "
        "allergies"
    ),
    _("Other circumstances that are unsuitable for participation in this study"),
    # arms (shown only to who may see the allocation)
    _("Low dose (1×10^6 cells/kg)"),
    _("Medium-high dose (3×10^6 cells/kg)"),
    # decompensation events
    _("Gastrointestinal bleeding"),
    _("Ascites"),
    _("Hepatic encephalopathy"),
)
