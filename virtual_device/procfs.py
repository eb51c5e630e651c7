"""/proc: generated, read-only files in the real kernel formats, computed from the device state on each read.

Nothing is stored on disk: VirtualFS asks this provider about every path under /proc. The per-pid
directories come from the process table, so a killed process's /proc/<pid> is gone at once, and
uptime/stat follow the device's boot time (which a reboot resets).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from virtual_device import memory

if TYPE_CHECKING:
    from virtual_device.device import DeviceState, Process

#: Kernel of the default profile (the same string `uname -a` prints).
KERNEL_RELEASE = "5.15.110-android14-11-gcc48824eebe8-ab11225181"
KERNEL_VERSION = "#1 SMP PREEMPT Wed Dec 20 08:14:05 UTC 2023"
COMPILER = (
    "(Android (10087095, +pgo, +bolt, +lto, -mlgo, based on r487747c) clang version 17.0.2 "
    "(https://android.googlesource.com/toolchain/llvm-project d9f89f4d16663d5012e5c09495f3b30ece3d2362), "
    "LLD 17.0.2)"
)
#: Tensor G3: 4x Cortex-A510 (0xd46), 4x Cortex-A715 (0xd4d), 1x Cortex-X3 (0xd4e).
CORES = [("0x1", "0xd46", "1")] * 4 + [("0x1", "0xd4d", "0")] * 4 + [("0x1", "0xd4e", "0")]
FEATURES = (
    "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma lrcpc dcpop "
    "sha3 sm3 sm4 asimddp sha512 sve asimdfhm dit uscat ilrcpc flagm sb paca pacg dcpodp sve2 sveaes "
    "svepmull svebitperm svesha3 svesm4 flagm2 frint svei8mm svebf16 i8mm bti"
)
TOP_FILES = (
    "cmdline", "cpuinfo", "filesystems", "loadavg", "meminfo", "mounts", "stat", "swaps", "uptime", "version",
)  # fmt: skip
PID_FILES = ("cmdline", "comm", "stat", "status")
CLOCK_TICKS = 100
_STATES = {"R": "R (running)", "S": "S (sleeping)", "D": "D (disk sleep)", "T": "T (stopped)", "Z": "Z (zombie)"}


@dataclass(frozen=True)
class ProcEntry:
    """What stat() says of a /proc path."""

    is_dir: bool
    uid: int = 0
    gid: int = 0
    mtime: float = 0.0


class ProcFiles:
    """The /proc provider VirtualFS consults (paths relative to /proc, e.g. "meminfo", "1234/status")."""

    def __init__(self, device: DeviceState) -> None:
        self.device = device

    # -- tree ------------------------------------------------------------------------------------
    def _process(self, name: str) -> Process | None:
        return self.device.processes.get(int(name)) if name.isdigit() else None

    def entry(self, rel: str) -> ProcEntry | None:
        parts = rel.split("/")
        boot = self.device.boot_time
        if len(parts) == 1:
            if parts[0] in TOP_FILES:
                return ProcEntry(False, mtime=boot)
            proc = self._process(parts[0])
            return ProcEntry(True, proc.uid, proc.uid, proc.started) if proc else None
        if len(parts) == 2:
            proc = self._process(parts[0])
            if proc is not None and parts[1] in PID_FILES:
                return ProcEntry(False, proc.uid, proc.uid, proc.started)
        return None

    def listdir(self, rel: str) -> list[str] | None:
        if rel == "":
            return [str(p.pid) for p in self.device.processes.all()] + list(TOP_FILES)
        if self._process(rel) is not None:
            return list(PID_FILES)
        return None

    def read(self, rel: str) -> bytes | None:
        """The file's contents now, or None when there is no such file."""
        parts = rel.split("/")
        if len(parts) == 1 and parts[0] in TOP_FILES:
            return getattr(self, "_" + parts[0])().encode()
        if len(parts) == 2 and parts[1] in PID_FILES:
            proc = self._process(parts[0])
            if proc is not None:
                return getattr(self, "_pid_" + parts[1])(proc)
        return None

    # -- system-wide files -------------------------------------------------------------------------
    def _uptime(self) -> str:
        up = self.device.uptime()
        return f"{up:.2f} {up * len(CORES) * 0.83:.2f}\n"

    def _meminfo(self) -> str:
        return memory.proc_meminfo(memory.snapshot(self.device))

    def _cpuinfo(self) -> str:
        blocks = []
        for i, (variant, part, revision) in enumerate(CORES):
            blocks.append(
                f"processor\t: {i}\nBogoMIPS\t: 49.15\nFeatures\t: {FEATURES}\nCPU implementer\t: 0x41\n"
                f"CPU architecture: 8\nCPU variant\t: {variant}\nCPU part\t: {part}\nCPU revision\t: {revision}\n\n"
            )
        return "".join(blocks)

    def _loadavg(self) -> str:
        procs = self.device.processes.all()
        running = max(1, sum(1 for p in procs if p.state == "R"))
        threads = len(procs) * 37 + 1_400
        last = max((p.pid for p in procs), default=1)
        return f"2.61 2.48 2.35 {running}/{threads} {last}\n"

    def _version(self) -> str:
        return f"Linux version {KERNEL_RELEASE} (build-user@build-host) {COMPILER} {KERNEL_VERSION}\n"

    def _cmdline(self) -> str:
        serial = self.device.props.get("ro.serialno", "")
        return (
            f"stack_depot_disable=on kasan.stacktrace=off cgroup_disable=pressure ioremap_guard panic=-1 "
            f"bootconfig androidboot.serialno={serial} androidboot.hardware.platform=gs301 "
            "androidboot.verifiedbootstate=green androidboot.slot_suffix=_a\n"
        )

    def _stat(self) -> str:
        up = self.device.uptime()
        ticks = int(up * CLOCK_TICKS)
        lines = []
        total = [0] * 10
        for i in range(len(CORES)):
            busy = 0.04 + 0.01 * (i % 4)
            user, system = int(ticks * busy * 0.7), int(ticks * busy * 0.3)
            idle = ticks - user - system
            row = [
                user,
                int(ticks * 0.001),
                system,
                idle,
                int(ticks * 0.0005),
                int(ticks * 0.002),
                int(ticks * 0.0008),
                0,
                0,
                0,
            ]
            total = [a + b for a, b in zip(total, row, strict=True)]
            lines.append(f"cpu{i} " + " ".join(map(str, row)))
        procs = self.device.processes.all()
        running = max(1, sum(1 for p in procs if p.state == "R"))
        head = "cpu  " + " ".join(map(str, total))
        return (
            "\n".join([head, *lines])
            + f"\nintr {ticks * 212} 0 0 0\nctxt {ticks * 1_480}\nbtime {int(self.device.boot_time)}\n"
            f"processes {max((p.pid for p in procs), default=1) + 120}\nprocs_running {running}\n"
            f"procs_blocked 0\nsoftirq {ticks * 41} 0 {ticks * 9} 0 {ticks * 3} 0 0 {ticks * 2} {ticks * 14} 0 "
            f"{ticks * 13}\n"
        )

    def _filesystems(self) -> str:
        names = [
            "sysfs",
            "tmpfs",
            "bdev",
            "proc",
            "cgroup",
            "cgroup2",
            "devtmpfs",
            "debugfs",
            "tracefs",
            "sockfs",
            "pipefs",
            "devpts",
            "pstore",
            "selinuxfs",
            "functionfs",
            "binder",
            "fuse",
            "fusectl",
        ]
        rows = [f"nodev\t{n}" for n in names]
        return "\n".join(rows) + "\n\text4\n\tvfat\n\tf2fs\n\terofs\n"

    def _mounts(self) -> str:
        rows = ["rootfs / rootfs ro,seclabel 0 0"]
        for m in self.device.fs.mounts():
            if m.target == "/":
                continue
            opts = "ro,seclabel,relatime" if m.readonly else "rw,seclabel,nosuid,nodev,noatime"
            rows.append(f"{m.source} {m.target} {m.fstype} {opts} 0 0")
        rows.append("proc /proc proc rw,relatime,gid=3009,hidepid=invisible 0 0")
        return "\n".join(rows) + "\n"

    def _swaps(self) -> str:
        mem = memory.snapshot(self.device)
        return (
            "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
            f"/dev/block/zram0                       partition\t{mem.swap_total}\t\t{mem.swap_used}\t\t-2\n"
        )

    # -- per-process files -------------------------------------------------------------------------
    @staticmethod
    def _pid_cmdline(proc: Process) -> bytes:
        if proc.vsz == 0 and proc.uid == 0:
            return b""  # kernel threads have an empty command line
        args = (proc.args or proc.name).split(" ")
        return "\0".join(args).encode() + b"\0"

    @staticmethod
    def _pid_comm(proc: Process) -> bytes:
        return proc.name.rsplit("/", 1)[-1][:15].encode() + b"\n"

    def _pid_stat(self, proc: Process) -> bytes:
        start = int((proc.started - self.device.boot_time) * CLOCK_TICKS)
        utime, stime = (proc.rss % 997) * 60, (proc.pid % 13) * 25
        fields = [
            proc.pid, f"({proc.name.rsplit('/', 1)[-1][:15]})", proc.state, proc.ppid, proc.pid, 0, 0, -1,
            4194624, 41_000, 0, 1_200, 0, utime, stime, 0, 0, 20, 0, 1 + proc.rss // 10_000, 0, max(0, start),
            proc.vsz * 1024, proc.rss // 4, "18446744073709551615",
        ]  # fmt: skip
        fields += [0] * 27
        return (" ".join(map(str, fields)) + "\n").encode()

    def _pid_status(self, proc: Process) -> bytes:
        name = proc.name.rsplit("/", 1)[-1][:15]
        threads = 1 if proc.vsz == 0 else 14 + proc.rss // 8_000
        uid = proc.uid
        mem = (
            ""
            if proc.vsz == 0
            else (
                f"VmPeak:\t{proc.vsz + 65_536:8d} kB\nVmSize:\t{proc.vsz:8d} kB\nVmLck:\t       0 kB\n"
                f"VmPin:\t       0 kB\nVmHWM:\t{proc.rss + 4_096:8d} kB\nVmRSS:\t{proc.rss:8d} kB\n"
                f"RssAnon:\t{proc.rss * 4 // 10:8d} kB\nRssFile:\t{proc.rss * 55 // 100:8d} kB\n"
                f"RssShmem:\t{proc.rss - proc.rss * 4 // 10 - proc.rss * 55 // 100:8d} kB\n"
                f"VmData:\t{proc.vsz // 40:8d} kB\nVmStk:\t     132 kB\nVmExe:\t      24 kB\nVmLib:\t  168452 kB\n"
                f"VmPTE:\t{proc.rss // 60:8d} kB\nVmSwap:\t{proc.rss // 20:8d} kB\n"
                "CoreDumping:\t0\nTHP_enabled:\t1\n"
            )
        )
        text = (
            f"Name:\t{name}\nUmask:\t0077\nState:\t{_STATES.get(proc.state, 'S (sleeping)')}\nTgid:\t{proc.pid}\n"
            f"Ngid:\t0\nPid:\t{proc.pid}\nPPid:\t{proc.ppid}\nTracerPid:\t0\n"
            f"Uid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t{uid}\t{uid}\t{uid}\t{uid}\nFDSize:\t128\n"
            f"Groups:\t{'3003 9997' if uid >= 10000 else '1004 1007 1011 1015 1028 3001 3002 3003 3006 3009'}\n"
            f"{mem}Threads:\t{threads}\nSigQ:\t0/29408\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
            "SigBlk:\t0000000080001204\nSigIgn:\t0000000000000001\nSigCgt:\t0000006e400084f8\n"
            "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
            "CapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t2\n"
            "Seccomp_filters:\t1\nSpeculation_Store_Bypass:\tthread vulnerable\n"
            "SpeculationIndirectBranch:\tunknown\nCpus_allowed:\t1ff\nCpus_allowed_list:\t0-8\n"
            "Mems_allowed:\t1\nMems_allowed_list:\t0\nvoluntary_ctxt_switches:\t"
            f"{proc.rss * 3 + proc.pid}\nnonvoluntary_ctxt_switches:\t{proc.pid % 977}\n"
        )
        return text.encode()
