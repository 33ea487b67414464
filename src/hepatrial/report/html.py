"""HTML building blocks: escaping, the page with its inline stylesheet, sections, figures, notes.

The page is self-contained: one inline ``<style>`` (with a print stylesheet), no script, no
external reference, system fonts only, so it opens offline and archives as one file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

__all__ = ["esc", "figure", "notes", "page", "paragraph", "plain_note", "section"]

_CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #c8c8c8; --band: #f3f3f3; --note: #fff8e6; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: var(--ink); margin: 0 auto; max-width: 68rem; padding: 1.5rem;
       line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem;
     margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
.meta { color: var(--muted); margin: 0 0 .8rem; }
.banner { padding: .5rem .8rem; font-weight: 600; border: 2px solid; margin: .8rem 0; }
.banner.masked { border-color: #0072B2; background: #eaf3fa; }
.banner.unmasked { border-color: #D55E00; background: #fdefe6; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .9rem;
        font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; caption-side: top; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .6rem; text-align: right;
         vertical-align: top; }
th[scope=row], td.text { text-align: left; }
td:not(.text) { white-space: nowrap; }
td.text { min-width: 5.5em; }
thead th { border-bottom: 2px solid var(--ink); text-align: center; }
tbody tr:nth-child(even) { background: var(--band); }
figure { margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: var(--muted); }
.notes { background: var(--note); border-left: 4px solid #E69F00; padding: .3rem .8rem;
         margin: .3rem 0 1rem; font-size: .88rem; }
.notes ul { margin: .2rem 0; padding-left: 1.2rem; }
.key { font-size: 1rem; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.provenance dt { font-weight: 600; }
dl.provenance dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace;
                   word-break: break-all; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-before: page; page-break-before: always; }
  h2.first { break-before: auto; page-break-before: auto; }
  table, figure, .notes { break-inside: avoid; page-break-inside: avoid; }
  tbody tr:nth-child(even) { background: none; }
  .banner { border-width: 1pt; }
  @page { size: A4; margin: 15mm; }
}
"""


def esc(text: object) -> str:
    """``text`` escaped for HTML content and attributes (``html.escape``, quotes included)."""
    return escape(str(text), quote=True)


def paragraph(text: str) -> str:
    """One escaped paragraph."""
    return f"<p>{esc(text)}</p>"


_NAN_IN_BRACKETS = re.compile(r"\s*\((?:NaN|nan|NA)\)")
_NAN = re.compile(r"\b(?:NaN|nan)\b")
_INF = re.compile(r"-?\binf\b", re.IGNORECASE)


def plain_note(note: str) -> str:
    """A note as the report prints it: a stats note's "NaN" reads "not estimable"."""
    text = _NAN_IN_BRACKETS.sub("", note)
    return _INF.sub("infinite", _NAN.sub("not estimable", text))


def notes(items: Iterable[str], *, heading: str = "Notes") -> str:
    """The notes of a result, shown next to it; nothing when there are none."""
    unique = list(dict.fromkeys(plain_note(str(item)) for item in items if str(item).strip()))
    if not unique:
        return ""
    body = "".join(f"<li>{esc(item)}</li>" for item in unique)
    return f'<div class="notes" role="note"><strong>{esc(heading)}</strong><ul>{body}</ul></div>'


def figure(svg: str, caption: str) -> str:
    """An inline SVG figure with its caption."""
    return f"<figure>{svg}<figcaption>{esc(caption)}</figcaption></figure>"


def section(anchor: str, title: str, body: str, *, first: bool = False) -> str:
    """A top-level section with its heading."""
    css = ' class="first"' if first else ""
    return f'<section id="{esc(anchor)}"><h2{css}>{esc(title)}</h2>{body}</section>'


def page(*, title: str, subtitle: str, masked: bool, body: str) -> str:
    """The whole document: head with the inline stylesheet, title block, masking banner, body."""
    banner = (
        '<p class="banner masked">MASKED REPORT: arms appear as Group A and Group B; the key '
        "is withheld, and nothing that reveals the allocation is shown.</p>"
        if masked
        else '<p class="banner unmasked">UNMASKED REPORT FOR THE DSMB: arms are named. '
        "Do not share with masked trial staff.</p>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
        f'<header><h1>{esc(title)}</h1><p class="meta">{esc(subtitle)}</p>{banner}</header>'
        f"<main>{body}</main></body></html>\n"
    )
