"""`cat /proc/cpuinfo`: core count, SoC/hardware name, CPU model, and per-core ARM/x86 identity."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._common import JsonMixin, lines, to_float, to_int

_LINE = re.compile(r"^([^:]+?)\s*:\s?(.*)$")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class CpuCore(JsonMixin):
    processor: int
    model_name: str | None = None
    bogomips: float | None = None
    features: tuple[str, ...] = ()
    cpu_implementer: str | None = None
    cpu_architecture: str | None = None
    cpu_variant: str | None = None
    cpu_part: str | None = None
    cpu_revision: str | None = None


@dataclass(frozen=True)
class ProcCpuinfo(JsonMixin):
    processors: int = 0
    hardware: str | None = None
    model_name: str | None = None
    """'model name' (arm64, x86) or the legacy single 'Processor' line of 32-bit ARM kernels."""
    bogomips: float | None = None
    features: tuple[str, ...] = ()
    revision: str | None = None
    serial: str | None = None
    cores: tuple[CpuCore, ...] = ()


def _core(number: int, values: dict[str, str], shared: dict[str, str]) -> CpuCore:
    def get(key: str) -> str | None:
        return values.get(key, shared.get(key))

    features = get("features") or get("flags") or ""
    return CpuCore(
        processor=number,
        model_name=get("model_name"),
        bogomips=to_float(get("bogomips")),
        features=tuple(features.split()),
        cpu_implementer=get("cpu_implementer"),
        cpu_architecture=get("cpu_architecture"),
        cpu_variant=get("cpu_variant"),
        cpu_part=get("cpu_part"),
        cpu_revision=get("cpu_revision"),
    )


def parse_proc_cpuinfo(text: str) -> ProcCpuinfo:
    """Parse /proc/cpuinfo; keys outside a `processor` block (legacy ARMv7, Hardware trailer) apply to all."""
    blocks: list[tuple[int, dict[str, str]]] = []
    shared: dict[str, str] = {}
    current: dict[str, str] | None = None
    for line in lines(text):
        if not line.strip():
            current = None
            continue
        match = _LINE.match(line)
        if not match:
            continue
        key, value = _NON_WORD.sub("_", match.group(1).strip().lower()).strip("_"), match.group(2).strip()
        if match.group(1).strip() == "processor":
            number = to_int(value)
            if number is None:
                continue
            current = {}
            blocks.append((number, current))
        elif current is not None:
            current.setdefault(key, value)
        else:
            shared.setdefault(key, value)
    legacy_model = shared.get("processor")  # 'Processor : ARMv7 Processor rev 9 (v7l)'
    if legacy_model and "model_name" not in shared:
        shared["model_name"] = legacy_model
    cores = tuple(_core(number, values, shared) for number, values in blocks)
    first = cores[0] if cores else None
    bogomips = to_float(shared.get("bogomips")) or (first.bogomips if first else None)
    features = shared.get("features") or shared.get("flags")
    return ProcCpuinfo(
        processors=len(cores),
        hardware=shared.get("hardware") or (blocks[0][1].get("hardware") if blocks else None),
        model_name=shared.get("model_name") or (first.model_name if first else None),
        bogomips=bogomips,
        features=tuple(features.split()) if features else (first.features if first else ()),
        revision=shared.get("revision"),
        serial=shared.get("serial"),
        cores=cores,
    )
