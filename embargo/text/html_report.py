"""A self-contained HTML report: the document with every mention highlighted.

One file, no scripts, no external fonts or stylesheets, so it can be
attached to a case file and opened offline years later. Listed parties are
marked in red, links (short forms, pronouns) in orange, unlisted names in
grey, and each highlight's tooltip says what it is; risk sentences are
underlined. All document text is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from embargo.text.report import ScanReport

_CSS = """
body{font-family:Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.55}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #ddd;padding:.3rem;vertical-align:top}
mark{padding:0 .1em;border-radius:.2em}
mark.listed{background:#f8c4c4}mark.link{background:#fde2b8}mark.unlisted{background:#e4e4e4}
mark.ambiguous{background:#fff3a0}
span.risk{text-decoration:underline wavy #a0a;text-decoration-thickness:1px}
.doc{white-space:pre-wrap;border:1px solid #ddd;padding:1rem;background:#fcfcfc;font-size:.95rem}
.meta{color:#666;font-size:.85rem}.cat{font-family:monospace;color:#707}
"""


def render_html(report: ScanReport) -> str:
    """The whole report as one HTML page."""
    marks = _marks(report)
    body = _highlight(report.text, marks, [(r.start, r.end, r.category) for r in report.risks])
    captions = {e.id: e.caption for e in report.entities}
    rows = []
    for ent in report.entities:
        ids = ", ".join([ent.id, *ent.other_ids])
        forms = sorted({m.text for m in ent.mentions})
        rows.append(
            f"<tr><td><b>{escape(ent.caption)}</b><br><span class=meta>{escape(ent.schema)}</span></td>"
            f"<td>{escape(ids)}</td><td>{escape('; '.join(ent.programs))}</td>"
            f"<td>{ent.score:.2f}</td><td>{len(ent.mentions)}: {escape(', '.join(forms))}</td></tr>"
        )
    unlisted = "".join(
        f"<li>{escape(u.text)} <span class=meta>{u.label}, {len(u.mentions)} mention(s)</span></li>"
        for u in report.unlisted
    )
    ambiguous = "".join(
        f"<li>{escape(a.text)} <span class=meta>could be "
        f"{escape(', '.join(f'{c.caption} ({c.id})' for c in a.candidates))}</span></li>"
        for a in report.ambiguous
    )
    risks = "".join(
        f"<li><span class=cat>{escape(r.category)}</span>"
        f"{' → ' + escape(captions.get(r.entity, r.entity)) if r.entity else ''}: {escape(r.sentence)}</li>"
        for r in report.risks
    )
    versions = ", ".join(f"{escape(k)} v{escape(str(v))}" for k, v in report.list_versions.items())
    notes = "".join(f"<p class=meta>{escape(n)}</p>" for n in report.engine.get("notes", []))
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>embargo scan: {escape(report.source)}</title><style>{_CSS}</style></head><body>"
        f"<h1>Screening report: {escape(report.source)}</h1>"
        f"<p class=meta>{escape(report.format)}, {len(report.text):,} characters; lists: {versions}</p>{notes}"
        f"<h2>Listed parties ({len(report.entities)})</h2>"
        + (
            "<table><tr><th>party</th><th>list entries</th><th>programmes</th><th>score</th><th>mentions</th></tr>"
            + "".join(rows)
            + "</table>"
            if rows
            else "<p>No listed party named.</p>"
        )
        + (f"<h2>Ambiguous short forms</h2><ul>{ambiguous}</ul>" if ambiguous else "")
        + f"<h2>Named, not listed ({len(report.unlisted)})</h2><ul>{unlisted}</ul>"
        + f"<h2>Risk signals ({len(report.risks)})</h2><ul>{risks}</ul>"
        + f"<h2>Document</h2><div class=doc>{body}</div></body></html>\n"
    )


def write_html(report: ScanReport, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render_html(report), encoding="utf-8")
    tmp.replace(path)


def _marks(report: ScanReport) -> list[tuple[int, int, str, str]]:
    """(start, end, css class, tooltip) for every mention, overlaps removed."""
    marks: list[tuple[int, int, str, str]] = []
    for ent in report.entities:
        for m in ent.mentions:
            kind = "link" if m.method == "link" else "listed"
            tip = f"{ent.caption} ({ent.id}) — {m.method}"
            if m.chain:
                tip += ": " + " → ".join(m.chain)
            marks.append((m.start, m.end, kind, tip))
    for un in report.unlisted:
        for m in un.mentions:
            marks.append((m.start, m.end, "unlisted", f"not listed ({un.label})"))
    for amb in report.ambiguous:
        for m in amb.mentions:
            marks.append(
                (m.start, m.end, "ambiguous", "ambiguous: " + ", ".join(c.caption for c in amb.candidates))
            )
    marks.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    out: list[tuple[int, int, str, str]] = []
    reach = 0
    for mark in marks:
        if mark[0] >= reach and mark[1] > mark[0]:
            out.append(mark)
            reach = mark[1]
    return out


def _highlight(text: str, marks: list[tuple[int, int, str, str]], risks: list[tuple[int, int, str]]) -> str:
    # Boundaries of marks and risk sentences, so each piece of text is
    # emitted once with the tags that cover it.
    cuts = {0, len(text)}
    for s, e, *_ in marks:
        cuts |= {s, e}
    for s, e, _ in risks:
        cuts |= {s, e}
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    risk_cats: dict[tuple[int, int], list[str]] = {}
    for s, e, cat in risks:
        risk_cats.setdefault((s, e), []).append(cat)
    starts = {m[0]: m for m in marks}
    parts: list[str] = []
    open_mark: tuple[int, int, str, str] | None = None
    for a, b in zip(points, points[1:], strict=False):
        if open_mark is None and a in starts:
            open_mark = starts[a]
            parts.append(f'<mark class="{open_mark[2]}" title="{escape(open_mark[3])}">')
        cats = sorted({c for (s, e), cs in risk_cats.items() if s <= a and b <= e for c in cs})
        piece = escape(text[a:b])
        if cats:
            piece = f'<span class="risk" title="{escape(", ".join(cats))}">{piece}</span>'
        parts.append(piece)
        if open_mark is not None and b == open_mark[1]:
            parts.append("</mark>")
            open_mark = None
    if open_mark is not None:
        parts.append("</mark>")
    return "".join(parts)
