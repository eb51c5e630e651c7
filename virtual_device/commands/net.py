"""ip (iproute2 format) and ifconfig (toybox format): lo, a dummy, the cellular rmnet and wlan0."""

from __future__ import annotations

from virtual_device.commands import CommandContext, command


def _interfaces(ctx: CommandContext) -> list[dict[str, object]]:
    cfg = ctx.device.config
    ip = str(cfg.get("wlan_ip", "192.168.1.47"))
    mac = str(cfg.get("wlan_mac", "a2:3f:6c:9e:41:d7"))
    brd = ip.rsplit(".", 1)[0] + ".255"
    eui = "a03f:6cff:fe9e:41d7"
    return [
        {
            "idx": 1,
            "name": "lo",
            "flags": "LOOPBACK,UP,LOWER_UP",
            "mtu": 65536,
            "qdisc": "noqueue",
            "state": "UNKNOWN",
            "qlen": 1000,
            "link": "loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
            "inet": [("127.0.0.1/8", "", "host lo")],
            "inet6": [("::1/128", "host")],
        },
        {
            "idx": 2,
            "name": "dummy0",
            "flags": "BROADCAST,NOARP,UP,LOWER_UP",
            "mtu": 1500,
            "qdisc": "noqueue",
            "state": "UNKNOWN",
            "qlen": 1000,
            "link": "ether 5e:21:9c:4a:7b:02 brd ff:ff:ff:ff:ff:ff",
            "inet": [],
            "inet6": [("fe80::5c21:9cff:fe4a:7b02/64", "link")],
        },
        {
            "idx": 14,
            "name": "rmnet1",
            "flags": "UP,LOWER_UP",
            "mtu": 1500,
            "qdisc": "mq",
            "state": "UNKNOWN",
            "qlen": 1000,
            "link": "[519]",
            "inet": [("10.172.41.93/30", "", "global rmnet1")],
            "inet6": [],
        },
        {
            "idx": 27,
            "name": "wlan0",
            "flags": "BROADCAST,MULTICAST,UP,LOWER_UP",
            "mtu": 1500,
            "qdisc": "mq",
            "state": "UP",
            "qlen": 3000,
            "link": f"ether {mac} brd ff:ff:ff:ff:ff:ff",
            "inet": [(f"{ip}/24", brd, "global wlan0")],
            "inet6": [(f"fe80::{eui}/64", "link")],
        },
    ]


@command("ip")
async def ip(ctx: CommandContext, argv: list[str]) -> int:
    args = [a for a in argv[1:] if a not in ("-4", "-6", "-o")]
    only4, only6 = "-4" in argv, "-6" in argv
    if not args:
        await ctx.err(
            "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n"
            "where  OBJECT := { link | address | route | rule | neigh | ... }\n"
        )
        return 255
    obj, rest = args[0], args[1:]
    ifaces = _interfaces(ctx)
    if "dev" in rest:
        i = rest.index("dev")
        dev = rest[i + 1] if i + 1 < len(rest) else ""
        ifaces = [f for f in ifaces if f["name"] == dev]
        if not ifaces:
            await ctx.err(f'Device "{dev}" does not exist.\n')
            return 1
    if "addr".startswith(obj) or "address".startswith(obj) or obj == "a":
        out = []
        for f in ifaces:
            qlen = f" qlen {f['qlen']}" if f["name"] != "lo" else f" qlen {f['qlen']}"
            out.append(
                f"{f['idx']}: {f['name']}: <{f['flags']}> mtu {f['mtu']} qdisc {f['qdisc']} "
                f"state {f['state']} group default{qlen}\n"
            )
            if not only4 and not only6:
                out.append(
                    f"    link/{f['link']}\n" if not str(f["link"]).startswith("[") else f"    link/{f['link']} \n"
                )
            if not only6:
                for addr, brd, scope in f["inet"]:  # type: ignore[union-attr]
                    b = f" brd {brd}" if brd else ""
                    out.append(f"    inet {addr}{b} scope {scope}\n       valid_lft forever preferred_lft forever\n")
            if not only4:
                for addr, scope in f["inet6"]:  # type: ignore[union-attr]
                    out.append(f"    inet6 {addr} scope {scope} \n       valid_lft forever preferred_lft forever\n")
        await ctx.out("".join(out))
        return 0
    if obj in ("link", "l"):
        await ctx.out(
            "".join(
                f"{f['idx']}: {f['name']}: <{f['flags']}> mtu {f['mtu']} qdisc {f['qdisc']} state "
                f"{f['state']} mode DEFAULT group default qlen {f['qlen']}\n    link/{f['link']}\n"
                for f in ifaces
            )
        )
        return 0
    if obj in ("route", "r", "ro"):
        net = str(ctx.device.config.get("wlan_ip", "192.168.1.47")).rsplit(".", 1)[0]
        await ctx.out(
            f"{net}.0/24 dev wlan0 proto kernel scope link src {ctx.device.config.get('wlan_ip', '192.168.1.47')} \n"
        )
        return 0
    await ctx.err(f'Object "{obj}" is unknown, try "ip help".\n')
    return 255


@command("ifconfig")
async def ifconfig(ctx: CommandContext, argv: list[str]) -> int:
    names = [a for a in argv[1:] if not a.startswith("-")]
    ifaces = _interfaces(ctx)
    if names:
        ifaces = [f for f in ifaces if f["name"] == names[0]]
        if not ifaces:
            await ctx.err(
                f"ifconfig: {names[0]}: No such device\n"
                if len(names) == 1
                else "ifconfig: SIOCSIFADDR: Permission denied\n"
            )
            return 1
    out = []
    for f in ifaces:
        name = str(f["name"])
        if name == "lo":
            head = f"{name:<9} Link encap:Local Loopback \n"
        elif str(f["link"]).startswith("ether"):
            head = f"{name:<9} Link encap:Ethernet  HWaddr {str(f['link']).split()[1]}\n"
        else:
            head = f"{name:<9} Link encap:UNSPEC\n"
        out.append(head)
        for addr, brd, _scope in f["inet"]:  # type: ignore[union-attr]
            ip_, _, plen = addr.partition("/")
            bits = (0xFFFFFFFF << (32 - int(plen))) & 0xFFFFFFFF
            mask = ".".join(str((bits >> s) & 0xFF) for s in (24, 16, 8, 0))
            b = f"  Bcast:{brd}" if brd else ""
            out.append(f"          inet addr:{ip_}{b}  Mask:{mask} \n")
        for addr, scope in f["inet6"]:  # type: ignore[union-attr]
            out.append(f"          inet6 addr: {addr} Scope: {scope.capitalize()}\n")
        flags = str(f["flags"]).replace(",", " ").replace("LOWER_UP", "RUNNING")
        out.append(
            f"          {flags}  MTU:{f['mtu']}  Metric:1\n"
            "          RX packets:184920 errors:0 dropped:0 overruns:0 frame:0 \n"
            "          TX packets:97113 errors:0 dropped:0 overruns:0 carrier:0 \n"
            f"          collisions:0 txqueuelen:{f['qlen']} \n"
            "          RX bytes:214839201 TX bytes:18842102 \n\n"
        )
    await ctx.out("".join(out))
    return 0
