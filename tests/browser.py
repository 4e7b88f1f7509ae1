"""A page rendered by headless Chromium (Debian's chromium, which the Makefile installs).

    python tests/browser.py report.html docs/report.png [WIDTH HEIGHT]

writes the screenshot that the README shows; the HTML report's tests use ``screenshot``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Chromium's background services would try the network, which this machine refuses.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1"]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise RuntimeError("chromium is not installed (make test installs Debian's chromium)")
    return found


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 2000) -> None:
    with tempfile.TemporaryDirectory(prefix="netlint-chromium-") as profile:
        proc = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                               f"--screenshot={png}", page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=120)
    if proc.returncode or not png.exists():
        raise RuntimeError(f"chromium could not render {page}: {proc.stderr[-1000:]}")


if __name__ == "__main__":
    html, out, *size = sys.argv[1:]
    screenshot(Path(html), Path(out), *map(int, size))
