"""The readable HTML page of a release's SHACL validation report."""

from __future__ import annotations

from html import escape

from axiskg.validate import ValidationReport

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;
vertical-align:top}th{background:#f3f3f3}.ok{color:#0a0}.bad{color:#b00}code{font-size:.9em;overflow-wrap:anywhere}
.wrap{overflow-x:auto}
"""


def render(report: ValidationReport, *, release_id: str, created: str) -> str:
    """A standalone HTML page: the verdict, then one table row per SHACL result."""
    verdict = (
        '<p class="ok">The data conforms to the shapes.</p>'
        if report.conforms
        else f'<p class="bad">The data does not conform: {report.problems} problem(s).</p>'
    )
    rows = "".join(
        "<tr>"
        f"<td>{escape(v.severity)}</td>"
        f"<td><code>{escape(v.file or '?')}{':' + str(v.line) if v.line else ''}</code></td>"
        f"<td><code>{escape(v.anchor if v.focus.startswith('_:') and v.anchor else v.focus)}</code></td>"
        f"<td><code>{escape(v.path or '')}</code></td>"
        f"<td>{escape(v.message)}</td>"
        f"<td>{escape(v.value or '')}</td>"
        "</tr>"
        for v in report.violations
    )
    table = (
        '<div class="wrap" role="region" aria-label="SHACL results" tabindex="0">'
        "<table><thead><tr><th>severity</th><th>where</th><th>focus node</th><th>path</th>"
        f"<th>message</th><th>value</th></tr></thead><tbody>{rows}</tbody></table></div>"
        if report.violations
        else "<p>No SHACL results (no violations, warnings or notes).</p>"
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>axiskg validation report {escape(release_id)}</title><style>{_STYLE}</style></head><body>"
        '<p><a href="../downloads">The release\'s downloads</a></p>'
        f"<h1>SHACL validation report</h1><p>Release <code>{escape(release_id)}</code>, "
        f"built {escape(created)}, "
        f"{report.files} source file(s) checked.</p>{verdict}{table}"
        '<p>Machine-readable: <a href="validation.ttl">validation.ttl</a> (SHACL results in Turtle).</p>'
        "</body></html>\n"
    )
