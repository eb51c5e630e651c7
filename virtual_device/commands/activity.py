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


# am start's own flags and Intent.parseCommandArgs' valueless ones; anything else is refused
_INTENT_FLAGS = {
    "-D",
    "-N",
    "-W",
    "-S",
    "--streaming",
    "--track-allocation",
    "--grant-read-uri-permission",
    "--grant-write-uri-permission",
    "--grant-persistable-uri-permission",
    "--grant-prefix-uri-permission",
    "--exclude-stopped-packages",
    "--include-stopped-packages",
    "--debug-log-resolution",
    "--activity-brought-to-front",
    "--activity-clear-top",
    "--activity-clear-when-task-reset",
    "--activity-exclude-from-recents",
    "--activity-launched-from-history",
    "--activity-multiple-task",
    "--activity-no-animation",
    "--activity-no-history",
    "--activity-no-user-action",
    "--activity-previous-is-top",
    "--activity-reorder-to-front",
    "--activity-reset-task-if-needed",
    "--activity-single-top",
    "--activity-clear-task",
    "--activity-task-on-home",
    "--receiver-registered-only",
    "--receiver-replace-pending",
    "--receiver-foreground",
    "--selector",
}


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
        elif a in _INTENT_FLAGS:
            i += 1
            continue
        elif a.startswith("-"):
            raise ValueError(f"Unknown option: {a}")
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


async def _exception(ctx: CommandContext, verb: str, error: str) -> int:
    """ShellCommand.exec's report of an exception thrown by the command: stderr, exit 255."""
    await ctx.err(f"Exception occurred while executing '{verb}':\njava.lang.IllegalArgumentException: {error}\n")
    return 255


async def _start(ctx: CommandContext, args: list[str]) -> int:
    try:
        intent, _ = parse_intent(args)
    except ValueError as error:
        return await _exception(ctx, "start", str(error))
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
            return 0  # ActivityManagerShellCommand reports it and still returns 0
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
            path = _viewable_path(ctx, data, scheme)
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
    return 0


UNREADABLE = "\0unreadable:"
"""Prefix of a path the viewer cannot open (the screen shows its load error)."""


def _viewable_path(ctx: CommandContext, data: str, scheme: str) -> str:
    """The file an image viewer can read for `data`: MediaStore URIs resolve, raw paths fail on 11+.

    Since Android 11 scoped storage keeps a viewer from opening another app's raw `file://` path on
    shared storage; a MediaStore `content://media/...` URI is what it can read.
    """
    if scheme == "content":
        found = media_store(ctx.device).path_of(data)
        return found if found is not None else UNREADABLE + data
    path = urlsplit(data).path if scheme == "file" else data
    if ctx.device.api_level >= 30:
        return UNREADABLE + path
    return path


class MediaStore:
    """The images MediaProvider has indexed: `content://media/external/images/media/ID` <-> a file."""

    BASE = "content://media/external/images/media"

    def __init__(self, device) -> None:
        self.device = device
        self.ids: dict[str, int] = {}  # canonical path -> _id
        self.next_id = 1000000031

    def canonical(self, path: str) -> str:
        for prefix in ("/sdcard/", "/storage/self/primary/", "/mnt/sdcard/"):
            if path.startswith(prefix):
                return "/storage/emulated/0/" + path[len(prefix) :]
        return path

    def scan(self, path: str) -> int | None:
        path = self.canonical(path)
        if not path.lower().endswith(IMAGE_EXT) or not self.device.fs.as_root().exists(path):
            return None
        if path not in self.ids:
            self.ids[path] = self.next_id
            self.next_id += 1
        return self.ids[path]

    def rows(self) -> list[tuple[int, str]]:
        if self.device.api_level >= 30:
            # Android 11+: files written through /sdcard (FUSE) are indexed as they are closed
            root = self.device.fs.as_root()
            for folder in ("DCIM", "Pictures", "Download"):
                top = f"/storage/emulated/0/{folder}"
                if root.isdir(top):
                    for path in _walk(root, top):
                        self.scan(path)
        return sorted((i, p) for p, i in self.ids.items() if self.device.fs.as_root().exists(p))

    def path_of(self, uri: str) -> str | None:
        head, _, tail = uri.rpartition("/")
        if head != self.BASE or not tail.isdigit():
            return None
        return next((p for i, p in self.rows() if i == int(tail)), None)


def _walk(root, top: str) -> list[str]:
    out = []
    for name in root.listdir(top):
        path = f"{top}/{name}"
        if root.isdir(path):
            out.extend(_walk(root, path))
        else:
            out.append(path)
    return out


def media_store(device) -> MediaStore:
    store = getattr(device, "_media_store", None)
    if store is None:
        store = MediaStore(device)
        device._media_store = store
    return store


