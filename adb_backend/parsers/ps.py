"""`ps`: toybox (Android 8+, `ps -A`, `-o` custom columns, `-T -Z -O ...`) and the old toolbox layout."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._common import JsonMixin, lines, to_float, to_int

# Header name -> our field. Columns we do not know are read (to keep positions) and dropped.
_ALIASES = {
    "USER": "user", "UID": "uid", "PID": "pid", "PPID": "ppid", "TID": "tid",
    "VSZ": "vsz_kb", "VSIZE": "vsz_kb", "VSS": "vsz_kb", "RSS": "rss_kb", "RES": "rss_kb",
    "WCHAN": "wchan", "S": "state", "STAT": "state", "LABEL": "label", "PCY": "policy",
    "%CPU": "cpu_percent", "CPU%": "cpu_percent", "%MEM": "mem_percent",
    "NAME": "name", "CMD": "name", "COMM": "name", "ARGS": "name", "CMDLINE": "name", "COMMAND": "name",
}  # fmt: skip
# libcutils sched policy names; SP_SYSTEM prints as blanks, which leaves the cell empty.
_POLICIES = {"bg", "fg", "ta", "rt", "aa", "as", "rs", "sy", "un", "tp", "fc"}
_STATES = set("RSDZTtWXxKPIL")
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class ProcessRow(JsonMixin):
    user: str | None
    pid: int
    ppid: int | None = None
    vsz_kb: int | None = None
    rss_kb: int | None = None
    wchan: str | None = None
    state: str | None = None
    name: str | None = None
    tid: int | None = None
    label: str | None = None
    policy: str | None = None
    cpu_percent: float | None = None
    mem_percent: float | None = None


def _header(line: str) -> list[str] | None:
    tokens = line.split()
    upper = [t.upper() for t in tokens]
    if "PID" not in upper or len(tokens) < 2:
        return None
    if any(t.isdigit() for t in tokens):
        return None
    columns = list(upper)
    if "MOUNTED" in columns:  # not ps
        return None
    # Old toolbox prints the state letter between PC and NAME without a header for it.
    if "PC" in columns and "S" not in columns and columns[-1] == "NAME":
        columns.insert(len(columns) - 1, "S")
    return columns


def _accepts(column: str, token: str) -> bool:
    if column == "PCY":
        return token in _POLICIES
    if column in ("S",):
        return len(token) <= 2 and token[0] in _STATES
    return True


def _row(columns: list[str], line: str) -> ProcessRow | None:
    tokens = list(_TOKEN.finditer(line))
    values: dict[str, str] = {}
    index = 0
    for column in columns[:-1]:
        if index >= len(tokens):
            break
        token = tokens[index].group()
        if not _accepts(column, token):
            continue  # an empty cell (PCY of system processes, missing state)
        values[column] = token
        index += 1
    if index < len(tokens):
        values[columns[-1]] = line[tokens[index].start() :].rstrip()
    fields: dict[str, str] = {}
    for column, value in values.items():
        name = _ALIASES.get(column)
        if name and name not in fields:
            fields[name] = value
    pid = to_int(fields.get("pid"))
    if pid is None or not fields.get("pid", "").isdigit():
        return None
    return ProcessRow(
        user=fields.get("user") or fields.get("uid"),
        pid=pid,
        ppid=to_int(fields.get("ppid")),
        vsz_kb=to_int(fields.get("vsz_kb")),
        rss_kb=to_int(fields.get("rss_kb")),
        wchan=fields.get("wchan"),
        state=fields.get("state"),
        name=fields.get("name"),
        tid=to_int(fields.get("tid")),
        label=fields.get("label"),
        policy=fields.get("policy"),
        cpu_percent=to_float(fields.get("cpu_percent")),
        mem_percent=to_float(fields.get("mem_percent")),
    )


def parse_ps(text: str) -> list[ProcessRow]:
    """Parse `ps` output by its header; the last column (NAME/CMD/ARGS) may hold spaces.

    A capture without a header is read as the toybox default layout
    (USER PID PPID VSZ RSS WCHAN ADDR S NAME).
    """
    columns: list[str] | None = None
    rows: list[ProcessRow] = []
    for line in lines(text):
        if not line.strip():
            continue
        header = _header(line)
        if header is not None:
            columns = header
            continue
        row = _row(columns or ["USER", "PID", "PPID", "VSZ", "RSS", "WCHAN", "ADDR", "S", "NAME"], line)
        if row is not None:
            rows.append(row)
    return rows
