"""Self-contained HTML report: inline CSS, figures embedded as base64 PNG, no external files."""

from __future__ import annotations

import base64
import html
import math
from typing import Any

from earlyphase.report.content import ReportContent
from earlyphase.report.render._align import align_columns
from earlyphase.report.spec import DisplayTable

__all__ = ["render_html", "table_html"]

_CSS = """
body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.4}
h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:2px solid #08519c;padding-bottom:.2em;margin-top:2em}
h3{font-size:1.05em;margin:1.6em 0 .4em}.subtitle{color:#555;margin-top:.2em}
table{border-collapse:collapse;font-size:.82em;margin:.4em 0}
th,td{padding:.25em .6em;text-align:center;vertical-align:top}
td{white-space:pre;font-variant-numeric:tabular-nums}td.stub,td.wrap{white-space:normal}
thead{border-top:2px solid #222;border-bottom:1px solid #222}tbody{border-bottom:2px solid #222}
td.stub,th.stub{text-align:left}tr.section td{font-weight:bold;padding-top:.6em}
td.i1{padding-left:1.8em}td.i2{padding-left:3em}th.span{border-bottom:1px solid #888}
.foot{font-size:.78em;color:#444;margin:.2em 0}figure{margin:1em 0}
figure img{max-width:min(100%,780px)}figcaption{font-size:.85em;color:#333}
.differs td{background:#fff4e5}.inconsistent td.cons{color:#b30000;font-weight:bold}
.missing{background:#fdecea;border-left:4px solid #b30000;padding:.5em 1em}
nav ul{columns:2;font-size:.9em}
"""


_N_EQ = "(n\u00a0=\u00a0"  # "(n = 24)" never broken
_WRAP = ' class="wrap"'


def _e(text: object) -> str:
    return html.escape(str(text))


def table_html(table: DisplayTable) -> str:
    """One table as an HTML ``<table>`` with its title and footnotes."""
    parts = [
        f'<h3 id="{_e(table.table_id)}">{_e(table.title)}</h3>',
        f'<table data-table-id="{_e(table.table_id)}">',
        "<thead>",
    ]
    if table.span_headers:
        spans = ['<th class="stub"></th>'] + [
            f'<th colspan="{n}" class="span">{_e(text)}</th>' for text, n in table.span_headers
        ]
        parts.append("<tr>" + "".join(spans) + "</tr>")
    parts.append(
        "<tr>"
        + f'<th class="stub">{_e(table.stub_header)}</th>'
        + "".join(f"<th>{_e(h.replace('(n = ', _N_EQ))}</th>" for h in table.headers)
        + "</tr>"
    )
    parts.append("</thead><tbody>")
    aligned = align_columns([list(c) for *_x, c in table.body], [s for _l, _i, s, _c in table.body])
    for (label, indent, section, _cells), cells in zip(table.body, aligned, strict=True):
        cls = ' class="section"' if section else ""
        row: list[str] = [f'<td class="stub i{min(indent, 2)}">{_e(label)}</td>']
        row += [f"<td{_WRAP if len(c) > 30 else ''}>{_e(c)}</td>" for c in cells]
        parts.append(f'<tr{cls} data-row="{_e(label)}">' + "".join(row) + "</tr>")
    parts.append("</tbody></table>")
    parts += [f'<p class="foot">{_e(f)}</p>' for f in table.footnotes]
    return "\n".join(parts)


def _fmt(value: Any, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{max(decimals, 0) + 1}f}" if decimals >= 0 else str(value)


def _comparison_value(r: dict[str, Any]) -> str:
    if bool(r.get("is_count")):
        return f"{r['reproduced']:.0f}" if _finite(r) else "—"
    return _fmt(r["reproduced"], int(r["decimals"]))


def _finite(r: dict[str, Any]) -> bool:
    value = r["reproduced"]
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _comparison_rows(records: list[dict[str, Any]]) -> list[str]:
    out = []
    for r in records:
        flags = (
            "differs" if r["status"] == "differs" else "",
            "inconsistent" if r["consistency"] == "inconsistent" else "",
        )
        classes = " ".join(c for c in flags if c)
        decimals = 0 if bool(r.get("is_count")) else int(r["decimals"])
        diff = r["difference"]
        diff_text = (
            f"{diff:+.0f}"
            if bool(r.get("is_count")) and isinstance(diff, float) and math.isfinite(diff)
            else _fmt(diff, decimals)
        )
        out.append(
            f'<tr class="{classes}" data-key="{_e(r["key"])}"><td class="stub">{_e(r["label"])}'
            f"</td><td>{_e(r['published_text'])}</td>"
            f"<td>{_comparison_value(r)}</td><td>{diff_text}</td>"
            f'<td>{_e(r["status"])}</td><td class="cons">{_e(r["consistency"])}</td>'
            f"<td>{_e(r['reason'] or r['note'])}</td></tr>"
        )
    return out


