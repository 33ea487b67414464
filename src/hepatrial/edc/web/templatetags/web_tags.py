"""Template filters of the web pages: translated role and status labels, status badges."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from hepatrial.edc.web.labels import ROLE_LABELS, STATUS_LABELS, STATUS_TONES, label_of

register = template.Library()


@register.filter
def role_label(role: str) -> str:
    """``{{ user.role|role_label }}`` → the role's name in the active language."""
    return label_of(ROLE_LABELS, role)


@register.filter
def status_label(status: str) -> str:
    """``{{ row.status|status_label }}`` → the status in the active language."""
    return label_of(STATUS_LABELS, status)


@register.filter
def status_badge(status: str) -> SafeString:
    """``{{ row.status|status_badge }}`` → a coloured, translated badge."""
    tone = STATUS_TONES.get(str(status), "muted")
    return format_html(
        '<span class="badge badge-{}">{}</span>', tone, label_of(STATUS_LABELS, status)
    )


@register.filter
def protocol_text(text: str) -> str:
    """``{{ visit.label|protocol_text }}`` → the protocol's text in the active language, when
    the catalogue has it (see ``hepatrial.edc.web.protocol_text``)."""
    return gettext(str(text)) if text else ""


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


@register.filter
def scientific(value: float | None) -> str:
    """``{{ 64000000|scientific }}`` → "6.40×10⁷" (cell counts and doses per kg)."""
    if value is None or value == "":
        return "—"
    mantissa, exponent = f"{float(value):.2e}".split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
