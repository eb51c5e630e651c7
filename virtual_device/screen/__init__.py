"""The virtual device's screen: state (model), pixels (renderer), video (encoder), latency strip."""

from __future__ import annotations

from virtual_device.screen.model import ScreenModel

__all__ = ["ScreenModel"]
