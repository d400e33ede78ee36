"""Concurrent load on a real `streamlit run`, driven at the websocket level.

Each simulated session opens ``/_stcore/stream`` with a valid login cookie (minted with the
server's cookie key, exactly what a browser that logged in before would send), runs a page,
then reruns it again and again while changing one of its filters (a selectbox found by its
label), and records the time from the rerun request to ``script_finished``.

    python -m bench.load --database-url sqlite:///.bench-cache/region-2024.sqlite \
        --page scholen --sessions 1 10 50 --reruns 20
    python -m bench.load --database-url … --page all     # the four pages, each as its own role

Each page is driven as the role that uses it, changing its main filter (``PAGES``); ``--user``
and ``--widget`` override that for a single page.

Reports p50/p95 rerun latency and reruns per second per N, as text or JSON lines.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Production settings evaluated in the README ("Production settings").
FAST_SETTINGS = {
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "runner.postScriptGC": "false",
    "runner.fastReruns": "true",
    "server.enableXsrfProtection": "true",
}
DEFAULT_SETTINGS: dict[str, str] = {"server.fileWatcherType": "auto", "runner.postScriptGC": "true"}

# page → (role that uses it, the filter changed on every rerun)
PAGES = {
    "scholen": ("lea", "Per"),
    "covid": ("lea", "Periode"),
    "status": ("portefeuillehouder", "Rapportageperiode"),
    "jongeren": ("leerplicht", "Sorteren op"),
}


@dataclass
class RunResult:
    sessions: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_start: float | None = None
    last_end: float | None = None
    widgets_seen: int = 0

    @property
    def wall_s(self) -> float:
        if self.first_start is None or self.last_end is None:
            return 0.0
        return self.last_end - self.first_start

    def summary(self) -> dict:
        lat = sorted(self.latencies)
        pick = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]) if lat else (lambda q: None)
        return {
            "sessions": self.sessions, "reruns": len(lat), "errors": self.errors,
            "p50_ms": round(pick(0.50) * 1000, 1) if lat else None,
            "p95_ms": round(pick(0.95) * 1000, 1) if lat else None,
            "mean_ms": round(statistics.mean(lat) * 1000, 1) if lat else None,
            "reruns_per_s": round(len(lat) / self.wall_s, 1) if self.wall_s else None,
            "selectboxes_on_page": self.widgets_seen,
        }


def start_server(database_url: str, settings: dict[str, str], port: int, env: dict | None = None):
    args = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.gatherUsageStats", "false"]
    for key, value in settings.items():
        args += [f"--{key}", value]
    process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, "LEA_DATABASE_URL": database_url, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process.port = port
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("streamlit did not start")


def _rerun_msg(page: str, widget_states: list | None = None, query: str = "") -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    for state in widget_states or []:
        msg.rerun_script.widget_states.widgets.append(state)
    return msg.SerializeToString()


def _selectboxes(fmsg, found: dict) -> None:
    """Collect selectbox widgets (label → (id, options)) from a ForwardMsg delta."""
    if fmsg.WhichOneof("type") != "delta":
        return
    delta = fmsg.delta
    if delta.WhichOneof("type") != "new_element":
        return
    element = delta.new_element
    kind = element.WhichOneof("type")
    if kind == "selectbox":
        box = element.selectbox
        found[box.label] = (box.id, list(box.options), "string")
    elif kind == "button_group" and element.button_group.label:
        group = element.button_group
        found[group.label] = (group.id, [o.content for o in group.options], "string_array")


async def _run_until_finished(ws, payload: bytes, found: dict | None = None) -> float:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    started = time.perf_counter()
    await ws.send(payload)
    while True:
        data = await asyncio.wait_for(ws.recv(), timeout=60)
        fmsg = ForwardMsg()
        fmsg.ParseFromString(data)
        kind = fmsg.WhichOneof("type")
        if kind == "page_not_found":
            raise RuntimeError(f"page not found: {fmsg.page_not_found.page_name!r}")
        if found is not None:
            _selectboxes(fmsg, found)
        if kind == "script_finished" and fmsg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            # a run that stopped early for a rerun (e.g. the login settling) is not the end
            return time.perf_counter() - started


async def one_session(base: str, cookie: str, page: str, widget_label: str | None, reruns: int,
                      result: RunResult) -> None:
    import websockets
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                      additional_headers={"Cookie": cookie}) as ws:
            widgets: dict = {}
            await _run_until_finished(ws, _rerun_msg(page))  # logs in from the cookie; may land elsewhere
            await _run_until_finished(ws, _rerun_msg(page), widgets)  # now the page itself
            if not widgets:
                raise RuntimeError("page rendered no selectbox or button group: not logged in or page failed")
            if widget_label and widget_label not in widgets:
                raise RuntimeError(f"no widget labelled {widget_label!r}; found {sorted(widgets)}")
            result.widgets_seen = max(result.widgets_seen, len(widgets))
            target = widgets.get(widget_label) if widget_label else None
            start = time.perf_counter()
            result.first_start = min(start, result.first_start or start)
            for i in range(reruns):
                states = []
                if target:
                    widget_id, options, kind = target
                    value = options[(i + 1) % len(options)]
                    state = WidgetState(id=widget_id)
                    if kind == "string_array":
                        state.string_array_value.data.append(value)
                    else:
                        state.string_value = value
                    states.append(state)
                result.latencies.append(await _run_until_finished(ws, _rerun_msg(page, states)))
            end = time.perf_counter()
            result.last_end = max(end, result.last_end or end)
    except Exception as exc:  # noqa: BLE001 - a failed session is counted, the run goes on
        result.errors += 1
        if result.errors == 1:
            print(f"session failed: {type(exc).__name__}: {exc}", file=sys.stderr)


async def drive(bases: str | list[str], cookie: str, page: str, widget_label: str | None, sessions: int,
                reruns: int) -> RunResult:
    """N sessions; with several servers (replicas) session i sticks to server i mod R, as a
    load balancer with sticky sessions would place them."""
    bases = [bases] if isinstance(bases, str) else bases
    result = RunResult(sessions)
    await asyncio.gather(*(one_session(bases[i % len(bases)], cookie, page, widget_label, reruns, result)
                           for i in range(sessions)))
    return result


def login_cookie(database_url: str, username: str) -> str:
    """The Cookie header a browser that logged in as ``username`` would send.

    Minted with the same key the server uses (secrets, or the demo database's own key).
    """
    from data_access import auth_rules, setup
    from data_access.db import get_engine
    from data_access.settings import read_secrets

    engine = get_engine(database_url)
    config = auth_rules.cookie_config(read_secrets(), demo=setup.is_demo(engine), engine=engine)
    token, _, _ = auth_rules.issue_token(username, config)
    return f"{config.name}={token}"


def page_name(database_url: str, username: str, page: str) -> str:
    """The page name a browser sends for ``page``: "" for the user's landing page (the first
    page of the navigation has no URL path; its key gets a "page not found" and a redirect)."""
    from data_access import access
    from data_access.db import get_engine
    from data_access.users import get_user

    with get_engine(database_url).connect() as conn:
        user = get_user(conn, username)
    allowed = access.allowed_pages(user.roles) if user else []
    return "" if allowed and allowed[0] == page else page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--page", default="scholen", choices=[*PAGES, "all"])
    parser.add_argument("--user", default=None, help="account to log in as (default: the page's role, see PAGES)")
    parser.add_argument("--widget", default=None, help="label of a selectbox or button group (segmented control) "
                                                       "to change per rerun (default: the page's main filter)")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--reruns", type=int, default=20)
    parser.add_argument("--settings", choices=["fast", "default", "both"], default="both")
    parser.add_argument("--replicas", type=int, default=1,
                        help="app processes, sessions spread over them sticky (see README, Scaling)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    profiles = {"fast": FAST_SETTINGS, "default": DEFAULT_SETTINGS}
    chosen = list(profiles) if args.settings == "both" else [args.settings]
    pages = list(PAGES) if args.page == "all" else [args.page]
    for profile in chosen:
        servers = [start_server(args.database_url, profiles[profile], _free_port())
                   for i in range(args.replicas)]
        try:
            bases = [f"http://127.0.0.1:{server.port}" for server in servers]
            for page in pages:
                user = args.user if args.user and len(pages) == 1 else PAGES[page][0]
                widget = args.widget if args.widget and len(pages) == 1 else PAGES[page][1]
                cookie = login_cookie(args.database_url, user)
                name = page_name(args.database_url, user, page)
                for base in bases:
                    asyncio.run(drive(base, cookie, name, widget, 1, 3))  # warm each replica's caches
                for n in args.sessions:
                    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
                    result = asyncio.run(drive(bases, cookie, name, widget, n, args.reruns))
                    rss = [_rss_mb(server.pid) for server in servers]
                    peaks = [_peak_rss_mb(server.pid) for server in servers]
                    row = {"bench": "load", "page": page, "user": user, "settings": profile, "widget": widget,
                           "replicas": args.replicas, **result.summary(),
                           "server_rss_mb": max(rss, key=lambda v: v or 0),
                           "server_peak_rss_mb": max(peaks, key=lambda v: v or 0), "load_before": load_before,
                           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
                    print(json.dumps(row) if args.json else
                          f"{profile:<8} {page:<10} N={n:<3} p50={row['p50_ms']} ms  p95={row['p95_ms']} ms  "
                          f"{row['reruns_per_s']} reruns/s  errors={row['errors']}  RSS {row['server_rss_mb']} MB "
                          f"(piek {row['server_peak_rss_mb']} MB)  replicas {args.replicas}  load {load_before}",
                          flush=True)
        finally:
            for server in servers:
                server.terminate()
                server.wait(10)
    return 0


def _rss_mb(pid: int) -> float | None:
    try:
        import psutil

        return round(psutil.Process(pid).memory_info().rss / 2**20, 1)
    except Exception:  # noqa: BLE001
        return None


def _peak_rss_mb(pid: int) -> float | None:
    """VmHWM: the server process's peak resident set size (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
