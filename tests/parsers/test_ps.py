"""ps: toybox and toolbox layouts, thread listings, empty PCY cells, names with spaces, -o columns."""

from __future__ import annotations

import pytest

from adb_backend.parsers import parse_ps

from ._fixtures import fixture

# file -> (rows, (user, pid, ppid, vsz_kb, rss_kb, wchan, state, name) of one row picked by pid/name)
CASES = {
    "ps/emulator-x86-a7.1.1-ps-Z-t-p-P.txt": (
        805, ("system", 1686, 1384, 1550360, 132528, "SyS_epoll_", "S", "system_server")),
    "ps/mtk-mt6580-tablet-a5.1-ps-P-toolbox.txt": (
        201, ("system", 731, 312, 1107472, 83680, "ffffffff", "S", "system_server")),
    "ps/mtk-mt8168-tablet-a13-ps-A.txt": (
        343, ("system", 832, 428, 19051252, 403712, "do_epoll_wait", "S", "system_server")),
    "ps/pixel-sailfish-a8.1-ps-A-T-Z-O.txt": (
        2777, ("system", 887, 641, 4694940, 306128, "SyS_epoll_wait", "S", "system_server")),
    "ps/ps-A-mvt-android-data.txt": (17, ("root", 5, 2, 0, 0, "0", "S", "[kworker/u16:0]")),
    "ps/ps-A-mvt-androidqf.txt": (15, ("root", 5, 2, 0, 0, "0", "S", "[kworker/0:0H]")),
    "ps/x86-vm-a4.x-ps-plain-excerpt.txt": (21, ("system", 452, 138, 511452, 44104, "ffffffff", "S", "system_server")),
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(CASES))
def test_ps_captures(path: str) -> None:
    count, expected = CASES[path]
    rows = parse_ps(fixture(path))
    assert len(rows) == count
    name = expected[7]
    row = next(r for r in rows if r.name == name and r.pid == expected[1])
    data = row.to_json()
    got = tuple(data[k] for k in ("user", "pid", "ppid", "vsz_kb", "rss_kb", "wchan", "state", "name"))
    assert got == expected
    assert rows[0].pid == 1 and rows[-1].pid > 1


def test_toybox_thread_listing_keeps_tid_and_blank_policy_cells() -> None:
    rows = parse_ps(fixture("ps/pixel-sailfish-a8.1-ps-A-T-Z-O.txt"))
    hw = next(r for r in rows if r.tid == 476)
    # PCY is blank for system-policy processes: the name must not slide into it
    assert (hw.name, hw.policy, hw.pid, hw.rss_kb) == ("hwservicemanage", None, 476, 2532)
    timer = next(r for r in rows if r.tid == 555)
    assert (timer.pid, timer.name, timer.label) == (499, "POSIX timer 0", "u:r:surfaceflinger:s0")
    top = [r for r in rows if r.policy == "ta"]
    assert top and all(r.name for r in top)


def test_old_toolbox_state_column_without_header_and_names_with_spaces() -> None:
    rows = parse_ps(fixture("ps/mtk-mt6580-tablet-a5.1-ps-P-toolbox.txt"))
    charger = next(r for r in rows if r.pid == 112)
    assert (charger.name, charger.state, charger.policy) == ("mtk charger_hv_", "S", "fg")
    assert sum(1 for r in rows if r.state == "D") == 11
    emulator = parse_ps(fixture("ps/emulator-x86-a7.1.1-ps-Z-t-p-P.txt"))
    adbd = next(r for r in emulator if r.pid == 6194)
    assert (adbd.name, adbd.user, adbd.label) == ("shell srvc 6193", "shell", "u:r:adbd:s0")


def test_kernel_thread_states_on_android_13() -> None:
    rows = parse_ps(fixture("ps/mtk-mt8168-tablet-a13-ps-A.txt"))
    rcu = next(r for r in rows if r.pid == 3)
    assert (rcu.name, rcu.state, rcu.wchan) == ("[rcu_gp]", "I", "rescuer_thread")
    assert next(r for r in rows if r.pid == 474).name == "surfaceflinger"


def test_custom_columns_with_cpu_and_args_containing_spaces() -> None:
    text = (
        "  PID  PPID USER           RSS %CPU NAME\n"
        "  887   641 system      306128  4.3 system_server\n"
        "12001   641 u0_a123      98000 12.5 com.example.app\n"
    )
    rows = parse_ps(text)
    assert [(r.pid, r.ppid, r.user, r.rss_kb, r.cpu_percent, r.name) for r in rows] == [
        (887, 641, "system", 306128, 4.3, "system_server"),
        (12001, 641, "u0_a123", 98000, 12.5, "com.example.app"),
    ]
    args = parse_ps("USER  PID ARGS\nshell 4242 sh -c 'sleep 30; echo done'\n")
    assert args[0].name == "sh -c 'sleep 30; echo done'"
