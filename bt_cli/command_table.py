"""Every top-level command, the module that registers it and its short help, known without imports.

`bt --help` is drawn from this table, and running a command imports only its module
(bt_cli/lazy_group.py). tests/cli/test_command_table.py checks the table against what each module in
`bt_cli.main.COMMAND_MODULES` really registers, so a command can neither go missing nor drift.
The order is the order `bt --help` lists them in.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    module: str
    help: str


COMMANDS: dict[str, Entry] = {
    "devices": Entry(
        "devices", "List attached devices: serial, state, model, Android version, transport and adb server."
    ),
    "connect": Entry("devices", "Connect to a device over TCP/IP (adb connect)."),
    "disconnect": Entry("devices", "Disconnect a TCP/IP device (adb disconnect)."),
    "kill": Entry(
        "system", "End a process or app: an app (or an app's pid) is force-stopped; others need the device's consent."
    ),
    "uninstall": Entry("system", "Uninstall an app; a system app is uninstalled for user 0 where Android allows it."),
    "report": Entry(
        "report",
        "Write the session report: info panel, transcript, files, screenshots, grants, notes, durations.",
    ),
    "tui": Entry(
        "tui", "Open the terminal console: the queue, then a window per session (chat, screen, files, system info)."
    ),
    "virtual-device": Entry(
        "virtual_device_cmd", "Run a virtual Android device (Pixel 8, Android 14) that `adb connect` reaches."
    ),
    "demo": Entry("demo", "Run a support session end to end: info panel, chat, screenshot, system info, transcript."),
    "session": Entry("session", "Support sessions: start, show the info panel, list, switch, join, end."),
    "log": Entry("log", "The session transcript: show, follow, export."),
    "notes": Entry("notes", "Private notes on a session (never shown on the device)."),
    "chat": Entry("chat", "Chat with the device user: messages, URL push, canned messages, the customer page."),
    "sysinfo": Entry(
        "sysinfo",
        "System information: overview, device, battery, memory, cpu, storage, network, display, processes, apps, "
        "foreground.",
    ),
    "files": Entry("files", "Browse device files; push and pull files and folders; create, rename, delete."),
    "transfers": Entry(
        "transfers", "The transfer manager: list, show details, start queued, cancel, clear, clean staging leftovers."
    ),
    "screen": Entry("screen", "The device's screen: screenshots, recordings, the live stream, privacy pause, grants."),
    "input": Entry("input_cmd", "Tap, swipe, type and press keys on the device (device pixels)."),
    "camera": Entry("camera", "Camera mode: open the device's camera, annotate a frozen frame, clear."),
    "policy": Entry("policy_cmd", "The administrator's policy (BT_POLICY)."),
    "claim": Entry(
        "claim", "Claim a device no one else holds (atomic across hosts); prints it, or runs a command with it."
    ),
    "release": Entry("claim", "Release a claim, so the device is free for others."),
    "fleet": Entry("fleet", "Device labs: the fleet across adb servers, a command or triage on every device."),
    "triage": Entry(
        "triage", "Collect a triage bundle from the device (--device, or the session's); logged in the session."
    ),
    "queue": Entry("queue_cmd", "The session queue: take the next waiting session."),
}
