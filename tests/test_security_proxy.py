"""Issue 17, finding 12 / build point 10: the reverse-proxy configuration in deploy/nginx.conf.

1. Read as text: every security header (on every answer), the websocket location with a long
   read timeout, /_stcore/metrics closed, no 'unsafe-eval'/'unsafe-inline' for scripts, the
   inline-script hashes equal to the installed Streamlit and cookie component, and the README
   shows the same file.
2. Run for real (nginx in front of a live app, TLS with a throw-away certificate): the headers
   arrive, plain HTTP is redirected, metrics answer 404, and in Chromium the officer logs in
   through the proxy (websocket, login cookie component, charts) with no CSP violation.
   Skipped only when nginx is absent and LEA_REQUIRE_SERVICES is unset.
"""
from __future__ import annotations

import base64
import hashlib
import http.client
import re
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from conftest import DEMO_PASSWORD, ROOT, free_port, missing_service, wait_ready

CONF = ROOT / "deploy" / "nginx.conf"
SITE = ROOT / ".venv" / "lib"  # where the installed packages are (found below via their modules)


def conf_text() -> str:
    return CONF.read_text()


def headers_in(text: str) -> dict[str, str]:
    """add_header name → value, for the headers set with ``always``."""
    return {m.group(1): m.group(2) for m in re.finditer(r'add_header\s+(\S+)\s+"([^"]*)"\s+always;', text)}


def server_level(text: str) -> str:
    """The file without its location blocks: what applies to every answer."""
    return re.sub(r"^[ \t]*location\s+[^{\n]+\{[^}]*\}", "", text, flags=re.M)


def component_headers(server: dict[str, str]) -> dict[str, str]:
    """The only place the app may be framed: its own component iframes, by the app itself."""
    return {**server, "Content-Security-Policy": server["Content-Security-Policy"].replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'"), "X-Frame-Options": "SAMEORIGIN"}


def location(text: str, head: str) -> str:
    """The body of ``location <head> { … }`` (no nested blocks in this file)."""
    match = re.search(r"^[ \t]*location\s+" + re.escape(head) + r"\s*\{([^}]*)\}", text, re.M)
    assert match, f"location {head} ontbreekt"
    return match.group(1)


def inline_script_hashes(html: str) -> set[str]:
    return {"'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode() + "'"
            for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)}


def installed_inline_scripts() -> set[str]:
    import extra_streamlit_components
    import streamlit

    pages = [Path(streamlit.__file__).parent / "static" / "index.html",
             Path(extra_streamlit_components.__file__).parent / "CookieManager" / "frontend" / "build" / "index.html"]
    return set().union(*(inline_script_hashes(p.read_text()) for p in pages))


# --- 1. the file ------------------------------------------------------------------------------


def test_every_security_header_is_set_on_every_answer():
    text = conf_text()
    headers = headers_in(server_level(text))
    assert set(headers) == {"Content-Security-Policy", "X-Frame-Options", "Strict-Transport-Security",
                            "Referrer-Policy", "X-Content-Type-Options", "Permissions-Policy"}
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    hsts = dict(part.strip().partition("=")[::2] for part in headers["Strict-Transport-Security"].split(";"))
    assert int(hsts["max-age"]) >= 31536000 and "includeSubDomains" in hsts
    # an add_header inside a location drops all server-level ones there: only the component
    # location has its own, and then the full set, changed only to let the app frame it
    assert headers_in(location(text, "^~ /component/")) == component_headers(headers)
    for head, body in re.findall(r"^[ \t]*location\s+([^{\n]+?)\s*\{([^}]*)\}", text, re.M):
        if head != "^~ /component/":
            assert "add_header" not in body, head


