"""The pages speak Simplified Chinese: the catalogue is complete and compiled, a zh-Hans user
sees none of its English source strings, and the language switch works. Times are shown in
the site's zone."""

from __future__ import annotations

import gettext
import html
import json
import re
import shutil
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

import hepatrial.edc
from hepatrial.protocol import load_seed_protocol

# each app with pages or messages has its own catalogue
APPS = ("web", "webforms", "api")
LOCALES = {
    app: Path(hepatrial.edc.__file__).parent / app / "locale" / "zh_Hans" / "LC_MESSAGES"
    for app in APPS
}
LOCALE = LOCALES["web"]


def _po_entries(path: Path = LOCALE / "django.po") -> list[dict[str, Any]]:
    """(msgid, msgid_plural, [msgstr...], fuzzy) of every entry of a .po file."""
    entries: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    key = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            current = None
            continue
        if current is None:
            current = {"msgid": "", "plural": None, "msgstr": [], "fuzzy": False}
            entries.append(current)
        if line.startswith("#,") and "fuzzy" in line:
            current["fuzzy"] = True
        elif match := re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d+\])?) (\".*\")$", line):
            key, value = match.group(1), json.loads(match.group(2))
            if key == "msgid":
                current["msgid"] = value
            elif key == "msgid_plural":
                current["plural"] = value
            else:
                current["msgstr"].append(value)
        elif line.startswith('"'):
            value = json.loads(line)
            if key == "msgid":
                current["msgid"] += value
            elif key == "msgid_plural":
                current["plural"] += value
            else:
                current["msgstr"][-1] += value
    return [e for e in entries if e["msgid"]]


@pytest.mark.parametrize("app", APPS)
def test_every_message_of_the_catalogue_is_translated_and_compiled(app: str) -> None:
    entries = _po_entries(LOCALES[app] / "django.po")
    assert len(entries) > (150 if app == "web" else 1)
    untranslated = [e["msgid"] for e in entries if e["fuzzy"] or not all(e["msgstr"])]
    assert untranslated == []
    with (LOCALES[app] / "django.mo").open("rb") as stream:
        catalog = gettext.GNUTranslations(stream)
    stale = [
        e["msgid"]
        for e in entries
        if catalog.gettext(e["msgid"]) == e["msgid"]
        and catalog.ngettext(e["msgid"], e["plural"] or e["msgid"], 1) == e["msgid"]
    ]
    assert stale == [], "django.mo is older than django.po: run compilemessages"


