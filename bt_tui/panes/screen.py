"""Screen: the device's live screen drawn in the terminal, and control of it when the customer allows.

The stream (`ScreenService.open_stream`) runs in a thread worker that scales each frame for the pane and
builds everything drawing it needs there: half-block lines, or Kitty graphics escapes with their placeholder
lines (`bt_tui.panes.kitty`). It posts the result (`FrameReady`, coalesced: a slow terminal only draws the
newest), so the UI thread only swaps lines in and a key press never waits behind a frame. Sixel terminals
get textual-image's widget; terminals without graphics get half-blocks. Input goes through one queue drained
by one worker thread, so taps and keys reach the device in order without the UI thread waiting on adb.
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.message import Message
from textual.widgets import Label, Static

from bt_core.errors import NeedsGrant
from bt_tui.messages import ActionDone
from bt_tui.panes.kitty import KittyFrame, KittyPicture, cells_for, kitty_frame, next_image_id
from bt_tui.panes.picture import HalfBlockPicture, StyleCache, fit, half_block_strips
from bt_tui.work import DeviceWork, error_text

MODES = ("full", "more", "few", "bw", "video")
KEYS = {
    "enter": "ENTER",
    "backspace": "DEL",
    "delete": "FORWARD_DEL",
    "escape": "BACK",
    "tab": "TAB",
    "up": "DPAD_UP",
    "down": "DPAD_DOWN",
    "left": "DPAD_LEFT",
    "right": "DPAD_RIGHT",
    "home": "MOVE_HOME",
    "end": "MOVE_END",
    "pageup": "PAGE_UP",
    "pagedown": "PAGE_DOWN",
}
"""Terminal keys that become Android key events in control mode; printable characters (space too) are
typed, and the transcript gets one event per burst of typing (`bt_core.control.Keyboard`)."""
DRAW_MODES = ("graphics", "halfcell")
INPUT_FIRST = 0.25
"""Seconds a frame waits at most for keys and taps on their way to the device."""
SWITCH_INTERVAL = 0.001
"""Python's thread switch interval while the stream runs: a key's thread waiting for the interpreter gets
it within 1 ms of a frame thread's work instead of 5 ms (per wait: a key takes several)."""


def quicker_threads() -> None:
    """Before streaming: a 1 ms thread switch interval (`SWITCH_INTERVAL`), and Python's garbage collector
    told to leave alone what exists now (the app, its widgets, the services). A full collection walks all
    of it, 150–220 ms with every thread stopped, once every few seconds while frames churn objects; a key
    pressed then waited that long. Later collections only walk what came after (frames' objects)."""
    import gc

    if sys.getswitchinterval() > SWITCH_INTERVAL:
        sys.setswitchinterval(SWITCH_INTERVAL)
    gc.collect()
    gc.freeze()


def graphics_widget() -> type | None:
    """The widget for the terminal's graphics, as textual-image found them (asked once, before Textual):
    Kitty's (ours, encoded off the UI thread), Sixel's (textual-image's), or None for neither."""
    from textual_image.renderable import Image as AutoRenderable
    from textual_image.renderable.sixel import Image as SixelRenderable
    from textual_image.renderable.tgp import Image as TGPRenderable

    if AutoRenderable is TGPRenderable:
        return KittyPicture
    if AutoRenderable is SixelRenderable:
        from textual_image.widget import SixelImage

        return SixelImage
    return None


def scaled_frame(frame: Any, box: tuple[int, int], *, even_height: bool = False) -> Any:
    """The frame as an RGB PIL image fitted into `box` pixels, scaled once by libswscale before it is ever
    converted (a full 1080×2400 conversion costs ~7 ms and a PIL downscale ~6 ms more; this ~0.4 ms),
    then reduced to the colour mode's palette."""
    width, height = fit((frame.width, frame.height), box)
    if even_height:
        height = max(2, height - height % 2)
    small = frame.video_frame.reformat(width=width, height=height, format="rgb24", interpolation="AREA")
    return reduced(small.to_image(), frame.colors)


