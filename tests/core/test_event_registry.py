"""Every event kind bt writes is in the registry (bt_core.events), found two ways: by reading every writer
call in the source, and by running a real session through the CLI against the virtual device."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from bt_core.events import CUSTOMER_KINDS, EventKind, Severity, describe, known

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "bt_core", ROOT / "bt_cli", ROOT / "bt_tui", ROOT / "tests" / "helpers"]
WRITERS = {"log": 1, "append_event": 2}
"""Writer method -> position of the kind argument (`sessions.log(record, kind, ...)`,
`store.append_event(session_id, actor, kind, ...)`); `append_events` takes (actor, kind, text, data) tuples."""


def _receiver(call: ast.Call) -> str:
    return ast.unparse(call.func.value) if isinstance(call.func, ast.Attribute) else ""


def _kind_args(call: ast.Call) -> list[ast.expr]:
    """The expressions a writer call passes as the event kind."""
    assert isinstance(call.func, ast.Attribute)
    name = call.func.attr
    found = [k.value for k in call.keywords if k.arg == "kind"]
    if name == "append_events" and len(call.args) >= 2 and isinstance(call.args[1], ast.List | ast.Tuple):
        found += [t.elts[1] for t in call.args[1].elts if isinstance(t, ast.Tuple) and len(t.elts) == 4]
    elif name in WRITERS and len(call.args) > WRITERS[name]:
        found.append(call.args[WRITERS[name]])
    return found


def _is_writer(call: ast.Call) -> bool:
    if not isinstance(call.func, ast.Attribute):
        return False
    name = call.func.attr
    if name == "log":  # SessionService.log, reached as sessions.log / self.services.sessions.log / ...
        return _receiver(call).endswith("sessions")
    return name in ("append_event", "append_events") and _receiver(call) != "self"


def _kinds_in(expr: ast.expr, scope: ast.AST, where: str) -> list[str]:
    """The kind strings an expression can take: literals, EventKind members, or a variable or parameter
    that only ever holds those (a parameter must be annotated EventKind)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.Attribute) and ast.unparse(expr.value) == "EventKind":
        assert expr.attr in EventKind.__members__, f"{where}: EventKind.{expr.attr} does not exist"
        return [EventKind[expr.attr].value]
    if isinstance(expr, ast.IfExp):
        return _kinds_in(expr.body, scope, where) + _kinds_in(expr.orelse, scope, where)
    if isinstance(expr, ast.Name):
        assigned = [
            node.value
            for node in ast.walk(scope)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets)
        ]
        if assigned:
            return [kind for value in assigned for kind in _kinds_in(value, scope, where)]
        params = [a for a in ast.walk(scope) if isinstance(a, ast.arg) and a.arg == expr.id]
        assert params and all(p.annotation is not None and ast.unparse(p.annotation) == "EventKind" for p in params), (
            f"{where}: the kind {expr.id!r} is neither assigned an EventKind nor a parameter annotated EventKind"
        )
        return []  # its callers pass EventKind members, which this scan checks where they are written
    raise AssertionError(f"{where}: cannot tell which kind {ast.unparse(expr)!r} writes; use an EventKind member")


def written_kinds() -> dict[str, list[str]]:
    """kind -> the places (file:line) that write it."""
    found: dict[str, list[str]] = {}
    for base in SOURCES:
        for path in sorted(base.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
            for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and _is_writer(n)):
                where = f"{path.relative_to(ROOT)}:{call.lineno}"
                scope = min(
                    (f for f in functions if f.lineno <= call.lineno <= (f.end_lineno or f.lineno)),
                    key=lambda f: (f.end_lineno or f.lineno) - f.lineno,
                    default=tree,
                )
                for expr in _kind_args(call):
                    for kind in _kinds_in(expr, scope, where):
                        found.setdefault(kind, []).append(where)
    return found


def referenced_members() -> set[str]:
    """Every `EventKind.X` named outside the registry itself (a writer may hand one to a helper)."""
    names = set()
    for base in SOURCES:
        for path in base.rglob("*.py"):
            if path.name == "events.py" and path.parent.name == "bt_core":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and ast.unparse(node.value) == "EventKind":
                    names.add(node.attr)
    return names


