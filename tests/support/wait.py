"""Polling for what happens in the background (a server's writer, a build, a reload)."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(check: Callable[[], bool], seconds: float = 15.0, interval: float = 0.1) -> bool:
    """Poll `check` every `interval` seconds until it holds; False if it never does within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return False
