"""The session report (HTML, Markdown, JSON), built from the session's records alone."""

from __future__ import annotations

from bt_core.report.render import FORMATS, Durations, ReportFormat, durations, render_report

__all__ = ["FORMATS", "Durations", "ReportFormat", "durations", "render_report"]
