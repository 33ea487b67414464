"""Screenshots of the demo's unmasked report for docs/demo.md (docs/img/demo-*.png).

Run after ``hepatrial demo --data-dir DIR``::

    .venv/bin/python scripts/demo_screenshots.py DIR

Drives Debian's Chromium through Playwright and shoots the participant flow, the survival
curves and the data-quality section.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

SHOTS = {
    "section#consort": "demo-consort.png",
    "section#primary figure": "demo-survival.png",
    "section#quality": "demo-quality.png",
}
OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def main(folder: Path) -> None:
    report = (folder / "report-unmasked" / "report.html").resolve()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1100, "height": 1200})
        page.goto(report.as_uri())
        for selector, name in SHOTS.items():
            page.locator(selector).first.screenshot(path=str(OUT / name))
            print(OUT / name, (OUT / name).stat().st_size // 1024, "KB")
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "demo"))
