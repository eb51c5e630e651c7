"""`pm install` / `cmd package install`: an APK from a file or streamed on stdin (`-S SIZE`).

Stock adb streams the APK into `abb_exec:package\\0install\\0-S\\0SIZE` (or `exec:cmd package install
-S SIZE` on older clients) and prints what comes back; the package appears with the manifest's name
and versionCode, under /data/app like a real install.
"""

from __future__ import annotations

import base64
import os

from virtual_device.apk import ApkError, ApkInfo, read_apk
from virtual_device.commands import CommandContext
from virtual_device.device import Package

_FLAGS_WITHOUT_VALUE = {"-r", "-t", "-d", "-g", "-f", "-l", "-s", "--dont-kill", "--instant", "--full", "--fastdeploy"}
_FLAGS_WITH_VALUE = {"-S", "-i", "--user", "--install-location", "--pkg", "--abi", "--originating-uri", "--referrer"}


async def install(ctx: CommandContext, args: list[str]) -> int:
    size: int | None = None
    downgrade = False
    paths: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _FLAGS_WITH_VALUE and i + 1 < len(args):
            if arg == "-S":
                if not args[i + 1].isdigit():
                    await ctx.err(f"Error: invalid size: {args[i + 1]}\n")
                    return 255
                size = int(args[i + 1])
            i += 2
            continue
        if arg.startswith("-") and arg != "-":
            if arg not in _FLAGS_WITHOUT_VALUE:
                await ctx.err(f"Error: Unknown option: {arg}\n")
                return 255
            downgrade |= arg == "-d"
        else:
            paths.append(arg)
        i += 1
    data = await _apk_bytes(ctx, size, paths)
    if isinstance(data, int):
        return data
    try:
        info = read_apk(data)
    except ApkError as exc:
        await ctx.out(f"Failure [INSTALL_PARSE_FAILED_NOT_APK: Failed to parse base.apk: {exc}]\n")
        return 1
    old = ctx.device.packages.get(info.package)
    if old is not None and old.version_code > info.version_code and not downgrade:
        await ctx.out(
            "Failure [INSTALL_FAILED_VERSION_DOWNGRADE: Downgrade detected: Update version code "
            f"{info.version_code} is older than current {old.version_code}]\n"
        )
        return 1
    _register(ctx, info, data, old)
    await ctx.out("Success\n")
    return 0


async def _apk_bytes(ctx: CommandContext, size: int | None, paths: list[str]) -> bytes | int:
    """The APK: `size` bytes of stdin (streamed install), or the file named on the command line."""
    if (size is not None and not paths) or paths == ["-"]:
        chunks = bytearray()
        while size is None or len(chunks) < size:
            chunk = await ctx.io.read_stdin(65536 if size is None else min(65536, size - len(chunks)))
            if not chunk:
                break
            chunks += chunk
        if size is not None and len(chunks) < size:
            await ctx.out("Failure [INSTALL_FAILED_INVALID_APK: Short read of the APK]\n")
            return 1
        return bytes(chunks)
    if not paths:
        await ctx.err("Error: APK content must be streamed\n")
        return 255
    try:
        return ctx.fs.read_bytes(ctx.resolve(paths[0]))
    except OSError:
        await ctx.err(f"Error: Unable to open file: {paths[0]}\nConsider using a file under /data/local/tmp/\n")
        return 255


def _register(ctx: CommandContext, info: ApkInfo, data: bytes, old: Package | None) -> None:
    device = ctx.device
    if old is not None:
        device.processes.kill_package(info.package)
    tag = base64.urlsafe_b64encode(os.urandom(16)).decode()
    path = f"/data/app/~~{tag}/{info.package}-{base64.urlsafe_b64encode(os.urandom(16)).decode()}/base.apk"
    root = ctx.fs.as_root()
    root.mkdir(path.rsplit("/", 1)[0], parents=True)
    root.write_bytes(path, data)
    apps = [p.uid for p in device.packages.values() if 10_000 <= p.uid < 20_000]
    now = device.now()
    device.packages[info.package] = Package(
        name=info.package,
        path=path,
        uid=old.uid if old is not None else max(apps, default=10_199) + 1,
        version_name=info.version_name,
        version_code=info.version_code,
        system=False,
        first_install=old.first_install if old is not None else now,
        last_update=now,
    )
    device.hidden.pop(info.package, None)
