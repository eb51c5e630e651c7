"""Transfers on the command line: progress (Rich bars, JSON lines or nothing), clash prompts and the
closing report, shared by `bt files push|pull` and `bt transfers start`. Importable without Click or
Typer, so the fast lane (bt_cli/fast_lane.py) starts a transfer without them."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from bt_cli import context

if TYPE_CHECKING:
    from bt_core.models import Transfer
    from bt_core.transfers import Clash, ProgressUpdate


def one_shot_gc() -> None:
    """Move everything allocated so far out of the collector's sight (`gc.freeze`): loading the store
    and walking a tree set off collections that each scanned the whole start-up heap, 50-90 ms of a
    2,000-file transfer. Collection stays on for what the transfer itself makes (a failed file's
    traceback is a cycle), so a tree of a million files cannot pile up garbage."""
    import gc

    gc.freeze()


class TransferUi:
    """Progress for transfers: Rich bars on a terminal's stderr, JSON lines, or nothing; and clash prompts."""

    def __init__(self, cli: context.CliContext, *, json_out: bool, json_progress: bool) -> None:
        self.cli = cli
        self.json_lines = json_out and json_progress
        self.bars = not json_out and not cli.quiet and cli.err_is_terminal()
        self.progress: Any = None
        self.tasks: dict[int, Any] = {}
        self.batch: Any = None
        self.seen: dict[int, tuple[int, int]] = {}

    def __enter__(self) -> TransferUi:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def callbacks(self) -> dict[str, Any]:
        return {"progress": self.on_progress, "ask": self.ask, "warn": self.warn}

    def warn(self, message: str) -> None:
        if self.json_lines:
            context.emit_json_line({"event": "warning", "message": message})
        if self.progress is not None:
            self.progress.console.print(f"bt: warning: {message}", markup=False, highlight=False, style="yellow")
        else:
            self.cli.warn(message)

    def on_progress(self, update: ProgressUpdate) -> None:
        if self.json_lines:
            context.emit_json_line(update.to_json())
        if self.bars:
            self._bar(update)

    def _bar(self, update: ProgressUpdate) -> None:
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        if self.progress is None:
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=self.cli.err,
                transient=False,
            )
            self.progress.start()
            self.batch = self.progress.add_task("all transfers", total=0)
        if update.transfer_id not in self.tasks:
            name = update.origin.rsplit("/", 1)[-1] or update.origin
            self.tasks[update.transfer_id] = self.progress.add_task(
                f"#{update.transfer_id} {name}", total=update.bytes_total
            )
        self.seen[update.transfer_id] = (update.bytes_done, update.bytes_total)
        self.progress.update(self.tasks[update.transfer_id], completed=update.bytes_done, total=update.bytes_total)
        self.progress.update(
            self.batch, completed=sum(d for d, _ in self.seen.values()), total=sum(t for _, t in self.seen.values())
        )

    def ask(self, clash: Clash) -> str:
        from bt_core.errors import UsageError
        from bt_core.units import human_size

        if not sys.stdin.isatty():
            raise UsageError("--on-clash ask needs a terminal to ask on; choose overwrite, skip or cancel")
        if self.progress is not None:
            self.progress.stop()
        import click  # only when a clash is asked about on a terminal

        answers = {"o": "overwrite", "s": "skip", "c": "cancel", "a": "overwrite-all", "n": "skip-all"}
        try:
            while True:
                reply = (
                    click.prompt(
                        f"{clash.target} exists ({human_size(clash.existing_size)}; new {human_size(clash.size)}). "
                        "[o]verwrite, [s]kip, [c]ancel, overwrite [a]ll, skip all [n]",
                        default="s",
                        err=True,
                    )
                    .strip()
                    .lower()[:1]
                )
                if reply in answers:
                    return answers[reply]
        finally:
            if self.progress is not None:
                self.progress.start()


def transfer_row(t: Transfer) -> dict[str, Any]:
    return t.to_json()


def report_transfers(
    cli: context.CliContext,
    transfers: list[Transfer],
    *,
    json_out: bool,
    json_lines: bool = False,
    queued: bool = False,
) -> None:
    from bt_core.units import human_size

    if json_lines:
        for t in transfers:
            context.emit_json_line({"event": "transfer", **t.to_json()})
        return
    if json_out:
        context.emit_json([t.to_json() for t in transfers])
        return
    for t in transfers:
        if queued:
            cli.info(f"queued transfer {t.id}: {t.origin} -> {t.destination} (start: bt transfers start {t.id})")
        else:
            cli.info(
                f"transfer {t.id} {t.state}: {t.origin} -> {t.destination} "
                f"({t.files_done} file{'s' if t.files_done != 1 else ''}, {human_size(t.bytes_done)})"
            )
