"""The session report from the store: render it as a string, or write it (default: the reports folder)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bt_core import locations
from bt_core.errors import UsageError

if TYPE_CHECKING:
    from bt_core.services import Services

EXTENSIONS = {"html": "html", "md": "md", "json": "json"}


@dataclass(frozen=True)
class ReportWritten:
    session_id: str
    format: str
    path: str
    bytes: int


class ReportService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def render(self, session_id: str | None, fmt: str) -> str:
        """The whole report; works for ended sessions (it reads records only, never the device)."""
        from bt_core.report import FORMATS, render_report

        if fmt not in FORMATS:
            raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        record = self.services.sessions.resolve(session_id)
        store = self.services.store
        return render_report(
            record,
            store.events(record.id),
            store.notes(record.id),
            store.list_transfers(record.id),
            fmt,  # type: ignore[arg-type]
            screenshots_base=self.services.settings.resolved_screenshots_dir(),
        )

    def default_path(self, session_id: str, fmt: str) -> Path:
        return locations.reports_dir() / f"session-{session_id}.{EXTENSIONS.get(fmt, fmt)}"

    def write(self, session_id: str | None, fmt: str, out: Path | None = None) -> ReportWritten:
        """Write the report atomically to `out` (default: <data dir>/reports/session-ID.EXT)."""
        record = self.services.sessions.resolve(session_id)
        text = self.render(record.id, fmt)
        path = Path(out) if out is not None else self.default_path(record.id, fmt)
        data = text.encode("utf-8")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError as error:
            raise UsageError(f"cannot write the report to {path}: {error.strerror or error}") from None
        return ReportWritten(record.id, fmt, str(path), len(data))
