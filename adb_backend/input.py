"""Pointer and keyboard input through the device's `input` command (tap, swipe, text, keyevent).

Coordinates are device pixels. `input text` has its own rules on top of the shell's: it types only its
first argument (so the text is one quoted word), a space must be written `%s` (InputShellCommand
replaces it), so a literal "%s" is typed in two pieces; newlines and tabs are keys, not text; and only
ASCII can be typed (the virtual keyboard's KeyCharacterMap has no events for other characters, and the
command throws), so other characters are refused here with a clear error before anything is typed.
"""

from __future__ import annotations

import base64

from adb_backend.device import Device, quote_command
from adb_backend.errors import DeviceRefused

ADB_KEYBOARD = "com.android.adbkeyboard/.AdbIME"
"""ADBKeyBoard, an open-source keyboard that types what `am broadcast -a ADB_INPUT_B64` sends: the one way
to type characters `input text` cannot (accents, emoji, other scripts), where the customer installed it."""

KEYCODES: dict[str, int] = {
    "HOME": 3,
    "BACK": 4,
    "CALL": 5,
    "ENDCALL": 6,
    **{str(d): 7 + d for d in range(10)},
    "STAR": 17,
    "POUND": 18,
    "DPAD_UP": 19,
    "DPAD_DOWN": 20,
    "DPAD_LEFT": 21,
    "DPAD_RIGHT": 22,
    "DPAD_CENTER": 23,
    "VOLUME_UP": 24,
    "VOLUME_DOWN": 25,
    "POWER": 26,
    "CAMERA": 27,
    "CLEAR": 28,
    **{chr(ord("A") + i): 29 + i for i in range(26)},
    "COMMA": 55,
    "PERIOD": 56,
    "TAB": 61,
    "SPACE": 62,
    "ENVELOPE": 65,
    "ENTER": 66,
    "DEL": 67,
    "MENU": 82,
    "NOTIFICATION": 83,
    "SEARCH": 84,
    "MEDIA_PLAY_PAUSE": 85,
    "MEDIA_STOP": 86,
    "MEDIA_NEXT": 87,
    "MEDIA_PREVIOUS": 88,
    "PAGE_UP": 92,
    "PAGE_DOWN": 93,
    "ESCAPE": 111,
    "FORWARD_DEL": 112,
    "MOVE_HOME": 122,
    "MOVE_END": 123,
    "VOLUME_MUTE": 164,
    "APP_SWITCH": 187,
    "BRIGHTNESS_DOWN": 220,
    "BRIGHTNESS_UP": 221,
    "SLEEP": 223,
    "WAKEUP": 224,
    "SCREENSHOT": 120,
    "ALL_APPS": 284,
}
ALIASES = {
    "BACKSPACE": "DEL",
    "DELETE": "FORWARD_DEL",
    "RETURN": "ENTER",
    "ESC": "ESCAPE",
    "RECENTS": "APP_SWITCH",
    "RECENT_APPS": "APP_SWITCH",
    "VOLUMEUP": "VOLUME_UP",
    "VOLUMEDOWN": "VOLUME_DOWN",
    "UP": "DPAD_UP",
    "DOWN": "DPAD_DOWN",
    "LEFT": "DPAD_LEFT",
    "RIGHT": "DPAD_RIGHT",
}


def keycode(name: str | int) -> int:
    """HOME, KEYCODE_HOME, home, app-switch, or a number: the Android keycode; ValueError otherwise."""
    if isinstance(name, int):
        code = name
    else:
        text = name.strip()
        if text.isdigit():
            code = int(text)
        else:
            key = text.upper().replace("-", "_").removeprefix("KEYCODE_")
            key = ALIASES.get(key, key)
            if key not in KEYCODES:
                raise ValueError(
                    f"unknown key {name!r}: use a name such as HOME, BACK, APP_SWITCH, ENTER, "
                    "VOLUME_UP, DPAD_LEFT, or a keycode number"
                )
            code = KEYCODES[key]
    if not 0 <= code <= 400:
        raise ValueError(f"keycode {code} is out of range (0-400)")
    return code