def test_every_kind_written_in_the_source_is_registered() -> None:
    found = written_kinds()
    assert len(found) >= 35, sorted(found)  # the scan really sees the writers
    unknown = {kind: places for kind, places in found.items() if not known(kind)}
    assert not unknown, f"kinds written but not in bt_core.events.EventKind: {unknown}"
    used = set(found) | {EventKind[name].value for name in referenced_members()}
    unused = sorted(kind.value for kind in EventKind if kind.value not in used)
    assert not unused, f"registered kinds nothing writes: {unused}"


def read_kinds() -> dict[str, list[str]]:
    """Kind strings the code looks for: `kinds=[...]` filters and `x.kind == "..."` comparisons (event
    kinds are dotted, which tells them from the other things called kind: a chat result's, a preview's)."""
    found: dict[str, list[str]] = {}
    for base in SOURCES:
        for path in sorted(base.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                exprs: list[ast.expr] = []
                if isinstance(node, ast.Call):
                    exprs = [e for k in node.keywords if k.arg == "kinds" for e in getattr(k.value, "elts", [])]
                elif isinstance(node, ast.Compare) and ast.unparse(node.left).endswith(".kind"):
                    exprs = [c for c in node.comparators if isinstance(c, ast.Constant)]
                    exprs += [e for c in node.comparators for e in getattr(c, "elts", [])]
                for expr in exprs:
                    if isinstance(expr, ast.Constant) and isinstance(expr.value, str) and "." in expr.value:
                        found.setdefault(expr.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_kind_the_code_looks_for_is_registered() -> None:
    found = read_kinds()
    assert "chat.sent" in found  # the scan sees the readers (the customer page picks chat events by kind)
    unknown = {kind: places for kind, places in found.items() if not known(kind)}
    assert not unknown, f"code looks for kinds nothing writes: {unknown}"


def test_the_scan_refuses_a_kind_it_cannot_read() -> None:
    tree = ast.parse("def f(sessions, record, k):\n    sessions.log(record, k, 'text')\n")
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and _is_writer(n))
    with pytest.raises(AssertionError, match="neither assigned"):
        _kinds_in(_kind_args(call)[0], tree, "example")


def test_severities_labels_and_unknown_kinds() -> None:
    assert describe("process.kill_failed").severity == Severity.FAILURE
    assert describe("process.killed").severity == Severity.SUCCESS
    assert describe("app.uninstalled").severity == Severity.SUCCESS
    assert describe("permission.denied").severity == Severity.FAILURE
    old = describe("file.teleported")  # a kind from another build: its family's icon, plain information
    assert (old.label, old.icon, old.severity, old.customer) == (
        "file.teleported",
        describe("file.pushed").icon,
        "info",
        False,
    )
    assert describe("x").icon == "·"
    assert set(CUSTOMER_KINDS) == {
        "chat.sent",
        "chat.received",
        "url.pushed",
        "grant.requested",
        "grant.changed",
        "camera.requested",
        "camera.opened",
        "file.pushed",
        "file.pulled",
        "session.ended",
    }
    assert json.dumps({"kind": EventKind.INPUT_TEXT}) == '{"kind": "input.text"}'  # stored as the same string


def test_a_real_cli_session_writes_only_registered_kinds(bt_env, vdevice, tmp_path: Path) -> None:
    home = Path(bt_env.env["HOME"]) / f"registry-{tmp_path.name}"  # local files must be in allowed folders
    back = home / "back"
    back.mkdir(parents=True)
    local = home / "hello.txt"
    local.write_text("hello\n")
    steps: list[tuple[str, ...]] = [
        ("session", "start", "--device", vdevice.serial, "--customer", "Reg"),
        ("chat", "send", "Hello [b]there[/b]"),
        ("chat", "send", "https://example.com/help"),
        ("notes", "add", "private"),
        ("screen", "request", "control"),
        ("screen", "grant", "control"),
        ("screen", "shot", "--out", str(tmp_path / "shot.png")),
        ("screen", "pause"),
        ("screen", "resume"),
        ("input", "tap", "10", "10"),
        ("input", "text", "ab"),
        ("input", "key", "HOME"),
        ("files", "mkdir", "/sdcard/Download/reg"),
        ("files", "push", str(local), "/sdcard/Download/reg/"),
        ("files", "mv", "/sdcard/Download/reg/hello.txt", "/sdcard/Download/reg/hi.txt"),
        ("files", "pull", "/sdcard/Download/reg/hi.txt", str(back)),
        ("files", "rm", "--yes", "/sdcard/Download/reg/hi.txt"),
        ("sysinfo",),
        ("kill", "--yes", "com.spotify.music"),
        ("uninstall", "--yes", "com.example.shopping"),
        ("uninstall", "--yes", "com.example.not.installed"),  # refused: logged as a failure
        ("session", "end"),
    ]
    for step in steps:
        result = bt_env.run(*step)
        if step[-1] != "com.example.not.installed":
            assert result.returncode == 0, (step, result.stderr)
    log = bt_env.run("log", "--json", "--session", json.loads(bt_env.run("session", "list", "--json").stdout)[0]["id"])
    assert log.returncode == 0, log.stderr
    stored = {event["kind"] for event in json.loads(log.stdout)}
    assert len(stored) >= 20, sorted(stored)
    assert {k for k in stored if not known(k)} == set()
    assert {"app.uninstall_failed", "file.pushed", "file.pulled", "input.text", "url.pushed"} <= stored
    human = bt_env.run("log", "--session", json.loads(bt_env.run("session", "list", "--json").stdout)[0]["id"])
    for kind in stored:  # the terminal transcript shows each with its registry icon
        assert describe(kind).icon in human.stdout
    report = bt_env.run("report", "--format", "md", "--out", "-")
    assert report.returncode == 0, report.stderr
    lines = report.stdout.splitlines()

    def line_of(label: str) -> str:
        return next(line for line in lines if f"**{label}**" in line)

    # the report's details come from the keys the writers really write
    assert "To: /sdcard/Download/reg/hello.txt; Size: 6 B; Outcome: done" in line_of("File sent")
    assert "(From: /sdcard/Download/reg/hi.txt; To: " in line_of("File received")
    assert "From: /sdcard/Download/reg/hello.txt; To: /sdcard/Download/reg/hi.txt" in line_of("File renamed")
    assert "(Path: /sdcard/Download/reg)" in line_of("Folder created")
    assert "(Reason: " in line_of("Could not uninstall")
    assert "(Now: Full control)" in line_of("Screen access") and "(Asked: Full control)" in line_of("Access requested")


def test_terminal_lines_colour_by_severity_and_keep_device_text_inert() -> None:
    from datetime import UTC, datetime

    from bt_cli.transcript_view import event_text
    from bt_core.models import Event
    from bt_tui.transcript import event_line

    def line(kind: str, text: str, actor: str = "alice"):
        event = Event("s1", 1, datetime(2026, 1, 1, tzinfo=UTC), actor, kind, text, {})
        cli, tui = event_text(event), event_line(event)
        assert (cli.plain, cli.spans) == (tui.plain, tui.spans)  # bt log and the TUI show the same line
        return cli

    def style_of(text, part: str) -> str:
        start = text.plain.index(part)
        return " ".join(str(s.style) for s in text.spans if s.start <= start < s.end)

    failed = line("process.kill_failed", "Could not end 42: \x1b[2J\x1b]52;c;AAAA\x07denied")
    assert "\x1b" not in failed.plain and "\\e[2J" in failed.plain and "\\x07" in failed.plain
    assert style_of(failed, "Could not") == "red"
    killed = line("process.killed", "Killed com.example (pid 42)")
    assert style_of(killed, describe("process.killed").icon) == "green" and style_of(killed, "Killed") == ""
    assert style_of(line("chat.received", "hi", actor="customer"), "customer") == "bold cyan"
    assert style_of(line("session.status", "Customer absent", actor="system"), "system") == "bold yellow"
    assert style_of(killed, "alice") == "bold green"
    assert "[b]" not in line("chat.sent", "[b]bold[/b] \x1b[31m").plain  # BBCode rendered, escapes shown
