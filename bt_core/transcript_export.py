"""Export a transcript as JSON lines (streamed, constant memory), Markdown or HTML."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from bt_core.models import SessionRecord
from bt_core.sanitize import json_safe

if TYPE_CHECKING:
    from bt_core.store import Store

ReportFormat = Literal["html", "md", "jsonl"]
EXPORT_FORMATS: tuple[ReportFormat, ...] = ("jsonl", "md", "html")


def export_transcript(
    store: Store, record: SessionRecord, fmt: ReportFormat, out: Path | None, stream: TextIO | None = None
) -> int:
    """Write the export to `out` (atomically) or to `stream` (default stdout); returns the number of events."""
    if out is None:
        return _write(store, record, fmt, stream or sys.stdout)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    with tmp.open("w", encoding="utf-8") as handle:
        count = _write(store, record, fmt, handle)
    tmp.replace(out)
    return count


def _write(store: Store, record: SessionRecord, fmt: ReportFormat, handle: TextIO) -> int:
    if fmt == "jsonl":
        count = 0
        for event in store.iter_events(record.id):
            handle.write(json_safe(json.dumps(event.to_json(), ensure_ascii=False)) + "\n")
            count += 1
        return count
    from bt_core.report import render_report

    events = list(store.iter_events(record.id))
    handle.write(render_report(record, events, [], [], "md" if fmt == "md" else "html"))
    return len(events)