def test_the_csp_is_strict_and_allows_exactly_the_inline_scripts_installed():
    csp = {d.split()[0]: d.split()[1:] for d in headers_in(server_level(conf_text()))["Content-Security-Policy"].split(";")
           if d.strip()}
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    script = csp["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "*" not in script
    assert set(script) - {"'self'"} == installed_inline_scripts()
    for directive in ("img-src", "connect-src", "frame-src", "font-src"):  # nothing from outside hosts
        assert all(source in ("'self'", "data:", "blob:") for source in csp[directive]), directive


def test_websocket_metrics_tls_and_the_client_address():
    text = conf_text()
    stream = location(text, "= /_stcore/stream")
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert re.search(r"proxy_set_header Connection \$\w+;", stream)
    assert int(re.search(r"proxy_read_timeout (\d+)s;", stream).group(1)) >= 3600
    assert re.search(r"return 40[34];", location(text, "= /_stcore/metrics"))
    assert "listen 443 ssl" in text and "ssl_certificate " in text and "return 301 https://" in text
    assert re.search(r"ssl_protocols TLSv1\.2 TLSv1\.3;", text)
    for body in (stream, location(text, "/")):  # the app trusts one hop: the header must not be appendable
        assert "proxy_set_header X-Forwarded-For $remote_addr;" in body


def test_the_readme_shows_this_file():
    readme = (ROOT / "README.md").read_text()
    assert "## Achter een reverse proxy (nginx)" in readme
    section = readme.split("## Achter een reverse proxy (nginx)", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```nginx\n(.*?)```", section, re.S)
    assert block and block.group(1) == conf_text()


# --- 2. for real --------------------------------------------------------------------------


def run_config(tmp_path: Path, app_port: int, http_port: int, https_port: int) -> Path:
    """deploy/nginx.conf with local ports and a throw-away certificate, in a minimal main config."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    site = (conf_text()
            .replace("server 127.0.0.1:8501;", f"server 127.0.0.1:{app_port};")
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};").replace("listen [::]:80;", "")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
            .replace("listen [::]:443 ssl http2;", "")
            .replace("/etc/ssl/lea-dashboard/fullchain.pem", str(cert))
            .replace("/etc/ssl/lea-dashboard/privkey.pem", str(key)))
    (tmp_path / "lea-dashboard.conf").write_text(site)
    for sub in ("client", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / sub).mkdir()
    main = tmp_path / "nginx.conf"
    main.write_text(f"""
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {tmp_path}/access.log;
    client_body_temp_path {tmp_path}/client; proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/lea-dashboard.conf;
}}
""")
    return main


@pytest.fixture
def proxy(tmp_path, streamlit_factory, demo_copy_url):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        missing_service("nginx is niet geïnstalleerd (apt-get install nginx)")
    if shutil.which("openssl") is None:
        missing_service("openssl ontbreekt (voor het testcertificaat)")
    app = streamlit_factory(demo_copy_url, LEA_SECRETS_FILE=str(tmp_path / "geen-secrets.toml"))
    app_port = int(app.url.rsplit(":", 1)[1])
    http_port, https_port = free_port(), free_port()
    main = run_config(tmp_path, app_port, http_port, https_port)
    check = subprocess.run([nginx, "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([nginx, "-c", str(main), "-p", str(tmp_path), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    context = ssl._create_unverified_context()
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = http.client.HTTPSConnection("127.0.0.1", https_port, context=context, timeout=5)
            conn.request("GET", "/_stcore/health")
            if conn.getresponse().read() == b"ok":
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.2)
    yield {"https": https_port, "http": http_port, "context": context}
    process.terminate()
    process.wait(10)


def get(proxy, path: str, *, tls: bool = True) -> http.client.HTTPResponse:
    if tls:
        conn = http.client.HTTPSConnection("127.0.0.1", proxy["https"], context=proxy["context"], timeout=10)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", proxy["http"], timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response


def test_nginx_in_front_of_the_app_sends_the_headers_closes_metrics_and_redirects(proxy):
    expected = headers_in(server_level(conf_text()))
    component = "/component/extra_streamlit_components.CookieManager.cookie_manager/index.html"
    for path, headers in (("/", expected), ("/jongeren", expected), ("/_stcore/health", expected),
                          ("/bestaat-niet", expected), (component, component_headers(expected))):
        response = get(proxy, path)
        # (the component page exists once a session has loaded the component: the headers count)
        assert response.status == 200 or path == component, path
        for name, value in headers.items():
            assert response.getheader(name) == value, (path, name)
        assert response.getheader("Server") == "nginx"  # no version, no TornadoServer
    assert get(proxy, "/_stcore/metrics").status == 404
    redirect = get(proxy, "/jongeren?x=1", tls=False)
    assert redirect.status == 301 and redirect.getheader("Location").endswith("/jongeren?x=1")
    assert redirect.getheader("Location").startswith("https://")


def test_the_officer_logs_in_through_the_proxy_without_a_csp_violation(proxy, browser):
    context = browser.new_context(ignore_https_errors=True, locale="nl-NL", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text
            or "Refused to" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    url = f"https://127.0.0.1:{proxy['https']}"
    page.goto(url)
    wait_ready(page)
    page.get_by_label("Gebruikersnaam").fill("leerplicht")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name="Uitloggen").wait_for(timeout=30_000)  # over the websocket
    # the cookie component ran (polled from Python: the CSP refuses the eval of wait_for_function)
    deadline = time.monotonic() + 30
    while not any(c["name"] == "lea_sessie" for c in context.cookies()):
        assert time.monotonic() < deadline, "geen sessiecookie gezet"
        page.wait_for_timeout(100)
    page.get_by_role("link", name="Verzuim per school").click()
    page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg").first.wait_for(
        timeout=60_000)
    wait_ready(page)
    context.close()
    # the one refusal: Streamlit's material-icon favicon from Google, blocked on purpose
    assert [p for p in problems if "https://fonts.gstatic.com/" not in p] == []
