"""Forms of data review: query messages, raising a query, signing a casebook, the study lock."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hepatrial.edc.webforms._common import EntryForm

__all__ = ["LockForm", "QueryMessageForm", "QueryRaiseForm", "SignForm"]


class QueryMessageForm(EntryForm):
    action = forms.ChoiceField(
        choices=[
            ("respond", _("Answer")),
            ("resolve", _("Resolve")),
            ("close", _("Close")),
        ],
        widget=forms.HiddenInput,
    )
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))


class QueryRaiseForm(EntryForm):
    # the records' own codes, values and terms: data, not text to translate
    record = forms.ChoiceField(label=_("Record"), widget=forms.Select(attrs={"translate": "no"}))
    field = forms.CharField(label=_("Field"), max_length=100)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, records: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = records


class SignForm(EntryForm):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Entered again at every signature (21 CFR 11.200)."),
    )


class LockForm(EntryForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
