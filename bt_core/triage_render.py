"""Triage summaries in Markdown and HTML, for one bundle and for a fleet's index.

Every device string goes through `html.escape` in HTML (and through a Markdown escaper in Markdown); the
HTML has no script, a Content-Security-Policy that forbids remote loads, and links only files of the
bundle itself.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from bt_core.models import iso
from bt_core.sysinfo import overview_rows

if TYPE_CHECKING:
    from bt_core.triage import Manifest

_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #1d2430; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ccd; }
table { border-collapse: collapse; } td, th { padding: .2em .8em .2em 0; text-align: left; vertical-align: top; }
th { color: #556; font-weight: 600; } code { font-size: .9em; word-break: break-all; }
.failed, .error { color: #b00020; } .done, .ok { color: #137333; } .skipped { color: #a15c00; }
img.shot { max-width: 20em; border: 1px solid #ccd; border-radius: .6em; }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _md(value: object) -> str:
    """Text safe inside a Markdown table cell: no markup, no HTML, no line breaks."""
    text = "" if value is None else str(value)
    text = re.sub(r"[\r\n]+", " ", text)
    return re.sub(r"([\\`*_{}\[\]<>|~])", r"\\\1", text) or "-"


def _title(manifest: Manifest) -> str:
    return f"Triage of {manifest.model or 'device'} {manifest.serial}"


def _facts(manifest: Manifest) -> list[tuple[str, str]]:
    android = manifest.android_version or "-"
    if manifest.sdk:
        android += f" (SDK {manifest.sdk})"
    rows = [
        ("Serial", manifest.serial),
        ("adb server", manifest.adb_server),
        ("Model", manifest.model or "-"),
        ("Android", android),
        ("Started", iso(manifest.started_at) or "-"),
        ("Took", f"{manifest.elapsed_ms / 1000:.1f} s"),
        ("Complete", "yes" if manifest.complete else "no"),
    ]
    if manifest.session_id:
        rows.append(("Session", manifest.session_id))
    if manifest.overview:
        for label, value in overview_rows(manifest.overview):
            if label not in ("Model", "Android"):
                rows.append(("Serial number" if label == "Serial" else label, value))
    return rows


def summary_markdown(manifest: Manifest) -> str:
    lines = [f"# {_md(_title(manifest))}", "", "| | |", "|---|---|"]
    lines += [f"| {_md(label)} | {_md(value)} |" for label, value in _facts(manifest)]
    lines += ["", "## Problems", ""]
    if manifest.errors:
        lines += [f"- **{_md(item)}**: {_md(reason)}" for item, reason in sorted(manifest.errors.items())]
    else:
        lines.append("None: every item was collected.")
    lines += ["", "## Files", "", "| file | item | bytes | sha256 |", "|---|---|---:|---|"]
    lines += [f"| {_md(f.path)} | {f.item} | {f.size} | `{f.sha256}` |" for f in manifest.files]
    lines += ["", "`manifest.json` lists every file with its sha256.", ""]
    return "\n".join(lines)


def summary_html(manifest: Manifest) -> str:
    facts = "".join(f"<tr><th>{_e(label)}</th><td>{_e(value)}</td></tr>" for label, value in _facts(manifest))
    if manifest.errors:
        problems = "<ul>" + "".join(
            f'<li class="error"><strong>{_e(item)}</strong>: {_e(reason)}</li>'
            for item, reason in sorted(manifest.errors.items())
        )
        problems += "</ul>"
    else:
        problems = '<p class="ok">None: every item was collected.</p>'
    files = "".join(
        f'<tr><td><a href="{_e(quote(f.path))}">{_e(f.path)}</a></td><td>{_e(f.item)}</td>'
        f"<td>{f.size}</td><td><code>{_e(f.sha256)}</code></td></tr>"
        for f in manifest.files
    )
    shot = ""
    if any(f.path == "screenshot.png" for f in manifest.files):
        shot = '<h2>Screen</h2><img class="shot" id="screenshot" src="screenshot.png" alt="The device screen">'
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>{_e(_title(manifest))}</title><style>{_CSS}</style></head><body>"
        f'<h1 id="title">{_e(_title(manifest))}</h1>'
        f'<section id="device"><table>{facts}</table></section>'
        f'<section id="problems"><h2>Problems</h2>{problems}</section>{shot}'
        f'<section id="files"><h2>Files</h2><table><tr><th>file</th><th>item</th><th>bytes</th><th>sha256</th></tr>'
        f"{files}</table></section></body></html>\n"
    )


def index_markdown(rows: Sequence[dict[str, Any]]) -> str:
    lines = [
        "# Fleet triage",
        "",
        "| device | model | Android | state | bundle | files | problems |",
        "|---|---|---|---|---|---:|---|",
    ]
    for row in rows:
        problems = row["error"] or ", ".join(sorted(row["item_errors"])) or "-"
        bundle = f"[{_md(row['bundle'])}]({quote(row['bundle'])}/summary.md)" if row.get("bundle") else "-"
        lines.append(
            f"| {_md(row['serial'])} | {_md(row['model'])} | {_md(row['android_version'])} | {row['state']} "
            f"| {bundle} | {row['files']} | {_md(problems)} |"
        )
    return "\n".join(lines) + "\n"


def index_html(rows: Sequence[dict[str, Any]]) -> str:
    body = []
    for row in rows:
        problems = row["error"] or ", ".join(sorted(row["item_errors"])) or "-"
        bundle = (
            f'<a href="{_e(quote(row["bundle"]))}/summary.html">{_e(row["bundle"])}</a>' if row.get("bundle") else "-"
        )
        body.append(
            f"<tr><td>{_e(row['serial'])}</td><td>{_e(row['model'] or '-')}</td>"
            f'<td>{_e(row["android_version"] or "-")}</td><td class="{_e(row["state"])}">{_e(row["state"])}</td>'
            f"<td>{bundle}</td><td>{row['files']}</td><td>{_e(problems)}</td></tr>"
        )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>Fleet triage</title><style>{_CSS}</style></head><body><h1>Fleet triage</h1>"
        '<table id="devices"><tr><th>device</th><th>model</th><th>Android</th><th>state</th><th>bundle</th>'
        f"<th>files</th><th>problems</th></tr>{''.join(body)}</table></body></html>\n"
    )
