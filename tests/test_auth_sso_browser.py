"""Single sign-on end to end: Chromium, a live app and a small OpenID Connect provider made here
(discovery, authorize, token with an RS256 id_token carrying the nonce, JWKS)."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from sqlalchemy import insert, select

from conftest import ROOT, free_port, stop_streamlit, StreamlitServer, wait_ready
from data_access import access, users
from data_access.models import AuditEvent, Setting


class Provider:
    """An OpenID Connect provider that logs in whoever ``email`` says, without asking."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.email = "lotte@gemeente.example"
        self.codes: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/.well-known/openid-configuration":
                    self._json({
                        "issuer": provider.url, "authorization_endpoint": f"{provider.url}/authorize",
                        "token_endpoint": f"{provider.url}/token", "jwks_uri": f"{provider.url}/jwks",
                        "response_types_supported": ["code"], "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                    })
                elif url.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self._json({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})
                elif url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {"nonce": query.get("nonce"), "client_id": query["client_id"]}
                    target = f"{query['redirect_uri']}?{urllib.parse.urlencode({'code': code, 'state': query['state']})}"
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                else:
                    self.send_error(404)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                form = dict(urllib.parse.parse_qsl(body))
                grant = provider.codes.pop(form.get("code", ""), None)
                if self.path != "/token" or grant is None:
                    self.send_error(400)
                    return
                now = int(time.time())
                claims = {"iss": provider.url, "sub": provider.email, "aud": grant["client_id"], "iat": now,
                          "exp": now + 600, "email": provider.email, "name": "SSO Gebruiker"}
                if grant["nonce"]:
                    claims["nonce"] = grant["nonce"]
                id_token = jwt.encode(claims, provider.key, algorithm="RS256", headers={"kid": "k1"})
                self._json({"access_token": "at", "token_type": "Bearer", "expires_in": 600, "id_token": id_token})

        return Handler


@pytest.fixture
def provider():
    p = Provider()
    yield p
    p.close()


@pytest.fixture
def sso_server(provider, engine, sqlite_url, tmp_path):
    """A live app with [auth] pointing at the provider; lotte@… is an account, others are not."""
    with engine.begin() as conn:
        conn.execute(insert(Setting).values(key="demo", value="1"))
        users.create_user(conn, "lotte", "Lotte Leerplicht", ["leerplicht"], None, email="Lotte@Gemeente.example")
    port = free_port()
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(
        f'[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'[auth.microsoft]\nclient_id = "lea-dashboard"\nclient_secret = "geheim"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n'
        f'client_kwargs = {{ prompt = "login" }}\n'
    )
    log = tmp_path / "streamlit.log"
    env = {**os.environ, "LEA_DATABASE_URL": sqlite_url, "LEA_SECRETS_FILE": str(secrets_file)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--secrets.files", str(secrets_file)],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    server = StreamlitServer(url, process, log)
    deadline = time.time() + 60
    while True:
        assert process.poll() is None, log.read_text()
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            assert time.time() < deadline, log.read_text()
            time.sleep(0.3)
    yield server
    stop_streamlit(server)


def audit_rows(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(AuditEvent.__table__).order_by(AuditEvent.id)).all()


def sign_in(page, server) -> None:
    page.goto(server.url)
    wait_ready(page)
    assert page.get_by_label("Wachtwoord").count() == 0  # no password form with SSO
    page.get_by_role("button", name="Inloggen met Microsoft").click()
    page.wait_for_url(f"{server.url}/**")
    wait_ready(page)


def test_sso_login_maps_the_email_to_the_account_and_its_roles(sso_server, provider, engine, page):
    sign_in(page, sso_server)
    page.get_by_role("button", name="Uitloggen").wait_for()
    links = [t.split("\n")[-1].strip() for t in page.locator("[data-testid='stSidebarNavLink']").all_inner_texts()]
    assert links == [access.PAGES[k]["title"] for k in access.allowed_pages(["leerplicht"])]
    row = audit_rows(engine)[-1]
    assert (row.action, row.username, row.result, json.loads(row.details)) == ("inloggen", "lotte", "ok", {"methode": "sso"})

    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("button", name="Inloggen met Microsoft").wait_for()
    assert audit_rows(engine)[-1].action == "uitloggen"


def test_an_unknown_email_gets_no_access_and_is_audited(sso_server, provider, engine, page):
    provider.email = "onbekend@elders.example"
    sign_in(page, sso_server)
    page.get_by_text("Uw account heeft geen toegang tot het LEA-dashboard").wait_for()
    assert page.locator("[data-testid='stSidebarNavLink']").count() == 0
    row = audit_rows(engine)[-1]
    details = json.loads(row.details)
    assert (row.action, row.username, row.result, details["reden"], details["domein"]) == \
        ("inloggen", None, "geweigerd", "onbekend_email", "elders.example")
    assert "onbekend@" not in json.dumps(details)
