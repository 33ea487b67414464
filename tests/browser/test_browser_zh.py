"""Switched to Simplified Chinese, the journey's forms show no untranslated English.

Each role switches the language with the page's own language selector, then opens the forms it
works with. The visible text of the page's main part and messages is scanned for ASCII words of
three letters or more; what may stay as it is: codes, units and names (the allow-list below),
text the page marks as not to be translated (``translate="no"``: codes, IDs, user names) and
English service messages marked ``lang="en"`` (the brief lets hepatrial.errors stay English).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

# Codes, units, standards and names that are the same in every language.
ALLOWED = {
    # units and number formats
    "umol", "mmol", "ukat", "mEq", "ratio", "YYYY", "HH", "MM", "DD",
    # scores, standards and scales
    "MELD", "OPTN", "UNOS", "ALBI", "Child", "Pugh", "CTCAE", "CVVHD", "CFR", "HIV",
    # lab test codes (SDTM LBTESTCD) and visit codes, as the protocol names them
    "ALT", "AST", "ALP", "BILI", "ALB", "INR", "CREAT", "SODIUM", "SCR",
    # the product, the system and the site's zone
    "UCMSC", "MSC", "hepatrial", "Asia", "Shanghai",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z]{3,}")

_VISIBLE_TEXT = """() => {
  const parts = [];
  for (const selector of ["main", ".messages"]) {
    const root = document.querySelector(selector);
    if (!root) continue;
    const copy = root.cloneNode(true);
    copy.querySelectorAll('[lang="en"], [translate="no"], code, script, style, textarea')
      .forEach((element) => element.remove());
    parts.push(copy.textContent);
  }
  return parts.join("\\n");
}"""


def _english(page: Any) -> set[str]:
    return {w for w in WORD.findall(page.evaluate(_VISIBLE_TEXT)) if w not in ALLOWED}


def _switch_to_chinese(page: Any) -> None:
    page.select_option("#language-select", "zh-hans")
    page.locator("form.langform button[type=submit]").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "zh-hans"


def _pages(participant: Any) -> dict[str, dict[str, str]]:
    from django.urls import reverse

    from hepatrial.edc.crfs.models import LabResult
    from hepatrial.edc.queries.models import Query
    from hepatrial.edc.safety.models import AdverseEvent
    from hepatrial.edc.visits.models import Visit

    w1 = Visit.objects.get(participant=participant, code="W1")
    lab = LabResult.objects.filter(visit=w1, voided=False).order_by("code").first()
    query = Query.objects.filter(participant=participant, rule="manual").first()
    fever = AdverseEvent.objects.filter(participant=participant).first()
    pid = [participant.pk]
    return {
        "coordinator": {
            "new": reverse("webforms:participant_new"),
            "consent": reverse("webforms:consent", args=pid),
            "screening": reverse("webforms:screening", args=pid),
            "visit": reverse("webforms:visit", args=[w1.pk]),
            "labs": reverse("webforms:labs", args=[w1.pk]),
            "assessment": reverse("webforms:assessment", args=[w1.pk]),
            "lab_edit": reverse("webforms:lab_edit", args=[lab.pk]),
            "queries": reverse("webforms:queries") + "?status=",
            "query": reverse("webforms:query", args=[query.pk]),
            "adverse_event": reverse("webforms:adverse_event", args=pid),
            "decompensation": reverse("webforms:decompensation", args=pid),
            "withdraw": reverse("webforms:withdraw", args=pid),
            "transplant": reverse("webforms:liver_transplant", args=pid),
            "unscheduled_visit": reverse("webforms:unscheduled_visit", args=pid),
            "ae_void": reverse("webforms:void", args=["adverse-event", fever.pk]),
        },
        "investigator": {
            "eligibility": reverse("webforms:eligibility", args=pid),
            "casebook": reverse("webforms:casebook_sign", args=pid),
            "death": reverse("webforms:death", args=pid),
            "unblind": reverse("webforms:unblind", args=pid),
        },
        "pharmacist": {
            "lots": reverse("webforms:lot_new"),
            "randomize": reverse("webforms:randomize", args=pid),
            "infusion": reverse("webforms:infusion", args=pid),
        },
        "monitor": {
            "monitor": reverse("webforms:monitor"),
            "query_raise": reverse("webforms:query_raise", args=pid),
            "query": reverse("webforms:query", args=[query.pk]),
        },
        "data_manager": {"study_lock": reverse("webforms:study_lock")},
    }


def test_the_journey_forms_in_chinese_have_no_untranslated_english(
    login: Any, shot: Any, live_study: Any, live_participant: Any
) -> None:
    from hepatrial.edc.crfs.models import LabResult
    from hepatrial.edc.queries.services import query_raise

    lab = LabResult.objects.filter(participant=live_participant, visit__code="W1").first()
    query_raise(
        user=live_study.users["monitor"], record=lab, field="value_entered", text="Please check."
    )
    found: dict[str, set[str]] = {}
    for role, pages in _pages(live_participant).items():
        page = login(role)
        _switch_to_chinese(page)
        for name, path in pages.items():
            response = page.goto(f"{live_study.url}{path}")
            assert response is not None
            assert response.status == 200, (role, name)
            english = _english(page)
            if english:
                found[f"{role}:{name}"] = english
            shot(page, f"zh-{role}-{name}")
        if role == "coordinator":
            # a refused entry: the labels around the error are translated too
            page.goto(f"{live_study.url}{pages['new']}")
            page.locator("main button[type=submit]").first.click()
            page.locator(".alert-error").wait_for()
            english = _english(page)
            if english:
                found["coordinator:new (refused)"] = english
            shot(page, "zh-coordinator-new-refused")
    if found:
        pytest.fail("untranslated:\n" + "\n".join(f"{k}: {sorted(v)}" for k, v in found.items()))