_COMPARISON_HEAD = (
    '<thead><tr><th class="stub">Published number (where printed)</th><th>Published</th>'
    "<th>Reproduced</th><th>Difference</th><th>Status</th><th>Consistency</th>"
    "<th>Reason / note</th></tr></thead><tbody>"
)


def _comparison_html(content: ReportContent) -> str:
    comp = content.comparison
    if comp is None:
        return ""
    frame = comp.to_frame()
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in rec.items()} for rec in frame.to_dict("records")
    ]
    sections = comp.sections()
    shown = int(sections["reproduced"].sum())
    same = int(sections["same"].sum())
    absent = int(sections["not_reproduced"].sum())
    inconsistent = [r for r in records if r["consistency"] == "inconsistent"]
    parts = [
        '<h2 id="published">Published versus reproduced</h2>',
        f"<p>{len(records)} published numbers: {shown} reproduced by this report, of which "
        f"{same} agree at the published precision and {shown - same} differ; "
        f"{absent} are not results of this report (design constants, other studies, numbers "
        f"not computed). {len(inconsistent)} published numbers are internally inconsistent "
        "(flagged in red). Every number that differs or is not reproduced says why.</p>",
        '<table data-table-id="published_sections"><thead><tr><th class="stub">Section</th>'
        "<th>Published</th><th>Reproduced</th><th>Agree</th><th>Differ</th>"
        "<th>Not reproduced</th><th>Inconsistent in the paper</th></tr></thead><tbody>",
    ]
    parts += [
        f'<tr><td class="stub"><a href="#pub-{i}">{_e(r.section)}</a></td><td>{r.published}</td>'
        f"<td>{r.reproduced}</td><td>{r.same}</td><td>{r.differs}</td>"
        f"<td>{r.not_reproduced}</td><td>{r.inconsistent}</td></tr>"
        for i, r in enumerate(comp.scores())
    ]
    parts.append("</tbody></table>")
    for i, sec in enumerate(comp.scores()):
        rows = [r for r in records if r["section"] == sec.section]
        score = sec.text()
        parts += [
            f'<h3 id="pub-{i}">{_e(sec.section)} — {score}</h3>',
            f'<table data-table-id="published_vs_reproduced">{_COMPARISON_HEAD}',
            *_comparison_rows(rows),
            "</tbody></table>",
        ]
    if inconsistent:
        parts.append("<h3>Internally inconsistent published numbers</h3><ul>")
        parts += [f"<li><b>{_e(r['label'])}</b>: {_e(r['note'])}</li>" for r in inconsistent]
        parts.append("</ul>")
    parts.append(
        '<p class="foot">Counts are printed as integers; other reproduced values carry one '
        'more decimal than published. Status "same": the reproduced value rounded half away '
        'from zero to the published decimals equals the published number; "same (>x)": the '
        "published bound holds.</p>"
    )
    return "\n".join(parts)


def render_html(content: ReportContent) -> str:
    """The whole report as one HTML document."""
    displays = [t.display() for t in content.tables]
    toc = [f'<li><a href="#{_e(d.table_id)}">{_e(d.title)}</a></li>' for d in displays]
    toc += [f'<li><a href="#{_e(f.figure_id)}">{_e(f.title)}</a></li>' for f in content.figures]
    body = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(content.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(content.title)}</h1>",
        f'<p class="subtitle">{_e(content.subtitle)}</p>',
        "<nav><ul>"
        + "".join(toc)
        + (
            '<li><a href="#published">Published versus reproduced</a></li>'
            if content.comparison is not None
            else ""
        )
        + '<li><a href="#methods">Methods</a></li></ul></nav>',
    ]
    if content.skipped:
        body.append('<div class="missing"><strong>Outputs not produced</strong><ul>')
        for s in content.skipped:
            body.append(
                f"<li>{_e(s.title)} ({_e(s.output_id)}): missing {_e(', '.join(s.reasons))}</li>"
            )
        body.append("</ul></div>")
    body.append("<h2>Tables</h2>")
    body += [table_html(d) for d in displays]
    body.append("<h2>Figures</h2>")
    for f in content.figures:
        data = base64.b64encode(f.png).decode("ascii")
        body.append(
            f'<figure id="{_e(f.figure_id)}"><h3>{_e(f.title)}</h3>'
            f'<img alt="{_e(f.title)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{_e(f.caption)}</figcaption></figure>"
        )
    body.append(_comparison_html(content))
    body.append('<h2 id="methods">Methods</h2>')
    for section in content.methods:
        body.append(f"<h3>{_e(section.heading)}</h3>")
        body += [f"<p>{_e(p)}</p>" for p in section.paragraphs if p]
    body += [f'<p class="foot">{_e(n)}</p>' for n in content.data_notes]
    body.append("</body></html>")
    return "\n".join(body)
