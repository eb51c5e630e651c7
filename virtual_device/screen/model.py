"""ScreenModel: what the phone shows, changed by input/am/notification commands, read by the renderer.

The model is plain state behind a lock. Commands mutate it from the asyncio loop; the renderer takes an
immutable `ScreenSnapshot` (possibly from a worker thread). Every change bumps `version` and wakes
`wait_changed` waiters, which is how screenrecord knows a new frame is worth encoding.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import quote_plus

HEADS_UP_SECONDS = 5.0
"""How long a posted notification stays as a heads-up card before it moves to the shade."""
TOUCH_SECONDS = 0.5
"""How long a tap ripple or swipe trail stays visible."""

LAUNCHER = ("com.google.android.apps.nexuslauncher", "com.google.android.apps.nexuslauncher.NexusLauncherActivity")
BROWSER = ("com.android.chrome", "com.google.android.apps.chrome.Main")
CAMERA = ("com.google.android.GoogleCamera", "com.android.camera.CameraLauncher")
PHOTOS = ("com.google.android.apps.photos", "com.google.android.apps.photos.home.HomeActivity")
RECENTS = ("com.google.android.apps.nexuslauncher", "com.android.quickstep.RecentsActivity")

KEY_HOME, KEY_BACK, KEY_ENTER, KEY_DEL, KEY_POWER, KEY_APP_SWITCH = 3, 4, 66, 67, 26, 187
KEY_SLEEP, KEY_WAKEUP = 223, 224


@dataclass(frozen=True)
class Notification:
    tag: str
    title: str
    text: str
    package: str
    posted_at: float  # time.monotonic()
    when: float  # device clock, epoch seconds
    importance: int = 4  # NotificationManager.IMPORTANCE_HIGH pops up as a heads-up card; lower ones do not


@dataclass(frozen=True)
class Touch:
    """A tap (one point) or a swipe (start and end) the renderer shows for TOUCH_SECONDS."""

    points: tuple[tuple[int, int], ...]
    at: float  # time.monotonic()
    duration: float = 0.0


@dataclass(frozen=True)
class Page:
    """One entry of the back stack: what fills the screen below the status bar."""

    kind: str  # "home" | "browser" | "app" | "camera" | "image" | "recents"
    package: str
    activity: str
    url: str = ""
    image_path: str = ""
    text: str = ""  # the page's text field
    focused: bool = False


@dataclass(frozen=True)
class ScreenSnapshot:
    """Everything a frame depends on, copied under the lock."""

    version: int
    width: int
    height: int
    density: int
    screen_on: bool
    page: Page
    recents: tuple[Page, ...]
    notifications: tuple[Notification, ...]
    touches: tuple[Touch, ...]
    shade_open: bool
    battery_level: int
    charging: bool
    wifi: bool
    clock: float  # device time, epoch seconds
    image: object | None = None  # PIL image for the image viewer (already decoded)
    extra: dict = field(default_factory=dict)


def _home() -> Page:
    return Page("home", *LAUNCHER)


class ScreenModel:
    """The phone's screen state. Thread-safe; `wait_changed` is awaitable from any event loop."""

    def __init__(
        self,
        width: int = 1080,
        height: int = 2400,
        density: int = 420,
        read_file: Callable[[str], bytes] | None = None,
        clock: Callable[[], float] | None = None,
        battery: Callable[[], tuple[int, bool]] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._width, self._height, self._density = width, height, density
        self._read_file = read_file
        self._clock = clock or time.time
        self._battery = battery
        self.battery_level = 85
        self.charging = False
        self.wifi = True
        self._frame_timestamps = False
        self._version = 0
        self._screen_on = True
        self._stack: list[Page] = [_home()]
        self._recents: list[Page] = []
        self._notifications: dict[str, Notification] = {}
        self._touches: list[Touch] = []
        self._shade_open = False
        self._image_cache: tuple[str, object] | None = None
        self._renderer: tuple[tuple[int, int, int], object] | None = None
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    # -- read side -------------------------------------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        return (self._width, self._height)

    @property
    def density(self) -> int:
        return self._density

    @property
    def version(self) -> int:
        return self._version

    @property
    def foreground(self) -> tuple[str, str]:
        with self._lock:
            page = self._stack[-1]
            return (page.package, page.activity)

    @property
    def text_field(self) -> str:
        with self._lock:
            return self._stack[-1].text

    @property
    def screen_on(self) -> bool:
        return self._screen_on

    @property
    def notifications(self) -> list[Notification]:
        with self._lock:
            return list(self._notifications.values())

    @property
    def frame_timestamps(self) -> bool:
        """When on, frames carry a timestamp strip and the screen counts as changing every frame."""
        return self._frame_timestamps

    @frame_timestamps.setter
    def frame_timestamps(self, value: bool) -> None:
        with self._lock:
            self._frame_timestamps = bool(value)
            self._changed()

    def animating(self, now: float | None = None) -> bool:
        """True while something moves without a state change (ripples, slide-ins, camera, timestamps)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if not self._screen_on:
                return False
            if self._frame_timestamps or self._stack[-1].kind == "camera":
                return True
            if any(now - t.at < t.duration + TOUCH_SECONDS for t in self._touches):
                return True
            return any(0 <= now - n.posted_at < 0.3 for n in self._notifications.values()) or any(
                HEADS_UP_SECONDS <= now - n.posted_at < HEADS_UP_SECONDS + 0.3 for n in self._notifications.values()
            )

    def snapshot(self) -> ScreenSnapshot:
        now = time.monotonic()
        with self._lock:
            self._touches = [t for t in self._touches if now - t.at < t.duration + TOUCH_SECONDS]
            if self._battery is not None:
                self.battery_level, self.charging = self._battery()
            page = self._stack[-1]
            image = None
            if page.kind == "image":
                image = self._load_image(page.image_path)
            return ScreenSnapshot(
                version=self._version,
                width=self._width,
                height=self._height,
                density=self._density,
                screen_on=self._screen_on,
                page=page,
                recents=tuple(self._recents[-4:]),
                notifications=tuple(sorted(self._notifications.values(), key=lambda n: -n.posted_at)),
                touches=tuple(self._touches),
                shade_open=self._shade_open,
                battery_level=self.battery_level,
                charging=self.charging,
                wifi=self.wifi,
                clock=self._clock(),
                image=image,
                extra={"frame_timestamps": self._frame_timestamps},
            )

    def render(self, timestamps: bool | None = None):
        """A PIL RGB image of the screen now (safe from worker threads); renderer cached per size."""
        from virtual_device.screen.renderer import Renderer

        snap = self.snapshot()
        key = (snap.width, snap.height, snap.density)
        with self._lock:
            renderer = self._renderer if self._renderer and self._renderer[0] == key else None
            if renderer is None:
                self._renderer = renderer = (key, Renderer(*key))
        return renderer[1].render(snap, timestamps=timestamps)

    async def wait_changed(self, version: int, timeout: float | None = None) -> int:
        """Wait until `version` is stale (or `timeout` passes); return the current version."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._version != version:
                return self._version
            future: asyncio.Future[None] = loop.create_future()
            entry = (loop, future)
            self._waiters.append(entry)
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            pass
        finally:
            with self._lock:
                if entry in self._waiters:
                    self._waiters.remove(entry)
        return self._version

    # -- write side ------------------------------------------------------------------------------
    def _changed(self) -> None:
        """Bump the version and wake waiters; call with the lock held."""
        self._version += 1
        waiters, self._waiters = self._waiters, []
        for loop, future in waiters:
            try:
                loop.call_soon_threadsafe(_resolve, future)
            except RuntimeError:  # that loop is closed
                pass

    def _push(self, page: Page) -> None:
        self._screen_on = True
        self._shade_open = False
        top = self._stack[-1]
        if top.kind != "home" and top not in self._recents:
            self._recents = [p for p in self._recents if p.package != top.package] + [top]
        if page.kind == "home":
            self._stack = [page]
        else:
            self._stack.append(page)
        self._changed()

    def set_size(self, width: int, height: int) -> None:
        """`wm size WxH` (and `wm size reset`) land here."""
        with self._lock:
            self._width, self._height = width, height
            self._changed()

    def set_density(self, density: int) -> None:
        with self._lock:
            self._density = density
            self._changed()

    def post_notification(
        self, tag: str, title: str, text: str, package: str = "com.android.shell", importance: int = 4
    ) -> None:
        with self._lock:
            self._notifications[tag] = Notification(
                tag, title, text, package, time.monotonic(), self._clock(), importance
            )
            self._changed()

    def cancel_notification(self, tag: str) -> None:
        with self._lock:
            if self._notifications.pop(tag, None) is not None:
                self._changed()

    def open_url(self, url: str) -> None:
        with self._lock:
            self._push(Page("browser", *BROWSER, url=url))

    def open_activity(self, package: str, activity: str) -> None:
        with self._lock:
            if (package, activity) == LAUNCHER:
                self._push(_home())
            elif package == CAMERA[0]:
                self._push(Page("camera", package, activity))
            elif package == BROWSER[0]:
                self._push(Page("browser", package, activity, url="https://www.google.com/"))
            else:
                self._push(Page("app", package, activity))

    def open_camera(self) -> None:
        with self._lock:
            self._push(Page("camera", *CAMERA))

    def show_image(self, device_path: str) -> None:
        with self._lock:
            self._image_cache = None
            self._push(Page("image", *PHOTOS, image_path=device_path))

    def go_home(self) -> None:
        with self._lock:
            self._push(_home())

    def tap(self, x: int, y: int) -> None:
        from virtual_device.screen import layout

        with self._lock:
            self._screen_on = True
            self._touches.append(Touch(((int(x), int(y)),), time.monotonic()))
            hit = layout.hit_test(self._stack[-1], self._width, self._height, self._density, x, y)
            if self._shade_open:
                self._shade_open = False
            elif hit and hit[0] == "app":
                package, activity = hit[1], hit[2]
                self._changed()
                self.open_activity(package, activity)
                return
            elif hit and hit[0] == "field":
                self._stack[-1] = replace(self._stack[-1], focused=True)
            elif hit and hit[0] == "outside" and self._stack[-1].focused:
                self._stack[-1] = replace(self._stack[-1], focused=False)
            self._changed()

    def swipe(self, x1: int, y1: int, x2: int, y2: int, ms: int | None = None) -> None:
        duration = (ms if ms is not None else 300) / 1000.0
        with self._lock:
            self._screen_on = True
            self._touches.append(Touch(((int(x1), int(y1)), (int(x2), int(y2))), time.monotonic(), duration))
            top_band = self._height * 0.06
            if y1 <= top_band and y2 - y1 > self._height * 0.1:
                self._shade_open = True
            elif self._shade_open and y1 - y2 > self._height * 0.1:
                self._shade_open = False
            self._changed()

    def type_text(self, text: str) -> None:
        with self._lock:
            self._screen_on = True
            page = self._stack[-1]
            self._stack[-1] = replace(page, text=page.text + text, focused=True)
            self._changed()

    def key(self, keycode: int) -> None:
        with self._lock:
            if keycode == KEY_POWER:
                self._screen_on = not self._screen_on
            elif keycode == KEY_SLEEP:
                self._screen_on = False
            elif keycode == KEY_WAKEUP:
                self._screen_on = True
            elif not self._screen_on:
                self._screen_on = True  # most keys wake the screen
            elif keycode == KEY_HOME:
                self._push(_home())
                return
            elif keycode == KEY_BACK:
                self._back()
            elif keycode == KEY_APP_SWITCH:
                if self._stack[-1].kind == "recents":
                    self._back()
                else:
                    self._push(Page("recents", *RECENTS))
                    return
            elif keycode == KEY_DEL:
                page = self._stack[-1]
                self._stack[-1] = replace(page, text=page.text[:-1], focused=True)
            elif keycode == KEY_ENTER:
                self._enter()
                return
            self._changed()

    def _back(self) -> None:
        page = self._stack[-1]
        if self._shade_open:
            self._shade_open = False
        elif page.focused:
            self._stack[-1] = replace(page, focused=False)
        elif len(self._stack) > 1:
            self._stack.pop()

    def _enter(self) -> None:
        """ENTER in the launcher search bar or the browser's address bar navigates, like Chrome."""
        page = self._stack[-1]
        query = page.text.strip()
        if page.kind in ("home", "browser") and page.focused and query:
            url = query if "://" in query else f"https://www.google.com/search?q={quote_plus(query)}"
            self._stack[-1] = replace(page, text="", focused=False)
            self._push(Page("browser", *BROWSER, url=url))
        else:
            self._changed()

    def reset(self) -> None:
        """A reboot: back to the home screen, notifications gone, screen on."""
        with self._lock:
            self._stack = [_home()]
            self._recents = []
            self._notifications.clear()
            self._touches.clear()
            self._shade_open = False
            self._screen_on = True
            self._changed()

    def _load_image(self, path: str) -> object | None:
        if self._image_cache and self._image_cache[0] == path:
            return self._image_cache[1]
        image = None
        if self._read_file is not None:
            import io

            from PIL import Image

            try:
                image = Image.open(io.BytesIO(self._read_file(path)))
                image.load()
                image = image.convert("RGB")
            except Exception:  # unreadable or not an image: the viewer says so
                image = None
        self._image_cache = (path, image)
        return image


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