@command("content")
async def content(ctx: CommandContext, argv: list[str]) -> int:
    """`content query --uri content://media/external/images/media [--projection ...] [--where ...]`."""
    import re

    args = argv[1:]
    if args[:1] != ["query"]:
        await ctx.err("usage: adb shell content [subcommand] [options]\n")
        return 1
    opts: dict[str, str] = {}
    i = 1
    while i < len(args):
        if args[i].startswith("--") and i + 1 < len(args):
            opts[args[i][2:]] = args[i + 1]
            i += 2
            continue
        await ctx.err(
            f"Error while accessing provider:\njava.lang.IllegalArgumentException: Unsupported argument: {args[i]}\n"
        )
        return 1
    uri = opts.get("uri", "")
    if uri.rstrip("/") != MediaStore.BASE:
        await ctx.err(f"Error while accessing provider:{uri}\njava.lang.IllegalArgumentException: Unknown URL {uri}\n")
        return 1
    rows = media_store(ctx.device).rows()
    where = opts.get("where", "")
    if where:
        match = re.fullmatch(r"\s*_data\s*(=|LIKE)\s*'((?:[^']|'')*)'\s*", where, re.IGNORECASE)
        if match is None:
            await ctx.err(
                f"Error while accessing provider:{uri}\n"
                f'android.database.sqlite.SQLiteException: near "{where}": syntax error\n'
            )
            return 1
        value = match.group(2).replace("''", "'")
        if match.group(1) == "=":
            rows = [r for r in rows if r[1] == value]
        else:
            pattern = "^" + ".*".join(re.escape(part) for part in value.split("%")) + "$"
            rows = [r for r in rows if re.match(pattern.replace("_", "."), r[1])]
    columns = [c for c in opts.get("projection", "_id:_data").split(":") if c]
    if not rows:
        await ctx.out("No result found.\n")
        return 0
    for n, (row_id, path) in enumerate(rows):
        values = {"_id": str(row_id), "_data": path, "_display_name": path.rsplit("/", 1)[1]}
        cells = ", ".join(f"{c}={values.get(c, 'NULL')}" for c in columns)
        await ctx.out(f"Row: {n} {cells}\n")
    return 0


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
    if verb in ("force-stop", "kill"):
        names = await _package_args(ctx, rest)
        if names is None:
            return 255
    if verb == "force-stop":
        from virtual_device.profiles import PERSISTENT_PACKAGES

        for name in names:
            if name not in PERSISTENT_PACKAGES:  # evenPersistent=false: persistent apps keep running
                device.force_stop(name)
        return 0  # unknown packages too: forceStopPackage says nothing
    if verb == "kill":
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
        try:
            intent, _ = parse_intent(rest)
        except ValueError as error:
            return await _exception(ctx, "broadcast", str(error))
        intent.flags |= 0x400000
        if intent.action == "android.intent.action.MEDIA_SCANNER_SCAN_FILE" and intent.data.startswith("file://"):
            media_store(device).scan(urlsplit(intent.data).path)
        if intent.action in ("ADB_INPUT_TEXT", "ADB_INPUT_B64"):
            _adb_keyboard(device, intent.action, rest)
        await ctx.out(f"Broadcasting: {intent.short()}\nBroadcast completed: result=0\n")
        return 0
    if verb == "get-current-user":
        await ctx.out("0\n")
        return 0
    if verb == "stack" or verb == "task":
        return 0
    await ctx.err(f"Unknown command: {verb}\n")
    return 255


ADB_KEYBOARD = "com.android.adbkeyboard/.AdbIME"


def _adb_keyboard(device, action: str, args: list[str]) -> None:
    """ADBKeyBoard's receiver: when it is installed and the current keyboard, it types the `msg` extra."""
    import base64
    import binascii

    if device.settings.get("secure", {}).get("default_input_method") != ADB_KEYBOARD:
        return
    if not device.installed_for_user(ADB_KEYBOARD.split("/")[0]):
        return
    msg = next((args[i + 2] for i in range(len(args) - 2) if args[i] == "--es" and args[i + 1] == "msg"), None)
    if msg is None or device.screen is None:
        return
    if action == "ADB_INPUT_B64":
        try:
            msg = base64.b64decode(msg).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return
    device.screen.type_text(msg)


async def _package_args(ctx: CommandContext, rest: list[str]) -> list[str] | None:
    """`[--user N] PACKAGE`: ActivityManagerShellCommand refuses any other option."""
    names: list[str] = []
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--user":
            i += 2
            continue
        if arg.startswith("-"):
            await ctx.err(f"Error: Unknown option: {arg}\n")
            return None
        names.append(arg)
        i += 1
    return names[:1]


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
    version = getattr(ctx.device, "version", None)
    if version is not None and not version.has_cmd:
        await ctx.err(f"/system/bin/sh: {argv[0]}: not found\n")  # cmd arrived with Android 7
        return 127
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
