"""Refresh docs/screenshots/ from the demo: ``make screenshots`` (not run by ``make test``).

The person, title, platform, festival and venue pages (and the home page, shown in the
README) at 360 and 1280 pixels, in English and French, taken by Debian's Chromium through
Playwright. The demo is loaded into a throwaway SQLite database and served by
``manage.py runserver`` on a free port; nothing of the project's own database is touched.

Files: ``<page>-<phone|desktop>.png`` (English, linked from the README) and
``<page>-<phone|desktop>-fr.png``. ``--full-page`` takes whole pages (to walk them; by
default a page is cut at ``HEIGHT`` pixels) and ``--out`` writes elsewhere.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
VIEWPORTS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}
#: Where a screenshot is cut (a person's page is long; its start shows the layout).
HEIGHT = {"phone": 2000, "desktop": 1500}
#: One page of each kind a visitor reads, from the demo (paths without the language).
PAGES = {
    "home": "/",
    "person": "/people/cecile-ducrocq/",
    "title": "/titles/l-opera/",
    "platform": "/platforms/pop-paris-opera-play/",
    "festival": "/festivals/colcoa-2021/",
    "venue": "/venues/melville-theatre/",
}
LANGUAGES = {"en": "en-GB", "fr": "fr-FR"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def serve_demo(env, port) -> subprocess.Popen:
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    server = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("The demo server did not start.")


def take(base_url: str, out: Path, full_page: bool) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"])
        for language, locale in LANGUAGES.items():
            for device, viewport in VIEWPORTS.items():
                context = browser.new_context(base_url=base_url, viewport=viewport, locale=locale)
                tab = context.new_page()
                for name, path in PAGES.items():
                    response = tab.goto(f"/{language}{path}")
                    if response is None or response.status != 200:
                        raise SystemExit(f"/{language}{path} answered {response and response.status}")
                    suffix = "" if language == "en" else f"-{language}"
                    target = out / f"{name}-{device}{suffix}.png"
                    if full_page:
                        tab.screenshot(path=target, full_page=True)
                    else:
                        full = tab.evaluate("document.documentElement.scrollHeight")
                        clip = {"x": 0, "y": 0, "width": viewport["width"], "height": min(full, HEIGHT[device])}
                        tab.screenshot(path=target, clip=clip, full_page=True)
                    written.append(target)
                context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--full-page", action="store_true", help="whole pages instead of their first screens")
    options = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: run .ci/chromium.sh (make screenshots does).")
    options.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
            "DEBUG": "1",
            "MEDIA_ROOT": folder,
        }
        server = serve_demo(env, port)
        try:
            written = take(f"http://127.0.0.1:{port}", options.out, options.full_page)
        finally:
            server.terminate()
            server.wait(timeout=10)
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