@pytest.mark.parametrize("app", APPS)
def test_the_catalogue_holds_every_string_of_the_templates_and_code(
    tmp_path: Path, monkeypatch: Any, app: str
) -> None:
    """makemessages, run on a copy of the app, finds no string the catalogue lacks."""
    from django.core.management import call_command

    copy = tmp_path / app
    shutil.copytree(LOCALES[app].parents[2], copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)
    fresh = _po_entries(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    ours = {e["msgid"] for e in _po_entries(LOCALES[app] / "django.po")}
    assert [e["msgid"] for e in fresh if e["msgid"] not in ours] == []


def test_every_text_of_the_seed_protocol_shown_on_pages_is_in_the_catalogue() -> None:
    from hepatrial.edc.web.protocol_text import PROTOCOL_TEXTS

    protocol = load_seed_protocol()
    shown = [c.text for c in protocol.eligibility.criteria]
    shown += [v.label for v in protocol.visits] + [e.label for e in protocol.measures.events]
    shown += [a.label for a in protocol.arms]
    assert set(shown) <= set(PROTOCOL_TEXTS)


def _visible_text(page: str) -> str:
    """The text a reader sees, without what the page marks ``translate="no"`` (data entered by
    people: user names, query texts, field codes, event terms)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<(\w+)\b[^>]*\btranslate="no"[^>]*>.*?</\1>', " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def _english_fragments() -> list[str]:
    """Pieces of the catalogue's English source strings (between placeholders) long enough to
    be unmistakable: a word of five letters or more, or several words."""
    pieces = set()
    for entry in _po_entries():
        for source in filter(None, (entry["msgid"], entry["plural"])):
            for piece in re.split(r"%\(\w+\)[sd]", source):
                piece = piece.strip(" .:;,()")
                if re.search(r"[A-Za-z]{5,}", piece) or piece.count(" ") >= 2:
                    pieces.add(piece)
    # codes shown as codes on every page: the API's name and the record kinds of queries
    return sorted(pieces - {"API"})


# lower-case words that may stay: the product's name and the lab units
ALLOWED_WORDS = frozenset({"hepatrial", "ratio", "umol", "mmol"})


def _english_words(text: str) -> set[str]:
    """Lower-case English words of three letters or more: interface text a translation missed
    (codes are upper-case; data entered by people is marked translate="no")."""
    return set(re.findall(r"(?<![\w./-])[a-z]{3,}(?![\w.-])", text)) - ALLOWED_WORDS


def test_a_zh_hans_user_sees_no_english_interface_text(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    pid = journey["participant"].pk
    pages = [
        reverse("web:dashboard"),
        reverse("web:participant_list"),
        reverse("web:participant_detail", args=[pid]),
        reverse("web:record_history", args=["dosing.infusion", journey["infusion"].pk]),
        reverse("web:password_change"),
    ]
    fragments = [
        (f, re.compile(rf"(?<![\w.]){re.escape(f)}(?![\w.])")) for f in _english_fragments()
    ]
    found = []
    for role in ("coordinator", "pharmacist", "monitor"):
        client = Client(headers={"accept-language": "zh-hans"})
        client.force_login(users[role])
        for url in pages:
            text = _visible_text(client.get(url).content.decode())
            found += [f"{role} {url}: {f!r}" for f, pattern in fragments if pattern.search(text)]
            found += [f"{role} {url}: {w!r}" for w in _english_words(text)]
    anonymous = _visible_text(Client(headers={"accept-language": "zh-hans"}).get("/login/").text)
    found += [f"login: {f!r}" for f, pattern in fragments if pattern.search(anonymous)]
    found += [f"login: {w!r}" for w in _english_words(anonymous)]
    assert found == [], "\n".join(found)


def test_the_language_switch_turns_the_pages_to_chinese_and_back(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["monitor"])
    assert "Study dashboard" in client.get(reverse("web:dashboard")).text
    response = client.post(
        reverse("web:set_language"), {"language": "zh-hans", "next": reverse("web:dashboard")}
    )
    assert response.status_code == 302
    page = client.get(reverse("web:dashboard")).text
    assert '<html lang="zh-hans">' in page
    assert "研究仪表板" in page
    client.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    assert "Study dashboard" in client.get(reverse("web:dashboard")).text


def test_the_chosen_language_follows_the_user_to_another_browser(users: dict[str, Any]) -> None:
    ward = Client()
    ward.force_login(users["coordinator"])
    ward.post(reverse("web:set_language"), {"language": "zh-hans", "next": "/"})
    users["coordinator"].refresh_from_db()
    assert users["coordinator"].language == "zh-hans"
    # a second computer sends no cookie and an English browser header
    office = Client(headers={"accept-language": "en"})
    office.force_login(users["coordinator"])
    assert "研究仪表板" in office.get(reverse("web:dashboard")).text
    # another user on that computer keeps the browser's language
    other = Client(headers={"accept-language": "en"})
    other.force_login(users["monitor"])
    assert "Study dashboard" in other.get(reverse("web:dashboard")).text


def test_an_unknown_language_is_not_saved_on_the_account(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["monitor"])
    client.post(reverse("web:set_language"), {"language": "xx", "next": "/"})
    users["monitor"].refresh_from_db()
    assert users["monitor"].language == ""


def test_times_are_shown_in_the_site_zone_and_the_history_gives_utc_too(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    allocation = journey["allocation"]
    shanghai = allocation.randomized_at.astimezone(ZoneInfo("Asia/Shanghai"))
    utc = allocation.randomized_at.astimezone(ZoneInfo("UTC"))
    client = Client()
    client.force_login(users["coordinator"])
    page = client.get(reverse("web:participant_detail", args=[journey["participant"].pk])).text
    assert f"randomized {shanghai:%Y-%m-%d %H:%M}" in page
    assert f"randomized {utc:%Y-%m-%d %H:%M}" not in page
    history = client.get(
        reverse("web:record_history", args=["randomization.allocation", allocation.pk])
    ).text
    assert f"{shanghai:%Y-%m-%d %H:%M}" in history
    assert f"{utc:%Y-%m-%d %H:%M}" in history
    assert "When (Asia/Shanghai)" in history
