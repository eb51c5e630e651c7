"""Geometry shared by the renderer (where to draw) and the model (what a tap hits).

Sizes are in dp scaled by density/160, like Android's own layouts, so another profile's screen looks
the same, only sharper or coarser.
"""

from __future__ import annotations

from dataclasses import dataclass

# (label, package, launch activity, icon colour) — the launcher's grid and dock.
GRID_APPS: tuple[tuple[str, str, str, tuple[int, int, int]], ...] = (
    ("Gmail", "com.google.android.gm", "com.google.android.gm.ConversationListActivityGmail", (234, 67, 53)),
    ("Maps", "com.google.android.apps.maps", "com.google.android.maps.MapsActivity", (52, 168, 83)),
    ("Photos", "com.google.android.apps.photos", "com.google.android.apps.photos.home.HomeActivity", (251, 188, 4)),
    (
        "YouTube",
        "com.google.android.youtube",
        "com.google.android.youtube.app.honeycomb.Shell$HomeActivity",
        (255, 0, 0),
    ),
    ("Play Store", "com.android.vending", "com.android.vending.AssetBrowserActivity", (1, 135, 95)),
    ("Settings", "com.android.settings", "com.android.settings.Settings", (95, 99, 104)),
    ("Clock", "com.google.android.deskclock", "com.android.deskclock.DeskClock", (66, 133, 244)),
    ("Calendar", "com.google.android.calendar", "com.android.calendar.AllInOneActivity", (26, 115, 232)),
)
DOCK_APPS: tuple[tuple[str, str, str, tuple[int, int, int]], ...] = (
    (
        "Phone",
        "com.google.android.dialer",
        "com.google.android.dialer.extensions.GoogleDialtactsActivity",
        (26, 115, 232),
    ),
    (
        "Messages",
        "com.google.android.apps.messaging",
        "com.google.android.apps.messaging.ui.ConversationListActivity",
        (11, 87, 208),
    ),
    ("Chrome", "com.android.chrome", "com.google.android.apps.chrome.Main", (219, 68, 55)),
    ("Camera", "com.google.android.GoogleCamera", "com.android.camera.CameraLauncher", (60, 64, 67)),
)
KNOWN_LABELS = {pkg: label for label, pkg, _, _ in GRID_APPS + DOCK_APPS} | {
    "com.android.shell": "Shell",
    "android": "Android System",
    "com.android.systemui": "System UI",
}


def app_label(package: str) -> str:
    """The label a launcher would show for a package (known apps, else the last name part)."""
    if package in KNOWN_LABELS:
        return KNOWN_LABELS[package]
    return package.rsplit(".", 1)[-1].replace("_", " ").title() or package


def app_colour(package: str) -> tuple[int, int, int]:
    for _, pkg, _, colour in GRID_APPS + DOCK_APPS:
        if pkg == package:
            return colour
    h = sum(package.encode()) * 2654435761 & 0xFFFFFF
    return (64 + (h & 0x7F), 64 + (h >> 8 & 0x7F), 64 + (h >> 16 & 0x7F))


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    density: int

    def dp(self, value: float) -> int:
        return round(value * self.density / 160)

    @property
    def status_h(self) -> int:
        return self.dp(44)

    @property
    def nav_h(self) -> int:
        return self.dp(24)

    @property
    def toolbar_h(self) -> int:
        return self.dp(64)

    @property
    def keyboard_h(self) -> int:
        return self.dp(260)

    @property
    def icon(self) -> int:
        return self.dp(56)

    @property
    def cell_w(self) -> int:
        return self.width // 4

    def search_bar(self, focused: bool = False) -> tuple[int, int, int, int]:
        """The launcher's search pill; once focused it moves to the top, above the keyboard."""
        if focused:
            top = self.status_h + self.dp(16)
            return (self.dp(16), top, self.width - self.dp(16), top + self.dp(56))
        bottom = self.height - self.nav_h - self.dp(16)
        return (self.dp(16), bottom - self.dp(56), self.width - self.dp(16), bottom)

    def dock_row_y(self) -> int:
        return self.search_bar()[1] - self.dp(24) - self.icon

    def grid_row_y(self, row: int) -> int:
        return self.dock_row_y() - self.dp(64) - (2 - row) * (self.icon + self.dp(48))

    def app_cells(self) -> list[tuple[tuple[int, int, int, int], tuple[str, str, str, tuple[int, int, int]]]]:
        """Icon boxes (x0, y0, x1, y1) with their app, grid first then dock."""
        cells = []
        for index, app in enumerate(GRID_APPS):
            row, col = divmod(index, 4)
            x = col * self.cell_w + (self.cell_w - self.icon) // 2
            y = self.grid_row_y(row)
            cells.append(((x, y, x + self.icon, y + self.icon), app))
        for col, app in enumerate(DOCK_APPS):
            x = col * self.cell_w + (self.cell_w - self.icon) // 2
            y = self.dock_row_y()
            cells.append(((x, y, x + self.icon, y + self.icon), app))
        return cells

    def address_bar(self) -> tuple[int, int, int, int]:
        top = self.status_h + self.dp(8)
        return (self.dp(56), top, self.width - self.dp(56), top + self.toolbar_h - self.dp(16))

    def app_field(self) -> tuple[int, int, int, int]:
        top = self.status_h + self.dp(64) + self.dp(120)
        return (self.dp(24), top, self.width - self.dp(24), top + self.dp(56))


def _inside(box: tuple[int, int, int, int], x: int, y: int, pad: int = 0) -> bool:
    return box[0] - pad <= x <= box[2] + pad and box[1] - pad <= y <= box[3] + pad


def hit_test(page, width: int, height: int, density: int, x: int, y: int) -> tuple[str, ...] | None:
    """What a tap at (x, y) lands on: ("app", package, activity), ("field",), ("outside",) or None."""
    lay = Layout(width, height, density)
    if page.kind == "home":
        if _inside(lay.search_bar(page.focused), x, y):
            return ("field",)
        for box, (_, package, activity, _) in lay.app_cells():
            if _inside(box, x, y, pad=lay.dp(12)):
                return ("app", package, activity)
    elif page.kind == "browser" and _inside(lay.address_bar(), x, y):
        return ("field",)
    elif page.kind == "app" and _inside(lay.app_field(), x, y):
        return ("field",)
    if page.focused and y < height - lay.keyboard_h - lay.nav_h:
        return ("outside",)
    return None
