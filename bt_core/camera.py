"""Camera mode: the customer points the phone's camera at the problem, the technician freezes a frame,
draws on it, and the phone shows the annotated picture; clearing goes back to the live camera.

Opening the camera also switches the session's stream to Video Optimized (a moving scene wants frame
rate more than detail). Pillow is imported only inside `draw_annotations`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adb_backend import intents
from bt_core.errors import UsageError
from bt_core.events import EventKind

if TYPE_CHECKING:
    from adb_backend.device import Device
    from bt_core.models import Event
    from bt_core.services import Services

DEVICE_DIR = "/sdcard/Pictures/bt-annotations"
INK = (255, 59, 48)
HALO = (255, 255, 255)


@dataclass(frozen=True)
class Annotations:
    arrows: tuple[tuple[int, int, int, int], ...] = ()
    boxes: tuple[tuple[int, int, int, int], ...] = ()
    texts: tuple[tuple[int, int, str], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.arrows or self.boxes or self.texts)

    def to_json(self) -> dict[str, Any]:
        return {
            "arrows": [list(a) for a in self.arrows],
            "boxes": [list(b) for b in self.boxes],
            "texts": [list(t) for t in self.texts],
        }


@dataclass(frozen=True)
class Annotated:
    device_path: str
    local_path: Path
    width: int
    height: int
    annotations: Annotations = field(default_factory=Annotations)

    def to_json(self) -> dict[str, Any]:
        return {
            "device_path": self.device_path,
            "local_path": str(self.local_path),
            "width": self.width,
            "height": self.height,
            **self.annotations.to_json(),
        }


def parse_annotations(arrows: list[str], boxes: list[str], texts: list[str]) -> Annotations:
    """`X1,Y1,X2,Y2` for arrows and boxes, `X,Y,TEXT` for labels (the text may contain commas)."""

    def four(spec: str, what: str) -> tuple[int, int, int, int]:
        parts = [p.strip() for p in spec.split(",")]
        if len(parts) != 4 or not all(p.lstrip("-").isdigit() for p in parts):
            raise UsageError(f"--{what} {spec!r} must be X1,Y1,X2,Y2 in device pixels")
        return (int(parts[0]), int(parts[1]), int(parts[2]), int(parts[3]))

    labels = []
    for spec in texts:
        parts = spec.split(",", 2)
        if len(parts) != 3 or not all(p.strip().lstrip("-").isdigit() for p in parts[:2]) or not parts[2]:
            raise UsageError(f"--text {spec!r} must be X,Y,TEXT in device pixels")
        labels.append((int(parts[0]), int(parts[1]), parts[2]))
    return Annotations(tuple(four(a, "arrow") for a in arrows), tuple(four(b, "box") for b in boxes), tuple(labels))


def draw_annotations(png: bytes, notes: Annotations) -> tuple[bytes, int, int]:
    """Draw arrows, boxes and labels on a frame; thick red strokes with a white halo, sized to the frame."""
    import io
    import math

    from PIL import Image, ImageDraw, ImageFont

    image = Image.open(io.BytesIO(png)).convert("RGB")
    draw = ImageDraw.Draw(image)
    width = max(4, image.width // 120)
    for x1, y1, x2, y2 in notes.boxes:
        box = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        draw.rectangle(box, outline=HALO, width=width + 4)
        draw.rectangle(box, outline=INK, width=width)
    for x1, y1, x2, y2 in notes.arrows:
        angle = math.atan2(y2 - y1, x2 - x1)
        head = width * 5
        left = (x2 - head * math.cos(angle - 0.45), y2 - head * math.sin(angle - 0.45))
        right = (x2 - head * math.cos(angle + 0.45), y2 - head * math.sin(angle + 0.45))
        draw.line((x1, y1, x2, y2), fill=HALO, width=width + 4)
        draw.line((x1, y1, x2, y2), fill=INK, width=width)
        draw.polygon([(x2, y2), left, right], fill=INK, outline=HALO)
    size = max(16, image.height // 40)
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        font = ImageFont.load_default(size=size)
    for x, y, text in notes.texts:
        draw.text((x, y), text, fill=INK, font=font, stroke_width=max(2, size // 12), stroke_fill=HALO)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue(), image.width, image.height


class CameraService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def open(self, session_id: str | None, *, by_customer: bool = False) -> None:
        """Open the device's camera app; the session's live stream switches to Video Optimized.

        The technician needs the customer's control grant; the customer (from their page) needs none.
        """
        sessions = self.services.sessions
        if by_customer:
            record = sessions.guard(session_id)
        else:
            record = self.services.grants.require(session_id, "control")
        sessions.on_device(record, intents.open_camera)
        sessions.log(
            record,
            EventKind.CAMERA_OPENED,
            ("The customer started the camera" if by_customer else "Opened the device's camera")
            + "; the live screen switches to Video Optimized",
            {"stream_mode": "video", "by": "customer" if by_customer else sessions.me},
            actor="customer" if by_customer else None,
        )

    def request(self, session_id: str | None) -> Event:
        """Ask the customer to start their camera (InSight); the page shows a Start camera button."""
        sessions = self.services.sessions
        record = sessions.guard(session_id, "screen.view")
        return sessions.log(
            record, EventKind.CAMERA_REQUESTED, f"{sessions.me} asked the customer to start the camera", {}
        )

    def annotate(self, session_id: str | None, notes: Annotations) -> Annotated:
        """Freeze the current frame, draw on it, and show the annotated picture on the device."""
        if notes.empty:
            raise UsageError("nothing to draw: give --arrow, --box or --text")
        sessions = self.services.sessions
        record = self.services.grants.require(session_id, "control")
        png = self.services.screen.capture_png(record)
        annotated, width, height = draw_annotations(png, notes)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")[:-3]
        name = f"{record.id}-{stamp}.png"
        device_path = posixpath.join(DEVICE_DIR, name)
        local = self.services.settings.resolved_screenshots_dir() / f"annotated-{name}"
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(annotated)

        started = self.services.store.events(record.id, kinds=["session.started"], limit=1)
        sdk = started[0].data.get("sdk") if started else None  # the API level seen when the session began
        sdk = sdk if isinstance(sdk, int) else None

        def show(device: Device) -> None:
            intents.push_bytes(device, annotated, device_path)
            intents.view_image(device, device_path, sdk=sdk)

        sessions.on_device(record, show)
        result = Annotated(device_path, local, width, height, notes)
        count = len(notes.arrows) + len(notes.boxes) + len(notes.texts)
        sessions.log(
            record,
            EventKind.CAMERA_ANNOTATED,
            f"Showed an annotated frame on the device ({count} mark{'s' if count != 1 else ''}): {local}",
            result.to_json(),
        )
        return result

    def clear(self, session_id: str | None) -> Event:
        """Back to the live camera."""
        record = self.services.grants.require(session_id, "control")
        self.services.sessions.on_device(record, intents.open_camera)
        return self.services.sessions.log(
            record,
            EventKind.CAMERA_CLEARED,
            "Cleared the annotations; back to the live camera",
            {"stream_mode": "video"},
        )
