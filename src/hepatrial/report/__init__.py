"""The trial report: a results bundle rendered as one self-contained HTML file with SVG figures."""

from hepatrial.report.render import REPORT_FILE, render_report, write_report

__all__ = ["REPORT_FILE", "render_report", "write_report"]
