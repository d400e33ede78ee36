"""Shared fixtures: migrated SQLite and PostgreSQL databases, the demo database, a live
Streamlit server and headless Chromium.

Tests that need PostgreSQL or Chromium skip with a visible reason when the binaries are
absent — unless LEA_REQUIRE_SERVICES=1 (set by .ci/run), then a missing service fails.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_access.db import make_engine
from data_access.schema import migrate
from fixtures import covid, imports, status, youths

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("LEA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
REQUIRE_SERVICES = os.environ.get("LEA_REQUIRE_SERVICES") == "1"
DEMO_PASSWORD = "demo-wachtwoord-2024"


def missing_service(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"LEA_REQUIRE_SERVICES=1 maar {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- SQLite ---------------------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'lea.sqlite'}"


@pytest.fixture
def engine(sqlite_url):
    """A fresh, migrated, empty SQLite database."""
    eng = make_engine(sqlite_url, create=True)
    migrate(eng)
    yield eng
    eng.dispose()


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@pytest.fixture(scope="session")
def pg_server():
    """Admin URL of a PostgreSQL server: LEA_TEST_PG_URL, or a private cluster started here."""
    if os.environ.get("LEA_TEST_PG_URL"):
        yield os.environ["LEA_TEST_PG_URL"]
        return
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        missing_service("PostgreSQL (initdb/pg_ctl) is niet geïnstalleerd")
    workdir = Path(tempfile.mkdtemp(prefix="lea-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        user = "postgres" if shutil.which("runuser") and _user_exists("postgres") else "nobody"
        shutil.chown(workdir, user=user)
        run_as = ["runuser", "-u", user, "--"]
    port = free_port()
    datadir = workdir / "data"
    subprocess.run(run_as + [initdb, "-D", str(datadir), "-A", "trust", "-U", "postgres", "--no-sync"],
                   check=True, capture_output=True)
    subprocess.run(run_as + [pg_ctl, "-D", str(datadir), "-w", "-l", str(workdir / "log"), "-o",
                             f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
                             "-c synchronous_commit=off -c full_page_writes=off", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(run_as + [pg_ctl, "-D", str(datadir), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _pg_database(pg_server: str):
    """A fresh, empty database on the PostgreSQL server: yields its URL, drops it afterwards."""
    name = f"lea_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_server.rsplit("/", 1)[0] + f"/{name}"
    yield url
    from data_access.db import get_engine

    get_engine.cache_clear()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_server) -> str:
    """URL of a fresh, empty database on the PostgreSQL server (dropped afterwards)."""
    yield from _pg_database(pg_server)


@pytest.fixture
def pg_engine(pg_url):
    eng = make_engine(pg_url)
    migrate(eng)
    yield eng
    eng.dispose()


# --- the demo municipality ------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory) -> str:
    """One demo database per test session (seed 2024, password DEMO_PASSWORD). Read-only use."""
    from data_access import demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    url = f"sqlite:///{path}"
    eng = make_engine(url, create=True)
    migrate(eng)
    demo.build(eng, seed=2024, password=DEMO_PASSWORD)
    eng.dispose()
    return url


@pytest.fixture
def demo_copy_url(demo_url, tmp_path) -> str:
    """A private copy of the demo database for tests that write."""
    source = demo_url.split("///", 1)[1]
    target = tmp_path / "demo-copy.sqlite"
    src = make_engine(demo_url)
    with src.connect() as conn:
        conn.exec_driver_sql(f"VACUUM INTO '{target}'")
    src.dispose()
    del source
    return f"sqlite:///{target}"


# --- the hand-made municipalities (builders in tests/fixtures/) -----------------------------


@pytest.fixture
def youths_db(engine):
    """The /jongeren fixture municipality (fixtures.youths) on SQLite."""
    youths.build(engine)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def any_youths_db(request):
    """The /jongeren fixture municipality (fixtures.youths) on SQLite and on PostgreSQL."""
    eng = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    youths.build(eng)
    return eng


def _module_database(request, tmp_path_factory, build):
    """A migrated database on ``request.param`` ("sqlite" or "postgresql") filled by ``build``,
    kept for a whole test module: only for tests that read it. Yields (engine, build's result)."""
    if request.param == "sqlite":
        urls = iter([f"sqlite:///{tmp_path_factory.mktemp('module-db') / 'lea.sqlite'}"])
    else:
        urls = _pg_database(request.getfixturevalue("pg_server"))
    eng = make_engine(next(urls), create=request.param == "sqlite")
    migrate(eng)
    built = build(eng)
    yield eng, built
    eng.dispose()
    next(urls, None)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def youths_read_only(request, tmp_path_factory):
    """The /jongeren fixture municipality built once per test module on SQLite and on
    PostgreSQL, for tests that only read it."""
    for eng, _ in _module_database(request, tmp_path_factory, youths.build):
        yield eng


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def status_read_only(request, tmp_path_factory):
    """The /status fixture municipality built once per test module on SQLite and on PostgreSQL,
    for tests that only read it: (engine, ids of actions and periods)."""
    yield from _module_database(request, tmp_path_factory, status.build)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def covid_read_only(request, tmp_path_factory):
    """The /covid fixture municipality built once per test module on SQLite and on PostgreSQL,
    for tests that only read it."""
    for eng, _ in _module_database(request, tmp_path_factory, covid.build):
        yield eng


@pytest.fixture
def covid_url(sqlite_url, engine):
    """URL of the SQLite /covid fixture municipality with users (for AppTest)."""
    covid.build(engine)
    covid.add_users(engine)
    return sqlite_url


@pytest.fixture
def base(engine):
    """The import tests' base data (fixtures.imports), loaded through the importer."""
    imports.load_base(engine)
    return engine


@pytest.fixture(scope="module")
def base_file(tmp_path_factory) -> Path:
    """A migrated SQLite file with the import tests' base data, to copy per hypothesis example."""
    return imports.make_base_file(tmp_path_factory.mktemp("import-base"))


@pytest.fixture
def env(tmp_path) -> dict:
    """Browser tests' server environment without a developer's secrets: the demo database makes
    its own key (helpers in fixtures.browser)."""
    return {"LEA_SECRETS_FILE": str(tmp_path / "geen-secrets.toml")}


# --- AppTest --------------------------------------------------------------------------------


@pytest.fixture
def app_env(monkeypatch):
    """Point the app at a database for AppTest and clear Streamlit's process-wide caches."""
    import streamlit as st

    def use(url: str):
        monkeypatch.setenv("LEA_DATABASE_URL", url)
        st.cache_data.clear()
        st.cache_resource.clear()
        return url

    yield use
    st.cache_data.clear()
    st.cache_resource.clear()


# --- a live Streamlit server and Chromium ---------------------------------------------------


class StreamlitServer:
    def __init__(self, url: str, process: subprocess.Popen, log: Path):
        self.url, self.process, self.log = url, process, log

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def start_streamlit(database_url: str, tmp_path: Path, extra_env: dict | None = None) -> StreamlitServer:
    port = free_port()
    log = tmp_path / f"streamlit-{port}.log"
    env = {**os.environ, "LEA_DATABASE_URL": database_url, **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit stopped:\n{log.read_text()}")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return StreamlitServer(url, process, log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy:\n{log.read_text()}")


def stop_streamlit(server: StreamlitServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture
def streamlit_factory(tmp_path):
    """Start fresh Streamlit servers (each a new process); all stopped after the test."""
    servers: list[StreamlitServer] = []

    def start(database_url: str, **env) -> StreamlitServer:
        server = start_streamlit(database_url, tmp_path, env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        stop_streamlit(server)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing_service(f"Chromium ontbreekt ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    pg = context.new_page()
    yield pg
    context.close()


def wait_ready(page, timeout: float = 30_000) -> None:
    """Wait until the script has finished and no skeleton is left."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    # a locator, not wait_for_function: the latter polls with eval, which a strict CSP refuses
    page.locator("[data-testid='stSkeleton']").first.wait_for(state="detached", timeout=timeout)


def log_in(page, url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Open the app and log in through the real form."""
    page.goto(url)
    wait_ready(page)
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    # logged in: the start page then switches to the role's first page (one more run); a click
    # before that switch could be overtaken by it
    page.get_by_role("button", name="Uitloggen").wait_for(timeout=60_000)
    page.wait_for_function("location.pathname !== '/' || "
                           "[...document.querySelectorAll('h1')].some(h => h.innerText.trim() === 'Geen toegang')",
                           timeout=60_000)
    wait_ready(page)
