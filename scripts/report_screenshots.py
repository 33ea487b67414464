"""Render the unmasked report of the 22-participant test cohort and screenshot its figures.

Usage: ``.venv/bin/python scripts/report_screenshots.py [output folder]`` (default ``docs/img``).
Writes ``report-consort.png``, ``report-km.png``, ``report-trajectory.png`` and
``report-cif.png`` with Playwright driving Debian's Chromium (``/usr/bin/chromium``); nothing is
downloaded. The report itself is written to a temporary folder.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "report"))

from report_cohort import CUTOFF, build_tabulations  # noqa: E402

from hepatrial.analysis import run_plan  # noqa: E402
from hepatrial.protocol import load_seed_protocol  # noqa: E402
from hepatrial.report import write_report  # noqa: E402

SHOTS = {
    "report-consort.png": "#consort figure",
    "report-km.png": "#primary figure",
    "report-trajectory.png": "#secondary figure >> nth=3",
    "report-cif.png": "#secondary figure >> nth=-1",
}


def main(output: Path) -> None:
    bundle = run_plan(
        build_tabulations(), protocol=load_seed_protocol(), cutoff=CUTOFF, masked=False
    )
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        report = write_report(bundle, folder)
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.goto(report.as_uri())
        for name, selector in SHOTS.items():
            page.locator(selector).first.screenshot(path=str(output / name))
            print(f"wrote {output / name}")
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "img")
