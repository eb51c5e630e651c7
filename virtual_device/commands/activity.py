"""am / `cmd activity` / monkey: start activities (screen changes), force-stop and kill apps."""

from __future__ import annotations

from urllib.parse import urlsplit

from virtual_device.commands import CommandContext, command

CAMERA_ACTIONS = {
    "android.media.action.STILL_IMAGE_CAMERA",
    "android.media.action.IMAGE_CAPTURE",
    "android.media.action.VIDEO_CAMERA",
    "android.media.action.VIDEO_CAPTURE",
    "android.media.action.STILL_IMAGE_CAMERA_SECURE",
}
CAMERA = ("com.google.android.GoogleCamera", "com.android.camera.CameraLauncher")
BROWSER = ("com.android.chrome", "com.google.android.apps.chrome.Main")
IMAGE_EXT = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp")


def safe_uri(uri: str) -> str:
    """Uri.toSafeString(): web URLs lose their path and query (`https://host/...`), others their query."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https", "ftp", "rtsp"):
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname or ''}{port}/..."
    if scheme in ("tel", "sms", "smsto", "mailto", "nfc"):
        return f"{parts.scheme}:" + "".join("x" if c.isalnum() else c for c in uri.split(":", 1)[1])
    if not scheme:
        return uri
    ssp = uri.split(":", 1)[1].split("#", 1)[0]
    return f"{parts.scheme}:{ssp}"


class Intent:
    def __init__(self) -> None:
        self.action = ""
        self.data = ""
        self.mime = ""
        self.component = ""
        self.categories: list[str] = []
        self.flags = 0

    def short(self) -> str:
        bits = []
        if self.action:
            bits.append(f"act={self.action}")
        if self.categories:
            bits.append("cat=[" + ",".join(self.categories) + "]")
        if self.data:
            bits.append(f"dat={safe_uri(self.data)}")
        if self.mime:
            bits.append(f"typ={self.mime}")
        if self.flags:
            bits.append(f"flg=0x{self.flags:x}")
        if self.component:
            pkg, _, cls = self.component.partition("/")
            if cls.startswith(pkg + "."):
                cls = cls[len(pkg) :]
            bits.append(f"cmp={pkg}/{cls}")
        return "Intent { " + " ".join(bits) + " }"


def parse_intent(args: list[str]) -> tuple[Intent, list[str]]:
    intent = Intent()
    rest = []
    i = 0
    with_value = {
        "-a",
        "-d",
        "-t",
        "-n",
        "-c",
        "-f",
        "--user",
        "-e",
        "--es",
        "--ei",
        "--ez",
        "--el",
        "--ef",
        "--eu",
        "--esn",
        "-p",
        "--display",
        "--windowingMode",
        "--activityType",
    }
    while i < len(args):
        a = args[i]
        value = args[i + 1] if i + 1 < len(args) else ""
        if a == "-a":
            intent.action = value
        elif a == "-d":
            intent.data = value
        elif a == "-t":
            intent.mime = value
        elif a == "-n":
            intent.component = value
        elif a == "-c":
            intent.categories.append(value)
        elif a == "-f":
            intent.flags = int(value, 0)
        elif a in ("-e", "--es", "--ei", "--ez", "--el", "--ef", "--eu") and i + 2 < len(args):
            i += 3
            continue
        elif a in with_value:
            pass
        elif a.startswith("-"):
            i += 1
            continue
        else:
            rest.append(a)
            i += 1
            continue
        i += 2
    return intent, rest


def _component(ctx: CommandContext, component: str) -> tuple[str, str] | None:
    pkg, _, cls = component.partition("/")
    if cls.startswith("."):
        cls = pkg + cls
    if not ctx.device.installed_for_user(pkg):
        return None
    return pkg, cls


async def _start(ctx: CommandContext, args: list[str]) -> int:
    intent, _ = parse_intent(args)
    device = ctx.device
    screen = device.screen
    if intent.component:
        intent.flags |= 0x10000000
        found = _component(ctx, intent.component)
        await ctx.out(f"Starting: {intent.short()}\n")
        if found is None:
            pkg, _, cls = intent.component.partition("/")
            full = pkg + cls if cls.startswith(".") else cls
            await ctx.err(f"Error type 3\nError: Activity class {{{pkg}/{full}}} does not exist.\n")
            return 1
        device.start_app(found[0])
        if screen is not None:
            if found[0] == CAMERA[0]:
                screen.open_camera()
            else:
                screen.open_activity(*found)
        return 0
    await ctx.out(f"Starting: {intent.short()}\n")
    action = intent.action
    data = intent.data
    if action in CAMERA_ACTIONS:
        device.start_app(CAMERA[0])
        if screen is not None:
            screen.open_camera()
        return 0
    if action == "android.intent.action.VIEW" and data:
        scheme = urlsplit(data).scheme.lower()
        is_image = intent.mime.startswith("image/") or data.lower().endswith(IMAGE_EXT)
        if is_image and scheme in ("file", "content", ""):
            path = urlsplit(data).path if scheme == "file" else data
            device.start_app("com.google.android.apps.photos")
            if screen is not None:
                screen.show_image(path)
            return 0
        if scheme in ("http", "https"):
            device.start_app(BROWSER[0])
            if screen is not None:
                screen.open_url(data)
            return 0
    if action == "android.intent.action.MAIN" and "android.intent.category.HOME" in intent.categories:
        if screen is not None:
            screen.go_home()
        return 0
    await ctx.err(f"Error: Activity not started, unable to resolve {intent.short()}\n")
    return 1


async def activity_command(ctx: CommandContext, args: list[str]) -> int:
    """The `activity` service shell command, shared by `am` and `cmd activity`."""
    if not args or args[0] in ("help", "-h"):
        await ctx.out(
            "Activity manager (activity) commands:\n  help\n      Print this help text.\n"
            "  start-activity [-D] [-N] [-W] [-P <FILE>] [--start-profiler <FILE>]\n"
            "  force-stop [--user <USER_ID> | all | current] <PACKAGE>\n"
            "  kill [--user <USER_ID> | all | current] <PACKAGE>\n"
        )
        return 0
    verb, rest = args[0], args[1:]
    device = ctx.device
    if verb in ("start", "start-activity"):
        return await _start(ctx, rest)
    if verb == "force-stop":
        names = [a for a in rest if not a.startswith("-") and not a.isdigit()]
        for name in names:
            device.force_stop(name)
        return 0
    if verb == "kill":
        names = [a for a in rest if not a.startswith("-") and not a.isdigit()]
        foreground = getattr(device.screen, "foreground", ("", ""))[0] if device.screen is not None else ""
        for name in names:
            if name != foreground:
                device.processes.kill_package(name)
        return 0
    if verb == "kill-all":
        foreground = getattr(device.screen, "foreground", ("", ""))[0] if device.screen is not None else ""
        for pkg in list(device.packages.values()):
            if not pkg.system and pkg.name != foreground:
                device.processes.kill_package(pkg.name)
        return 0
    if verb == "broadcast":
        intent, _ = parse_intent(rest)
        intent.flags |= 0x400000
        await ctx.out(f"Broadcasting: {intent.short()}\nBroadcast completed: result=0\n")
        return 0
    if verb == "get-current-user":
        await ctx.out("0\n")
        return 0
    if verb == "stack" or verb == "task":
        return 0
    await ctx.err(f"Unknown command: {verb}\n")
    return 255


@command("am")
async def am(ctx: CommandContext, argv: list[str]) -> int:
    return await activity_command(ctx, argv[1:])


@command("monkey")
async def monkey(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    pkgs = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-p"]
    count = next((a for a in reversed(args) if a.isdigit()), "")
    if not count:
        await ctx.err("** Error: Count not specified\n")
        return 1
    echo = "".join(f"  bash arg: {a}\n" for a in args)
    targets = [p for p in pkgs if ctx.device.installed_for_user(p) and ctx.device.packages[p].activity]
    if pkgs and not targets:
        await ctx.out(echo)
        await ctx.err("** No activities found to run, monkey aborted.\n")
        return 252
    await ctx.out(echo + f"args: [{', '.join(args)}]\n" + "".join(f' arg: "{a}"\n' for a in args))
    await ctx.out("".join(f'data="{a}"\n' for a in pkgs + [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-c"]))
    if targets:
        pkg = ctx.device.packages[targets[0]]
        ctx.device.start_app(pkg.name)
        if ctx.device.screen is not None:
            ctx.device.screen.open_activity(pkg.name, pkg.activity)
    await ctx.out(
        f"Events injected: {count}\n## Network stats: elapsed time=23ms (0ms mobile, 0ms wifi, 23ms not connected)\n"
    )
    return 0


@command("cmd")
async def cmd(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    if not args:
        await ctx.err("cmd: No service specified; use -l to list all services\n")
        return 20
    if args[0] == "-l":
        await ctx.out("Currently running services:\n" + "".join(f"  {s}\n" for s in SERVICES))
        return 0
    service, rest = args[0], args[1:]
    if service == "package":
        from virtual_device.commands.packages import package_command

        return await package_command(ctx, rest)
    if service == "activity":
        return await activity_command(ctx, rest)
    if service == "notification":
        from virtual_device.commands.notify import notification_command

        return await notification_command(ctx, rest)
    if service == "settings":
        from virtual_device.commands.props import settings

        return await settings(ctx, ["settings", *rest])
    if service == "window":
        from virtual_device.commands.window import wm

        return await wm(ctx, ["wm", *rest])
    if service == "input":
        from virtual_device.commands.window import input_

        return await input_(ctx, ["input", *rest])
    if service in SERVICES:
        return 0
    await ctx.err(f"cmd: Can't find service: {service}\n")
    return 20


SERVICES = [
    "activity",
    "alarm",
    "appops",
    "audio",
    "battery",
    "batterystats",
    "bluetooth_manager",
    "clipboard",
    "connectivity",
    "cpuinfo",
    "device_policy",
    "deviceidle",
    "diskstats",
    "display",
    "dropbox",
    "input",
    "input_method",
    "jobscheduler",
    "location",
    "media.camera",
    "meminfo",
    "netstats",
    "notification",
    "package",
    "power",
    "procstats",
    "sensorservice",
    "settings",
    "statusbar",
    "telephony.registry",
    "usagestats",
    "user",
    "vibrator_manager",
    "wifi",
    "window",
]
