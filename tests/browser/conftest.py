"""The Playwright harness: Debian's Chromium against pytest-django's live server.

Fixtures:

- ``browser``: one headless Chromium for the session (never downloaded: ``/usr/bin/chromium``).
- ``live_study``: the seed study set up in the live server's database, with one account per role
  (username = role, password :data:`PASSWORD`) and the concealed randomization list generated.
  Returns a :class:`LiveStudy` (``url``, ``users``, ``site``).
- ``live_participant``: ``live_study`` plus one participant taken through screening, consent,
  eligibility, randomization, infusion, weeks 1 and 4 with labs, and an adverse event; returns
  the participant.
- ``login(role) -> Page``: a fresh browser context signed in as that role, on the dashboard.
- ``shot(page, name)``: a full-page screenshot in ``tests/browser/screenshots/<name>.png``.

The browser tests run on SQLite only (pytest-django's transactional live server).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the fixtures make from
# the same thread are still synchronous, so Django's async-safety check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "Correct-Horse-42"
SCREENSHOTS = Path(__file__).parent / "screenshots"


def _load_cohort() -> Any:
    # The participant builder is shared with tests/edc/web; loaded by path because test
    # directories are not packages.
    path = Path(__file__).resolve().parents[1] / "edc" / "web" / "web_cohort.py"
    spec = importlib.util.spec_from_file_location("web_cohort_for_browser", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


enroll = _load_cohort().enroll


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Without Chromium the browser tests cannot run; CI installs it (`make chromium`), so a
    # missing binary is an error there rather than a silent skip.
    if Path(CHROMIUM).exists() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (`make chromium`)")
    for item in items:
        if str(item.fspath).startswith(str(Path(__file__).parent)):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class LiveStudy:
    """The study behind the live server."""

    url: str
    users: dict[str, Any]
    site: Any


@pytest.fixture
def live_study(live_server: Any, transactional_db: Any) -> LiveStudy:
    from hepatrial.edc.accounts.models import User
    from hepatrial.edc.accounts.services import user_create
    from hepatrial.edc.randomization.services import randomization_list_generate
    from hepatrial.edc.study.models import Site
    from hepatrial.edc.study.services import study_init
    from hepatrial.protocol import ROLES, seed_protocol_path

    study_init(
        protocol_path=seed_protocol_path(),
        admin_username="admin",
        admin_password=PASSWORD,
        admin_full_name="Ada Admin",
    )
    admin = User.objects.get(username="admin")
    users = {"admin": admin}
    for role in ROLES:
        if role != "admin":
            users[role] = user_create(
                actor=admin,
                username=role,
                full_name=f"{role.replace('_', ' ').title()} Person",
                role=role,
                password=PASSWORD,
                site_code="01" if role in ("investigator", "coordinator") else "",
            )
    randomization_list_generate(user=admin, seed=2**100 + 20231128)
    return LiveStudy(url=live_server.url, users=users, site=Site.objects.get(code="01"))


@pytest.fixture
def live_participant(live_study: LiveStudy) -> Any:
    return enroll(live_study.users, number=1, day0=dt.date.today() - dt.timedelta(days=40))


@pytest.fixture
def login(browser: Any, live_study: LiveStudy) -> Iterator[Callable[..., Any]]:
    """``login("monitor")`` → a Page signed in as the monitor, showing the dashboard.

    ``login(role, locale="zh-CN")`` sets the browser's language (Accept-Language)."""
    contexts: list[Any] = []

    def sign_in(role: str, *, locale: str = "en-GB") -> Any:
        context = browser.new_context(
            locale=locale, timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_study.url}/login/")
        page.fill("#id_username", role)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit].btn-primary")
        page.wait_for_url(f"{live_study.url}/")
        return page

    yield sign_in
    for context in contexts:
        context.close()


@pytest.fixture
def shot() -> Callable[[Any, str], Path]:
    """``shot(page, "dashboard-monitor")`` saves and returns the PNG's path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def copy_for_docs(path: Path, name: str) -> Path | None:
    """Copy a screenshot to ``docs/img/ui-<name>.png`` for the user guide, when the run is
    asked to refresh them (``HEPATRIAL_DOCS_SCREENSHOTS=1``); a plain test run leaves the
    committed images alone."""
    if os.environ.get("HEPATRIAL_DOCS_SCREENSHOTS") != "1":
        return None
    from PIL import Image

    target = Path(__file__).resolve().parents[2] / "docs" / "img" / f"ui-{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    # a 64-colour palette keeps a full-page screenshot of flat UI colours under 300 KB
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=64).save(target, optimize=True)
    return target


@pytest.fixture
def docs_copy() -> Callable[[Path, str], Path | None]:
    """:func:`copy_for_docs`, for tests (test modules cannot import a conftest by name: pytest
    collects several conftest modules, and ``import conftest`` would find another one)."""
    return copy_for_docs


@pytest.fixture
def enroller() -> Callable[..., Any]:
    """The participant builder shared with tests/edc/web (``enroll(users, number=, day0=)``)."""
    return enroll