def reduced(image: Any, colors: int | None) -> Any:
    """The picture reduced to the colour mode's palette (2 colours: black and white)."""
    if colors == 2:
        return image.convert("1").convert("RGB")
    if colors:
        from PIL import Image

        return image.quantize(colors, method=Image.Quantize.FASTOCTREE).convert("RGB")
    return image


def cropped_frame(
    frame: Any, box: tuple[int, int], pan: tuple[int, int], *, even_height: bool = False
) -> tuple[Any, tuple[int, int, int, int]]:
    """Actual size: the part of the full-size frame that fills `box` pixels from `pan` (clamped), one frame
    pixel per picture pixel; returns the picture and the region it shows (x, y, width, height)."""
    width, height = min(box[0], frame.width), min(box[1], frame.height)
    if even_height:
        height = max(2, height - height % 2)
    x0 = max(0, min(pan[0], frame.width - width))
    y0 = max(0, min(pan[1], frame.height - height))
    image = frame.video_frame.to_image().crop((x0, y0, x0 + width, y0 + height))
    return reduced(image, frame.colors), (x0, y0, width, height)


class FrameReady(Message):
    """The newest frame, ready to paint; coalesced so a slow UI only ever draws the latest one."""

    def __init__(
        self, image: Any, index: int, strips: list[Any] | None = None, kitty: KittyFrame | None = None
    ) -> None:
        super().__init__()
        self.image = image
        self.index = index
        self.strips = strips
        """Half-block lines (None when the frame is for terminal graphics)."""
        self.kitty = kitty
        """The Kitty picture (None unless the pane draws Kitty graphics)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FrameReady)


class InputFailed(Message):
    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class StreamEnded(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class ScreenPane(DeviceWork, Vertical):
    BINDING_GROUP_TITLE = "Screen"
    BINDINGS = [
        Binding(
            "ctrl+o",
            "control",
            "Control",
            id="screen.control",
            priority=True,
            tooltip="Send clicks and keys to the device (needs the customer's control grant)",
        ),
        Binding("v", "stream", "Live", id="screen.stream", tooltip="Start or stop the live screen"),
        Binding("s", "screenshot", "Screenshot", id="screen.screenshot", tooltip="Save a full-size screenshot"),
        Binding("p", "pause", "Privacy", id="screen.pause", tooltip="Pause or resume screen sharing"),
        Binding("m", "mode", "Colours", id="screen.mode", tooltip="Next colour mode (restarts the stream)"),
        Binding("a", "actual", "Actual/scaled", id="screen.actual", tooltip="Stream at device size or scaled"),
        Binding("g", "draw", "Graphics", id="screen.draw", tooltip="Terminal graphics or half-blocks"),
        Binding("f", "fullscreen", "Full screen", id="screen.fullscreen", tooltip="Only the screen"),
        Binding("c", "camera", "Camera", id="screen.camera", tooltip="Open the device's camera"),
        Binding(
            "n",
            "annotate",
            "Annotate",
            id="screen.annotate",
            tooltip="Camera: label the last click (an arrow from the click before)",
        ),
        Binding("x", "clear", "Clear", id="screen.clear", tooltip="Camera: clear annotations"),
        Binding("y", "clip_shot", "Shot to clipboard", id="screen.clip", tooltip="Copy a screenshot (PNG)"),
        Binding("alt+h", "device_key('HOME')", "Home", id="screen.home", tooltip="Press HOME on the device"),
        Binding("alt+b", "device_key('BACK')", "Back", id="screen.back", tooltip="Press BACK on the device"),
        Binding("alt+r", "device_key('APP_SWITCH')", "Recents", id="screen.recents", tooltip="Show the recent apps"),
        Binding("alt+up", "device_key('VOLUME_UP')", "Vol+", id="screen.vol_up", tooltip="Volume up on the device"),
        Binding(
            "alt+down", "device_key('VOLUME_DOWN')", "Vol-", id="screen.vol_down", tooltip="Volume down on the device"
        ),
        Binding("alt+p", "device_key('POWER')", "Power", id="screen.power", tooltip="Press POWER on the device"),
        *[
            Binding(key, f"pan({dx}, {dy})", "Pan", id=f"screen.pan.{key}", show=False)
            for keys, dx, dy in (("left,h", -1, 0), ("right,l", 1, 0), ("up,k", 0, -1), ("down,j", 0, 1))
            for key in keys.split(",")
        ],
    ]

    def __init__(self, session_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session_id = session_id
        self.record: Any = None
        self.mode = "full"
        self.actual = False
        self.draw = "graphics"
        self.control = False
        self.camera = False
        self.clicks: list[tuple[int, int]] = []
        self.device_size: tuple[int, int] | None = None
        self.frames_drawn = 0
        self.fps = 0.0
        self._fps_window: list[float] = []
        self._stop: threading.Event | None = None
        self._target = (80, 60)
        self._cell = (10, 20)
        """A terminal cell's size in pixels (graphics mode)."""
        self._inputs: queue.Queue[Callable[[], Any]] = queue.Queue()
        self._input_worker_started = False
        self._input_idle = threading.Event()
        """Set while no input waits or is on its way to the device; frame work waits for it (briefly), so
        a key's thread never competes with a frame's for the interpreter."""
        self._input_idle.set()
        self._keyboard: Any = None
        """The `Keyboard` typing goes through; only the input worker touches it."""
        self.started = False
        self.visible = False
        """The Screen tab is shown: the stream runs only then."""
        self.want_live = True
        """The technician wants the live picture (v turns it off and on)."""
        self.pending: str | None = None
        """The access level asked of the customer and not answered yet."""
        self.pan = (0, 0)
        """Actual size: the frame pixel at the picture's top-left corner."""
        self._region: tuple[int, int, int, int, int, int] | None = None
        """What the picture shows: x, y, width, height in frame pixels, and the frame's width, height."""
        self.live: Any = None
        """The running `LiveScreen` (its `stats()` tell how many frames came in), or None."""

    @property
    def services(self) -> Any:
        return self.app.services  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Label("", id="screen-status")
        yield Static("", id="screen-hint")
        with Center(id="screen-holder"):
            yield self._image_widget()

    graphics_class: type | None = graphics_widget()
    """The widget for graphics mode: Kitty's or Sixel's picture, or None when the terminal has neither (then
    graphics mode draws half-blocks too)."""

    @property
    def half_blocks(self) -> bool:
        return self.draw == "halfcell" or self.graphics_class is None

    def _image_widget(self) -> Any:
        if self.half_blocks:
            return HalfBlockPicture(id="screen-image")
        assert self.graphics_class is not None
        return self.graphics_class(id="screen-image")

    def on_mount(self) -> None:
        self._status()

    def focus_default(self) -> None:
        self.screen.set_focus(self)

    can_focus = True

    @property
    def granted(self) -> bool:
        return self.record is not None and self.record.grant in ("view", "control") and not self.record.ended

    @property
    def running(self) -> bool:
        return self._stop is not None and not self._stop.is_set()

    def activated(self) -> None:
        """The Screen tab is shown: start the stream if the customer allows it (never without a grant)."""
        self.visible = True
        self._maybe_start()
        self._status()

    def hidden(self) -> None:
        """The Screen tab (or the session window) is no longer shown: stop screenrecord on the device."""
        self.visible = False
        if self.running:
            self.stop_stream()
            self._status()

    def _maybe_start(self) -> None:
        if self.visible and self.want_live and self.granted and not self.running and self.app.start_stream:  # type: ignore[attr-defined]
            self.start_stream()

    def record_changed(self, record: Any) -> None:
        self.record = record
        self._maybe_start()
        self._status()

    def pending_changed(self, level: str | None) -> None:
        self.pending = level
        self._status()

    # -- status line -----------------------------------------------------------------------------
    def _status(self) -> None:
        from bt_core.info_panel import GRANT_LABELS

        text = Text()
        running = self.running
        text.append(" LIVE " if running else " stopped ", style="bold reverse green" if running else "reverse")
        drawn = "half-blocks" if self.half_blocks else "graphics"
        size = "actual 1:1" if self.actual else "scaled"
        if self.actual and self._region is not None:
            size += f" at {self._region[0]},{self._region[1]} (arrows/hjkl pan)"
        text.append(f" {self.mode} · {size} · {drawn}")
        if running:
            text.append(f" · {self.fps:.0f} fps")
        if self.record is not None:
            text.append(f" · {GRANT_LABELS.get(self.record.grant, self.record.grant)}")
            if self.pending:
                asked = "view-only access" if self.pending == "view" else "full control"
                text.append(f"  ⏳ waiting for the customer to answer ({asked} asked)", style="bold yellow")
            elif not running and self.granted:
                text.append("  v shows the live screen", style="dim")
            if self.record.paused:
                text.append("  ⏸ paused for privacy", style="bold yellow")
        if self.control:
            text.append("  CONTROL: keys and clicks go to the device (Ctrl+O to stop)", style="bold red")
        if self.camera:
            text.append("  camera: click points, n to label", style="bold magenta")
        self.query_one("#screen-status", Label).update(text)
        self.query_one("#screen-hint", Static).update(self._hint())
        self.query_one("#screen-hint").display = not running

    def _hint(self) -> Text:
        """What to press, shown where the picture goes while there is none."""
        record = self.record
        if record is None:
            return Text("")
        if record.ended:
            return Text("The session has ended: no live screen.", style="dim")
        if self.pending:
            asked = "view-only access" if self.pending == "view" else "full control"
            return Text(
                f"Waiting for the customer to answer: you asked for {asked}.\n"
                "The picture appears here as soon as they allow it.",
                style="bold yellow",
            )
        if not self.granted:
            return Text(
                "The customer has not allowed screen access yet.\n"
                "Ctrl+R asks to view the screen · Ctrl+G asks for control · "
                "Ctrl+L sets it yourself (lab use)",
                style="bold",
            )
        if not self.want_live:
            return Text("The live screen is off: v turns it on.", style="dim")
        return Text("")

    # -- stream ----------------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self._measure()

    def _measure(self) -> None:
        from textual_image._terminal import get_cell_size

        holder = self.query_one("#screen-holder")
        cols, rows = max(8, holder.size.width), max(4, holder.size.height)
        if self.half_blocks:
            self._target = (cols, rows * 2)
        else:
            cell = get_cell_size()
            self._cell = (cell.width, cell.height)
            self._target = (cols * cell.width, rows * cell.height)

    @property
    def drawing(self) -> str:
        """How frames are drawn: "halfcell", "kitty", or "image" (textual-image's Sixel widget)."""
        if self.half_blocks:
            return "halfcell"
        assert self.graphics_class is not None
        return "kitty" if issubclass(self.graphics_class, KittyPicture) else "image"

    def start_stream(self) -> None:
        self.stop_stream()
        self.started = True
        self._measure()
        stop = threading.Event()
        self._stop = stop
        quicker_threads()
        screen, session_id, mode = self.services.screen, self.session_id, self.mode
        size = "actual" if self.actual else None

        def run() -> None:
            live = screen.open_stream(session_id, mode, size=size)
            self.device_size = live.config.device_size
            self.live = live
            styles = StyleCache()
            last: tuple[Any, ...] | None = None
            newest: Any = None
            view: tuple[Any, ...] = ()
            try:
                while not stop.is_set() and live.running:
                    # input first: while keys are on their way, frames wait (the newest is kept, the
                    # rest dropped); a device slow to take a key holds the picture back INPUT_FIRST at most
                    self._input_idle.wait(INPUT_FIRST)
                    frame = live.latest(timeout=0.1)
                    if frame is None:
                        # screenrecord sends nothing while the screen is still: redraw the newest frame
                        # when the technician pans or the pane changes size
                        if newest is None or view == (self.pan, self._target, self.drawing):
                            continue
                        frame = newest
                    drawing, target, cell = self.drawing, self._target, self._cell
                    newest, view = frame, (self.pan, target, drawing)
                    half_blocks = drawing == "halfcell"
                    if self.actual:
                        image, region = cropped_frame(frame, target, self.pan, even_height=half_blocks)
                    else:
                        image, region = scaled_frame(frame, target, even_height=half_blocks), None
                    self._region = (*(region or (0, 0, frame.width, frame.height)), frame.width, frame.height)
                    data = image.tobytes()
                    if last is not None and last == (drawing, image.size, data):
                        continue  # the same picture again: nothing to draw
                    last = (drawing, image.size, data)
                    if drawing == "halfcell":
                        ready = FrameReady(
                            image, frame.index, strips=half_block_strips(data, image.width, image.height, styles)
                        )
                    elif drawing == "kitty":
                        kitty = kitty_frame(data, image.size, cells_for(image.size, cell), next_image_id())
                        ready = FrameReady(image, frame.index, kitty=kitty)
                    else:
                        ready = FrameReady(image, frame.index)
                    self.post_message(ready)
                reason = "session ended" if live.ended else "stopped"
            finally:
                live.close()
            self.post_message(StreamEnded(reason))
            if live.error is not None:  # screenrecord gave up: a toast with the device's own words
                raise live.error

        self.run_worker(run, thread=True, exclusive=True, exit_on_error=False, group="stream", name="stream")
        self._status()

    def stop_stream(self) -> None:
        if self._stop is not None:
            self._stop.set()
            self._stop = None

    def worker_failed(self, group: str, error: BaseException | None) -> None:
        if group == "stream":
            self.stop_stream()
            self._status()

    @on(FrameReady)
    def frame(self, message: FrameReady) -> None:
        message.stop()
        if self._stop is None:
            return
        picture = self.query_one("#screen-image")
        if isinstance(picture, HalfBlockPicture):
            if message.strips is None:
                return  # a frame made for graphics, from before the switch
            picture.show(message.strips, message.image)
        elif isinstance(picture, KittyPicture):
            if message.kitty is None:
                return
            picture.show(message.kitty)
        elif message.strips is None and message.kitty is None:
            picture.image = message.image  # type: ignore[attr-defined]
        else:
            return
        self.frames_drawn += 1
        now = time.monotonic()
        self._fps_window = [t for t in self._fps_window if now - t < 2.0] + [now]
        self.fps = len(self._fps_window) / 2.0
        if self.frames_drawn % 10 == 0:
            self._status()

    @on(StreamEnded)
    def ended(self, message: StreamEnded) -> None:
        message.stop()
        self._status()

    # -- input -----------------------------------------------------------------------------------
    def _queue_input(self, call: Callable[[], Any]) -> None:
        if not self._input_worker_started:
            self._input_worker_started = True
            self.run_worker(self._drain_inputs, thread=True, exit_on_error=False, group="input", name="input")
        self._input_idle.clear()
        self._inputs.put(call)

    @property
    def keyboard(self) -> Any:
        if self._keyboard is None:
            self._keyboard = self.services.control.keyboard(self.session_id)
        return self._keyboard

    def _drain_inputs(self) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        keyboard = self.keyboard
        while not worker.is_cancelled:
            try:
                call = self._inputs.get(timeout=0.5)
            except queue.Empty:
                call = keyboard.flush_if_idle  # a pause in typing ends the burst in the transcript
            try:
                call()
            except Exception as error:  # one refused key must not stop the rest
                self.post_message(InputFailed(error))
            if self._inputs.empty():
                self._input_idle.set()
        self._input_idle.set()  # nothing more goes to the device from here: frames need not wait
        with contextlib.suppress(Exception):  # the pane is closing: log what was typed since the last event
            keyboard.flush()

    @on(InputFailed)
    def input_failed(self, message: InputFailed) -> None:
        message.stop()
        title, text = error_text(message.error)
        self.app.notify(text, title=title, severity="error", markup=False)
        if isinstance(message.error, NeedsGrant):
            self.control = False
            self._status()

    def on_key(self, event: events.Key) -> None:
        if not self.control or self.camera:
            return
        if event.key.startswith(("alt+", "ctrl+")):
            return  # HOME, BACK, Recents, volume, power and the session's keys are bindings
        keyboard = self.keyboard
        if event.key in KEYS:
            name = KEYS[event.key]
            self._queue_input(lambda: keyboard.press(name))
        elif event.character and event.is_printable:
            char = event.character
            self._queue_input(lambda: keyboard.type(char))
        else:
            return
        event.stop()
        event.prevent_default()

    def device_point(self, x: int, y: int) -> tuple[int, int] | None:
        """A click on the picture (cell offsets) in device pixels (the region shown, scaled or 1:1)."""
        image = self.query_one("#screen-image")
        if self.device_size is None or image.size.width == 0 or image.size.height == 0:
            return None
        w, h = self.device_size
        x0, y0, rw, rh, fw, fh = self._region or (0, 0, w, h, w, h)
        fx = x0 + (x + 0.5) * rw / image.size.width
        fy = y0 + (y + 0.5) * rh / image.size.height
        return (min(w - 1, int(fx * w / fw)), min(h - 1, int(fy * h / fh)))

    def on_click(self, event: events.Click) -> None:
        image = self.query_one("#screen-image")
        offset = event.get_content_offset(image)
        if offset is None:
            return
        point = self.device_point(offset.x, offset.y)
        if point is None:
            return
        if self.camera:
            self.clicks = (self.clicks + [point])[-2:]
            self.app.notify(f"Point {point[0]},{point[1]}", markup=False, timeout=2)
        elif self.control:
            keyboard = self.keyboard
            self._queue_input(lambda: keyboard.tap(*point))

    # -- actions ---------------------------------------------------------------------------------
    def action_control(self) -> None:
        self.control = not self.control
        if not self.control and self._input_worker_started:
            self._queue_input(self.keyboard.flush)  # leaving control mode ends the typing burst
        if self.control and self.record is not None and self.record.grant != "control":
            self.app.notify(
                "The customer has not granted control yet: Ctrl+G asks them", severity="warning", markup=False
            )
        self._status()

    def action_stream(self) -> None:
        if self.running:
            self.want_live = False
            self.stop_stream()
            self._status()
        elif not self.granted:
            self.app.notify(
                "The customer has not allowed screen viewing: Ctrl+R asks them (Ctrl+L in lab use)",
                title="Screen access needed",
                severity="warning",
                markup=False,
            )
        else:
            self.want_live = True
            self.start_stream()

    def action_screenshot(self) -> None:
        screen, session_id = self.services.screen, self.session_id
        self.run_device(
            "screenshot",
            lambda: screen.screenshot(session_id),
            lambda shot: ActionDone(
                f"Screenshot {shot.width}x{shot.height} saved to {shot.path}", ("transcript",), shot
            ),
        )

    def action_pause(self) -> None:
        screen, session_id = self.services.screen, self.session_id
        paused = self.record is not None and self.record.paused
        call = (lambda: screen.resume(session_id)) if paused else (lambda: screen.pause(session_id))
        text = "Screen sharing resumed" if paused else "Screen sharing paused: nothing is captured"
        self.run_device("pause", call, lambda record: ActionDone(text, ("transcript",), record))

    def _restart(self) -> None:
        if self._stop is not None:
            self.start_stream()
        self._status()

    def action_mode(self) -> None:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        self._restart()

    def action_actual(self) -> None:
        """1:1 (one device pixel per picture pixel, panned with arrows or hjkl) or fitted to the pane."""
        self.actual = not self.actual
        self.pan = (0, 0)
        self._region = None
        self._restart()

    def action_pan(self, dx: int, dy: int) -> None:
        """Actual size: move the viewport by half its size (clamped to the frame)."""
        if not self.actual or self._region is None:
            return
        _x0, _y0, rw, rh, fw, fh = self._region
        x0, y0 = self.pan  # (not the region drawn: a second key may come before the next frame)
        x = max(0, min(fw - rw, x0 + dx * max(1, rw // 2)))
        y = max(0, min(fh - rh, y0 + dy * max(1, rh // 2)))
        self.pan = (x, y)
        self._status()

    def action_device_key(self, name: str) -> None:
        """HOME, BACK, Recents, volume and power: a key event on the device (needs the control grant)."""
        control, session_id = self.services.control, self.session_id
        self._queue_input(lambda: control.key(session_id, name))

    def action_clip_shot(self) -> None:
        """A full-size screenshot (saved and logged as always), then its PNG on the clipboard."""
        from bt_core.clipboard import copy_png

        screen, session_id = self.services.screen, self.session_id

        def shoot() -> Any:
            shot = screen.screenshot(session_id)
            how = copy_png(shot.path.read_bytes())
            return shot, how

        self.run_device(
            "screenshot",
            shoot,
            lambda result: ActionDone(
                f"Screenshot {result[0].width}x{result[0].height} copied to the clipboard ({result[1]})",
                ("transcript",),
                result[0],
            ),
        )

    async def action_draw(self) -> None:
        self.draw = DRAW_MODES[(DRAW_MODES.index(self.draw) + 1) % len(DRAW_MODES)]
        holder = self.query_one("#screen-holder")
        await self.query_one("#screen-image").remove()
        await holder.mount(self._image_widget())
        self._measure()
        self._status()

    def action_fullscreen(self) -> None:
        self.screen.toggle_class("-fullscreen")

    def action_camera(self) -> None:
        camera, session_id = self.services.camera, self.session_id
        self.camera, self.mode, self.clicks = True, "video", []
        self.run_device(
            "camera",
            lambda: camera.open(session_id),
            lambda _r: ActionDone(
                "Camera opened: click points on the picture, n to label them", ("transcript", "camera")
            ),
        )
        self._restart()

    def action_annotate(self) -> None:
        from bt_tui.dialogs import PromptDialog

        if not self.camera or not self.clicks:
            self.app.notify("Open the camera (c) and click a point on the picture first", markup=False)
            return
        camera, session_id, clicks = self.services.camera, self.session_id, list(self.clicks)

        def labelled(text: str | None) -> None:
            from bt_core.camera import Annotations

            x, y = clicks[-1]
            arrows = ((*clicks[0], *clicks[1]),) if len(clicks) == 2 else ()
            notes = Annotations(arrows=arrows, texts=((x, y, text),) if text else ())
            if notes.empty:
                return
            self.run_device(
                "camera",
                lambda: camera.annotate(session_id, notes),
                lambda _r: ActionDone("Annotation shown on the device", ("transcript",)),
            )

        self.app.push_screen(PromptDialog("Label for the point (empty: just the arrow)"), labelled)

    def action_clear(self) -> None:
        camera, session_id = self.services.camera, self.session_id
        self.clicks = []
        self.run_device(
            "camera", lambda: camera.clear(session_id), lambda _r: ActionDone("Annotations cleared", ("transcript",))
        )

    def on_unmount(self) -> None:
        self.stop_stream()
