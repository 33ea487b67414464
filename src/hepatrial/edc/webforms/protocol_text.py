"""Texts the forms show from the protocol and the models' choices, marked for translation.

The protocol file and the stored codes stay in English; these calls only put the labels into
the message catalogue (``makemessages`` finds them here) so the forms show them in the user's
language. Texts the pages already list (``hepatrial.edc.web.protocol_text``: visits, criteria,
arms, decompensation events) are not repeated. Another trial's texts are shown as they are.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

__all__ = ["FORM_TEXTS"]

FORM_TEXTS = (
    # the site
    _("General Hospital of Northern Theater Command"),
    # screening facts
    _("Date of birth"),
    _("Date of the last interferon or glucocorticoid therapy"),
    _("Last date of participation in another clinical trial"),
    _("Has received a liver transplant"),
    _("HIV test result"),
    _("Pregnant"),
    _("Breastfeeding"),
    _("positive"),
    _("negative"),
    # labs
    _("Alanine aminotransferase"),
    _("Aspartate aminotransferase"),
    _("Alkaline phosphatase"),
    _("Total bilirubin"),
    _("Serum albumin"),
    _("Prothrombin time"),
    _("International normalized ratio"),
    _("Creatinine"),
    _("Sodium"),
    # clinical grades
    _("None"),
    _("Mild"),
    _("Moderate to severe"),
    _("Grade 1-2"),
    _("Grade 3-4"),
    # scores
    _("MELD (original UNOS form)"),
    _("MELD-Na (OPTN 2016)"),
    _("MELD 3.0"),
    _("Child-Pugh score and class"),
    _("ALBI score and grade"),
    # decompensation severity
    _("mild"),
    _("moderate"),
    _("severe"),
    _("life-threatening"),
    # adverse events (CDISC AEREL, AEACN, AEOUT as the form words them)
    _("not related"),
    _("unlikely"),
    _("possible"),
    _("probable"),
    _("definite"),
    _("dose not changed"),
    _("infusion interrupted"),
    _("infusion stopped"),
    _("not applicable"),
    _("unknown"),
    _("recovered/resolved"),
    _("recovering/resolving"),
    _("not recovered/not resolved"),
    _("recovered/resolved with sequelae"),
    _("fatal"),
    # sources of a death
    _("medical record"),
    _("death certificate"),
    _("relative or carer"),
    _("other"),
    # lot release
    _("released"),
    _("quarantined"),
    _("rejected"),
    # query message kinds
    _("raised"),
    _("response"),
    _("resolution"),
    _("closure"),
    _("auto-closure"),
)