def key_name(code: int) -> str:
    for name, value in KEYCODES.items():
        if value == code:
            return name
    return str(code)


def check_typeable(text: str) -> None:
    """ValueError for characters no keyboard types (control characters other than newline and tab)."""
    bad = sorted({ch for ch in text if (ord(ch) < 32 and ch not in "\n\t") or ord(ch) == 127})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad[:5])
        raise ValueError(f"cannot type control characters: {shown}")


def keyboard_commands(text: str) -> list[list[str]]:
    """ADBKeyBoard broadcasts that type `text` (base64 UTF-8, safe for any character and the shell)."""
    commands: list[list[str]] = []
    for index, line in enumerate(text.split("\n")):
        if index:
            commands.append(["input", "keyevent", str(KEYCODES["ENTER"])])
        if line:
            msg = base64.b64encode(line.encode("utf-8")).decode("ascii")
            commands.append(["am", "broadcast", "-a", "ADB_INPUT_B64", "--es", "msg", msg])
    return commands


def text_commands(text: str) -> list[list[str]]:
    """The `input` invocations that type `text`: text runs, with newline → ENTER and tab → TAB."""
    bad = sorted({ch for ch in text if ord(ch) > 126 or (ord(ch) < 32 and ch not in "\n\t")})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad[:5])
        raise ValueError(f"input text can only type printable ASCII; cannot type {shown}")
    commands: list[list[str]] = []
    run = ""

    def flush() -> None:
        nonlocal run
        if run:
            # "%s" means a space to Input.java: split a literal "%s" so it survives as typed
            pieces = run.split("%s")
            for i, piece in enumerate(pieces):
                chunk = piece + ("%" if i < len(pieces) - 1 else "")
                if i > 0:
                    chunk = "s" + chunk
                if chunk:
                    commands.append(["input", "text", chunk.replace(" ", "%s")])
            run = ""

    for ch in text:
        if ch in "\n\t":
            flush()
            commands.append(["input", "keyevent", str(KEYCODES["ENTER" if ch == "\n" else "TAB"])])
        else:
            run += ch
    flush()
    return commands


def _run(device: Device, commands: list[list[str]]) -> None:
    """All commands in one shell round trip; stop at the first failure and report the device's words."""
    line = " && ".join(quote_command(c) for c in commands)
    result = device.shell(line, timeout=30)
    said = result.stdout + result.stderr  # before Android 7 stderr arrives merged into stdout
    if not result.ok or "Error" in said or "Exception" in said:
        raise DeviceRefused(
            f"{device.serial}: input was refused: {result.reason}", reason=result.reason, serial=device.serial
        )


def tap(device: Device, x: int, y: int) -> None:
    _run(device, [["input", "tap", str(int(x)), str(int(y))]])


def swipe(device: Device, x1: int, y1: int, x2: int, y2: int, ms: int | None = None) -> None:
    argv = ["input", "swipe", str(int(x1)), str(int(y1)), str(int(x2)), str(int(y2))]
    if ms is not None:
        argv.append(str(max(0, int(ms))))
    _run(device, [argv])


def text(device: Device, value: str) -> None:
    """Type `value`: `input text` for ASCII; other characters through ADBKeyBoard where it is the keyboard.

    Raises DeviceRefused, saying what to install, when the text needs ADBKeyBoard and it is not selected.
    """
    try:
        commands = text_commands(value)
    except ValueError as error:
        current = device.shell(["settings", "get", "secure", "default_input_method"], timeout=15).stdout.strip()
        if current != ADB_KEYBOARD:
            reason = (
                f"{error}. Android's `input text` types ASCII only; to type other characters, install "
                "ADBKeyBoard (com.android.adbkeyboard) on the device and make it the current keyboard"
            )
            raise DeviceRefused(f"{device.serial}: {reason}", reason=reason, serial=device.serial) from None
        commands = keyboard_commands(value)
    if commands:
        _run(device, commands)


def key(device: Device, name: str | int) -> int:
    code = keycode(name)
    _run(device, [["input", "keyevent", str(code)]])
    return code
