"""Heavy libraries stay out of start-up: `bt --help` and `bt devices --json` must not import Textual,
PyAV, Pillow or SQLAlchemy, and the core never imports Textual."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("textual", "av", "PIL", "sqlalchemy")


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys, json; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_help_imports_nothing_heavy():
    loaded = _loaded_after(
        "import sys\nfrom bt_cli.main import run\ntry:\n    run(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_devices_json_imports_nothing_heavy(bt_env, vdevice):
    code = (
        "import io, contextlib\nfrom bt_cli.main import run\nbuf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n    run(['devices', '--json'])\n"
    )
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            code + "import sys, json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))",
        ],
        capture_output=True,
        text=True,
        env=bt_env.env,
        check=True,
    ).stdout
    loaded = set(json.loads(out.strip().splitlines()[-1]))
    # adbutils itself imports Pillow at module level (for its screenshot helper), so PIL is allowed here
    heavy = set(HEAVY) - {"PIL"}
    assert not loaded & heavy, loaded & heavy


def test_core_and_backend_leave_textual_out():
    loaded = _loaded_after("import bt_core, adb_backend, bt_core.sessions, bt_core.store, adb_backend.client")
    assert "textual" not in loaded
