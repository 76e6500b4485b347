"""Screenshot tour of the main pages for a person to look at (not a test).

Usage: .venv/bin/flask --app proforient run --port 5200 &  then
       .venv/bin/python scripts/screenshots.py http://127.0.0.1:5200 test-artifacts/tour
Needs the demo data (`flask demo`) and Debian's Chromium.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = {
    "admin": [
        "/",
        "/schools/",
        "/schools/1",
        "/users",
        "/events/",
        "/agreements/",
        "/partners/",
        "/monitoring/",
        "/plan/",
        "/surveys/",
        "/surveys/campaigns/1",
        "/audit",
    ],
    "school": ["/", "/schools/mine", "/events/", "/agreements/", "/monitoring/", "/surveys/"],
}
PASSWORDS = {"admin": "admin-demo", "school": "school-demo"}


def main(base: str, out: str) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for login, paths in PAGES.items():
            for width in (1280, 360):
                context = browser.new_context(
                    base_url=base, viewport={"width": width, "height": 800}
                )
                page = context.new_page()
                page.goto("/login")
                page.get_by_label("Логин").fill(login)
                page.get_by_label("Пароль").fill(PASSWORDS[login])
                page.get_by_role("button", name="Войти").click()
                for path in paths:
                    response = page.goto(path)
                    name = f"{login}-{width}-{path.strip('/').replace('/', '_') or 'home'}.png"
                    page.screenshot(path=str(folder / name), full_page=True)
                    print(response.status, name)
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "test-artifacts/tour")
