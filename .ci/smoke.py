"""What a newcomer does after `make run`: log in as each demo user through the form (the first
attempt must work), type the URL of every page the role may open, and one it may not.

Usage: python .ci/smoke.py URL PASSWORD   (exit code 0 when everything held; one line per check)
"""
from __future__ import annotations

import sys
import time
import urllib.request
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

sys.path.insert(0, ".")
from data_access import access  # noqa: E402 - the checkout under test

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROLES = ("portefeuillehouder", "lea", "leerplicht", "beheer")
ENGLISH = ("Page not found", "Running the app's main page", "This app has encountered an error", "Traceback")


def wait_healthy(url: str, seconds: float = 180) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"smoke: {url} werd niet gezond binnen {seconds:.0f} s")


def settle(page) -> None:
    for _ in range(2):  # the start page may switch once more
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
        page.wait_for_function("!document.querySelector(\"[data-testid='stSkeleton']\")", timeout=60_000)
        page.wait_for_timeout(300)


def main(url: str, password: str) -> int:
    wait_healthy(url)
    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        print(f"smoke {'ok  ' if ok else 'FOUT'} {what}", flush=True)
        if not ok:
            failures.append(what)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        for role in ROLES:
            context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="nl-NL")
            page = context.new_page()
            page.goto(url)
            settle(page)
            page.get_by_label("Gebruikersnaam").fill(role)
            page.get_by_label("Wachtwoord").fill(password)
            page.get_by_role("button", name="Inloggen").click()
            try:
                page.get_by_role("button", name="Uitloggen").wait_for(timeout=30_000)
                # the session cookie is set from JavaScript just after: a typed URL needs it
                page.wait_for_function("document.cookie.includes('lea_sessie=')", timeout=30_000)
                settle(page)
                check(True, f"{role}: eerste inlogpoging")
            except Exception:  # noqa: BLE001 - reported as a failed check
                check(False, f"{role}: eerste inlogpoging")
                context.close()
                continue
            allowed = access.allowed_pages([role])
            forbidden = next(key for key in access.PAGES if key not in allowed)
            for key in [*allowed, forbidden]:
                page.goto(f"{url}/{key}")
                settle(page)
                heading = page.locator("h1").first.inner_text().strip()
                expected = access.PAGES[key]["title"] if key in allowed else "Geen toegang"
                text = page.locator("body").inner_text()
                english = [phrase for phrase in ENGLISH if phrase in text]
                check(urlsplit(page.url).path == f"/{key}" and heading == expected and not english,
                      f"{role}: /{key} → {heading!r}{' ' + str(english) if english else ''}")
            context.close()
        browser.close()
    print(f"smoke: {len(failures)} fout(en)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
