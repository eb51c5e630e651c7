"""Generate man/*.1 from the CLI itself (click-man on Typer's click command), bt_cli/root_help.txt and
bt_cli/fast_spec.py.

Run `python scripts/gen_man.py` after changing commands; tests/cli/test_man_pages.py fails when the
committed pages are stale. The date is fixed so the output only changes when the CLI does.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATE = "2026-11-24"
ENVIRONMENT = [
    ("BT_DEVICE", "Device serial when several devices are attached (--device)."),
    ("BT_ADB_SERVER", "adb server HOST:PORT, comma-separated for several (--adb-server)."),
    ("BT_SESSION", "Session to act on instead of the current one (--session)."),
    ("BT_TECHNICIAN", "The technician's name written in the transcript."),
    ("BT_DATABASE_URL", "postgresql:// URL of a shared session store; default: SQLite in the data dir."),
    ("BT_POLICY", "The administrator's policy file."),
    ("BT_CANNED", "The administrator's canned messages file."),
    ("BT_ADB", "The adb binary; default: the one bundled with adbutils."),
    ("BT_CONFIG", "The config file; BT_CONFIG_DIR and BT_DATA_DIR move the folders."),
    ("BT_WARM", "off: run every command cold, without the warm bt process."),
    ("ANDROID_ADB_SERVER_PORT", "Port of the local adb server (default 5037)."),
    ("NO_COLOR", "Disable colour."),
]


def generate(target: Path) -> None:
    from click_man.core import write_man_pages

    from bt_cli.exit_codes import describe
    from bt_cli.main import full_command

    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.1"):
        old.unlink()
    command = full_command()
    write_man_pages("bt", command, target_dir=str(target), date=DATE, version="0.1.0")
    main_page = target / "bt.1"
    extra = [".SH EXIT STATUS"]
    for code, name, meaning in describe():
        extra += [".TP", f"\\fB{code}\\fR ({name})", meaning]
    extra.append(".SH ENVIRONMENT")
    for name, meaning in ENVIRONMENT:
        extra += [".TP", f"\\fB{name}\\fR", meaning]
    main_page.write_text(main_page.read_text() + "\n".join(extra) + "\n")


def write_root_help(target: Path) -> None:
    """bt_cli/root_help.txt: the root help Click draws, printed by `bt --help` without importing it."""
    from bt_cli.main import root_help_text

    target.write_text(root_help_text(), encoding="utf-8")


def write_fast_spec(target: Path) -> None:
    """bt_cli/fast_spec.py: the fast lane's commands described from the Click commands, formatted as
    the project formats code."""
    import subprocess

    from bt_cli.fast_lane_gen import describe_all, render
    from bt_cli.main import full_command

    target.write_text(render(describe_all(full_command())), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", str(target)], check=True)


def main() -> int:
    write_root_help(ROOT / "bt_cli" / "root_help.txt")
    write_fast_spec(ROOT / "bt_cli" / "fast_spec.py")
    out = ROOT / "man"
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(tmp, out)
    print(f"wrote {len(list(out.glob('*.1')))} man pages to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
