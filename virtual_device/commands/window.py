"""wm (size, density) and input (tap, swipe, text, keyevent): the window manager and input injection."""

from __future__ import annotations

import re

from virtual_device.commands import CommandContext, command
from virtual_device.commands.keycodes import KEYCODES


@command("wm")
async def wm(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    device = ctx.device
    if not args:
        await ctx.out(
            "Window manager (window) commands:\n  help\n      Print this help text.\n"
            "  size [reset|WxH|WdpxHdp] [-d DISPLAY_ID]\n"
            "    Return or override display size.\n"
            "  density [reset|DENSITY] [-d DISPLAY_ID]\n"
            "    Return or override display density.\n"
        )
        return 0
    verb, rest = args[0], args[1:]
    if "-d" in rest:
        idx = rest.index("-d")
        rest = rest[:idx] + rest[idx + 2 :]
    if verb == "size":
        if not rest:
            w, h = device.physical_size
            out = f"Physical size: {w}x{h}\n"
            if device.override_size:
                out += f"Override size: {device.override_size[0]}x{device.override_size[1]}\n"
            await ctx.out(out)
            return 0
        if rest[0] == "reset":
            device.override_size = None
        else:
            m = re.fullmatch(r"(\d+)x(\d+)", rest[0])
            if not m:
                await ctx.err(f"Error: bad size {rest[0]}\n")
                return 255
            size = (int(m.group(1)), int(m.group(2)))
            device.override_size = None if size == device.physical_size else size
        if device.screen is not None:
            device.screen.set_size(*(device.override_size or device.physical_size))
        device.save()
        return 0
    if verb == "density":
        if not rest:
            out = f"Physical density: {device.physical_density}\n"
            if device.override_density:
                out += f"Override density: {device.override_density}\n"
            await ctx.out(out)
            return 0
        if rest[0] == "reset":
            device.override_density = None
        elif rest[0].isdigit():
            value = int(rest[0])
            device.override_density = None if value == device.physical_density else value
        else:
            await ctx.err(f"Error: bad number {rest[0]}\n")
            return 255
        if device.screen is not None:
            device.screen.set_density(device.override_density or device.physical_density)
        device.save()
        return 0
    await ctx.err(f"Unknown command: {verb}\n")
    return 255


INPUT_USAGE = """Usage: input [<source>] [-d DISPLAY_ID] <command> [<arg>...]

The sources are:
      dpad
      keyboard
      mouse
      touchpad
      gamepad
      touchnavigation
      joystick
      touchscreen
      stylus
      trackball

-d: specify the display ID.
      (Default: -1 for key event, 0 for motion event if not specified.)
The commands and default sources are:
      text <string> (Default: keyboard)
      keyevent [--longpress|--doubletap] <key code number or name> ... (Default: keyboard)
      tap <x> <y> (Default: touchscreen)
      swipe <x1> <y1> <x2> <y2> [duration(ms)] (Default: touchscreen)
      draganddrop <x1> <y1> <x2> <y2> [duration(ms)] (Default: touchscreen)
      press (Default: trackball)
      roll <dx> <dy> (Default: trackball)
      motionevent <DOWN|UP|MOVE|CANCEL> <x> <y> (Default: touchscreen)
      keycombination <key code 1> <key code 2> ... (Default: keyboard)
"""
SOURCES = {
    "dpad",
    "keyboard",
    "mouse",
    "touchpad",
    "gamepad",
    "touchnavigation",
    "joystick",
    "touchscreen",
    "stylus",
    "trackball",
}


def keycode(name: str) -> int | None:
    if name.isdigit():
        return int(name)
    key = name.upper()
    if not key.startswith("KEYCODE_"):
        key = "KEYCODE_" + key
    return KEYCODES.get(key)


def _num(value: str) -> float:
    return float(value)


@command("input")
async def input_(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    if args and args[0] in SOURCES:
        args = args[1:]
    if args[:1] == ["-d"]:
        args = args[2:]
    if not args:
        await ctx.out(INPUT_USAGE)
        return 0
    verb, rest = args[0], args[1:]
    screen = ctx.device.screen
    try:
        if verb == "tap" and len(rest) == 2:
            if screen is not None:
                screen.tap(int(_num(rest[0])), int(_num(rest[1])))
            return 0
        if verb in ("swipe", "draganddrop") and len(rest) in (4, 5):
            x1, y1, x2, y2 = (int(_num(v)) for v in rest[:4])
            ms = int(rest[4]) if len(rest) == 5 else None
            if screen is not None:
                screen.swipe(x1, y1, x2, y2, ms)
            return 0
    except ValueError as exc:
        await ctx.err(f"Error: {exc}\n")
        return 1
    if verb == "text" and rest:
        # InputShellCommand.runText: only the first argument, "%s" means a space, and only characters
        # the virtual keyboard's KeyCharacterMap can type (ASCII); anything else throws
        text = rest[0].replace("%s", " ")
        if any(ord(ch) > 126 or (ord(ch) < 32 and ch not in "\n\t") for ch in text):
            trace = "\tat com.android.server.input.InputShellCommand.sendText(InputShellCommand.java:348)\n"
            if ctx.device.api_level >= 30:
                await ctx.err(
                    "Exception occurred while executing 'text':\njava.lang.NullPointerException: "
                    "Attempt to get length of null array\n" + trace
                )
                return 255
            await ctx.err(
                'Exception in thread "main" java.lang.NullPointerException: Attempt to get length of null array\n'
                "\tat com.android.commands.input.Input.sendText(Input.java:169)\n"
            )
            return 1
        if screen is not None:
            screen.type_text(text)
        return 0
    if verb in ("keyevent", "keycombination") and rest:
        codes = []
        for arg in rest:
            if arg.startswith("--") or arg == "-t":
                continue
            code = keycode(arg)
            if code is None:
                await ctx.err(f"java.lang.IllegalArgumentException: Unknown keycode: {arg}\n")
                return 255
            codes.append(code)
        if screen is not None:
            for code in codes:
                screen.key(code)
        return 0
    if verb in ("press", "roll", "motionevent"):
        return 0
    await ctx.err(
        f"Error: Unknown command: {verb}\n"
        if verb not in ("tap", "swipe", "text", "keyevent")
        else f"Error: Invalid arguments for command: {verb}\n"
    )
    await ctx.out(INPUT_USAGE)
    return 1
