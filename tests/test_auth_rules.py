"""Login rules without Streamlit: cookie key, session tokens, lockout, credentials, users."""
from __future__ import annotations

import datetime as dt
import secrets
import tomllib
from pathlib import Path

import jwt
import pytest
from sqlalchemy import select

from data_access import auth_rules as rules
from data_access import users
from data_access.cookie_keys import key_problem
from data_access.db import make_engine
from data_access.models import LoginAttempt, Setting

ROOT = Path(__file__).resolve().parent.parent
T0 = dt.datetime(2026, 3, 2, 9, 0, 0)
KEY = secrets.token_urlsafe(48)
CONFIG = rules.CookieConfig("lea_sessie", KEY, 8.0)
POLICY = rules.LockoutPolicy()


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    engine = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    with engine.begin() as conn:
        users.create_user(conn, "lotte", "Lotte Leerplicht", ["leerplicht"], "geheim-wachtwoord-1")
        users.create_user(conn, "bea", "Bea Beheer", ["beheer"], "geheim-wachtwoord-2", email="Bea@Gemeente.example")
        users.create_user(conn, "oud", "Oud Account", ["lea"], "geheim-wachtwoord-3", active=False)
    return engine


# --- cookie key ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "   ", "kort", secrets.token_urlsafe(31), secrets.token_hex(31),
                                 "a" * 100, "0123456789abcdef" * 4, "some_signature_key" + "x" * 60])
def test_weak_or_missing_keys_are_refused(key):
    assert key_problem(key) is not None
    with pytest.raises(rules.ConfigError) as err:
        rules.cookie_config({"auth_cookie": {"key": key}}, demo=False)
    assert "start niet" in str(err.value) and "token_urlsafe" in str(err.value)


def test_the_example_key_in_the_example_secrets_is_refused():
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text())
    with pytest.raises(rules.ConfigError, match="voorbeeldsleutel"):
        rules.cookie_config(example, demo=False)
    # and the rest of the example is a valid configuration
    assert rules.LockoutPolicy.from_secrets(example) == rules.LockoutPolicy()


@pytest.mark.parametrize("key", [secrets.token_urlsafe(32), secrets.token_hex(32), secrets.token_urlsafe(64)])
def test_random_keys_of_32_bytes_are_accepted(key):
    config = rules.cookie_config({"auth_cookie": {"key": key}}, demo=False)
    assert config == rules.CookieConfig("lea_sessie", key, 8.0)  # default name and 8 hours


def test_expiry_and_name_are_configurable_and_checked():
    config = rules.cookie_config({"auth_cookie": {"key": KEY, "expiry_hours": 2, "name": "x_1"}}, demo=False)
    assert (config.name, config.expiry_seconds) == ("x_1", 7200)
    for bad in ({"expiry_hours": 0}, {"expiry_hours": "acht"}, {"name": "a b"}):
        with pytest.raises(rules.ConfigError):
            rules.cookie_config({"auth_cookie": {"key": KEY, **bad}}, demo=False)


def test_demo_mode_makes_one_random_key_and_keeps_it_outside_the_database(engine, sqlite_url):
    first = rules.cookie_config({}, demo=True, engine=engine)
    second = rules.cookie_config({}, demo=True, engine=engine)
    assert first.key == second.key and key_problem(first.key) is None
    key_file = Path(sqlite_url.split("///", 1)[1] + ".sleutel")  # beside the database, mode 0600
    assert key_file.read_text().strip() == first.key and key_file.stat().st_mode & 0o777 == 0o600
    with engine.connect() as conn:
        assert conn.execute(select(Setting.value).where(Setting.key == "cookie_key")).scalar() is None
    # a configured strong key wins; an example key is refused even in demo mode
    assert rules.cookie_config({"auth_cookie": {"key": KEY}}, demo=True, engine=engine).key == KEY
    with pytest.raises(rules.ConfigError):
        rules.cookie_config({"auth_cookie": {"key": "voorbeeld"}}, demo=True, engine=engine)


# --- session tokens ------------------------------------------------------------------------


def test_a_fresh_token_is_accepted(db):
    token, issued, expires = rules.issue_token("lotte", CONFIG, T0)
    assert expires - issued == 8 * 3600
    with db.connect() as conn:
        check = rules.check_token(conn, token, CONFIG, T0 + minutes(5))
    assert check.ok and check.username == "lotte" and check.issued_at == issued


def test_a_token_signed_with_another_key_or_none_is_refused(db):
    other = jwt.encode({"username": "lotte", "iat": rules.to_ts(T0), "exp_date": rules.to_ts(T0) + 3600},
                       secrets.token_urlsafe(48), algorithm="HS256")
    unsigned = jwt.encode({"username": "lotte", "iat": rules.to_ts(T0), "exp_date": rules.to_ts(T0) + 3600},
                          None, algorithm="none")
    with db.connect() as conn:
        for token in (other, unsigned, "rommel", ""):
            assert rules.check_token(conn, token, CONFIG, T0).reason == "ongeldige_handtekening"


def test_streamlit_authenticators_own_cookie_without_issue_time_is_refused(db):
    library_token = jwt.encode({"username": "lotte", "exp_date": rules.to_ts(T0) + 3600}, KEY, algorithm="HS256")
    with db.connect() as conn:
        assert rules.check_token(conn, library_token, CONFIG, T0).reason == "onvolledig"


def test_expired_tokens_are_refused_also_when_the_configured_expiry_was_shortened(db):
    token, _, _ = rules.issue_token("lotte", CONFIG, T0)
    shorter = rules.CookieConfig(CONFIG.name, KEY, 1.0)
    with db.connect() as conn:
        assert rules.check_token(conn, token, CONFIG, T0 + dt.timedelta(hours=8, seconds=1)).reason == "verlopen"
        assert rules.check_token(conn, token, shorter, T0 + dt.timedelta(hours=2)).reason == "verlopen"
        assert rules.check_token(conn, token, CONFIG, T0 - minutes(5)).reason == "uitgiftetijd_in_toekomst"


def test_a_token_issued_before_the_last_logout_is_refused_and_a_new_one_accepted(db):
    old, _, _ = rules.issue_token("lotte", CONFIG, T0)
    with db.begin() as conn:
        rules.record_logout(conn, "lotte", T0 + minutes(10))
    new, _, _ = rules.issue_token("lotte", CONFIG, T0 + minutes(10) + dt.timedelta(microseconds=1))
    with db.connect() as conn:
        assert rules.check_token(conn, old, CONFIG, T0 + minutes(11)).reason == "na_uitloggen"
        assert rules.check_token(conn, new, CONFIG, T0 + minutes(11)).ok


def test_tokens_of_disabled_or_unknown_users_are_refused(db):
    with db.connect() as conn:
        for name, reason in (("oud", "gebruiker_uitgeschakeld"), ("niemand", "onbekende_gebruiker")):
            token, _, _ = rules.issue_token(name, CONFIG, T0)
            assert rules.check_token(conn, token, CONFIG, T0).reason == reason


# --- lockout -------------------------------------------------------------------------------


def test_lock_end_needs_max_failures_within_the_window():
    four = [T0 + minutes(i) for i in range(4)]
    assert rules.lock_end(four, POLICY) is None
    assert rules.lock_end(four + [T0 + minutes(14)], POLICY) == T0 + minutes(14 + 15)
    spread = [T0 + minutes(4 * i) for i in range(5)]  # first and fifth 16 minutes apart
    assert rules.lock_end(spread, POLICY) is None
    custom = rules.LockoutPolicy(3, minutes(2), minutes(60))
    assert rules.lock_end([T0, T0 + minutes(1), T0 + minutes(1.5)], custom) == T0 + minutes(61.5)


def _verify(good: dict):
    return lambda name, password: good.get(name) == password


def test_five_failures_lock_the_account_for_fifteen_minutes_even_with_the_right_password(db):
    with db.begin() as conn:
        creds = rules.credentials(conn)
        verify = _verify({"lotte": "geheim-wachtwoord-1"})
        outcomes = [rules.attempt_login(conn, "lotte", "fout", creds, verify, POLICY, T0 + minutes(i)) for i in range(5)]
        assert [o.status for o in outcomes] == ["mislukt"] * 4 + ["geblokkeerd"]
        assert outcomes[-1].just_locked and outcomes[-1].locked_until == T0 + minutes(19)
        during = rules.attempt_login(conn, "LOTTE ", "geheim-wachtwoord-1", creds, verify, POLICY, T0 + minutes(18))
        assert during.status == "geblokkeerd" and not during.just_locked
        after = rules.attempt_login(conn, "lotte", "geheim-wachtwoord-1", creds, verify, POLICY, T0 + minutes(19) + dt.timedelta(seconds=1))
        assert after.ok
        # refused attempts during the lockout were not counted: one more failure does not lock again
        assert rules.attempt_login(conn, "lotte", "fout", creds, verify, POLICY, T0 + minutes(20)).status == "mislukt"


def test_a_success_resets_the_count(db):
    with db.begin() as conn:
        creds = rules.credentials(conn)
        verify = _verify({"lotte": "geheim-wachtwoord-1"})
        for i in range(4):
            rules.attempt_login(conn, "lotte", "fout", creds, verify, POLICY, T0 + minutes(i))
        assert rules.attempt_login(conn, "lotte", "geheim-wachtwoord-1", creds, verify, POLICY, T0 + minutes(5)).ok
        assert rules.attempt_login(conn, "lotte", "fout", creds, verify, POLICY, T0 + minutes(6)).status == "mislukt"


def test_unknown_and_disabled_names_behave_exactly_like_existing_ones(db):
    """Same outcomes for a name that does not exist: the messages cannot tell them apart."""
    with db.begin() as conn:
        creds = rules.credentials(conn)
        verify = _verify({"lotte": "geheim-wachtwoord-1", "oud": "geheim-wachtwoord-3"})
        runs = {}
        for name in ("lotte", "niemand", "oud"):
            runs[name] = [rules.attempt_login(conn, name, "fout", creds, verify, POLICY, T0 + minutes(i)).status
                          for i in range(6)]
        assert runs["lotte"] == runs["niemand"] == runs["oud"] == ["mislukt"] * 4 + ["geblokkeerd"] * 2
        # a disabled account with its right password is refused like a wrong password
        later = T0 + dt.timedelta(hours=1)
        assert rules.attempt_login(conn, "oud", "geheim-wachtwoord-3", creds, verify, POLICY, later).status == "mislukt"


def test_the_count_lives_in_the_database_shared_by_every_process(db):
    """Failures written through one connection lock the account for another (another process)."""
    for i in range(5):
        with db.begin() as conn:
            rules.record_attempt(conn, "lotte", False, T0 + minutes(i))
    fresh = make_engine(db.url.render_as_string(hide_password=False))
    with fresh.connect() as conn:
        assert rules.locked_until(conn, "lotte", POLICY, T0 + minutes(10)) == T0 + minutes(19)
        assert rules.locked_until(conn, "lotte", POLICY, T0 + minutes(19)) is None
    fresh.dispose()


def test_lockout_policy_from_secrets():
    policy = rules.LockoutPolicy.from_secrets({"login": {"max_failures": 3, "window_minutes": 5, "lockout_minutes": 60}})
    assert policy == rules.LockoutPolicy(3, minutes(5), minutes(60))
    with pytest.raises(rules.ConfigError):
        rules.LockoutPolicy.from_secrets({"login": {"max_failures": 2.5}})


# --- credentials ---------------------------------------------------------------------------


def test_credentials_hold_active_accounts_with_a_password_only(db):
    with db.begin() as conn:
        users.create_user(conn, "sso", "Alleen SSO", ["lea"], None, email="sso@gemeente.example")
        creds = rules.credentials(conn)
    assert set(creds["usernames"]) == {"lotte", "bea"}
    entry = creds["usernames"]["lotte"]
    assert entry["roles"] == ["leerplicht"] and entry["password"].startswith("$2")


def test_streamlit_authenticator_checks_passwords_against_the_database_credentials(db):
    """The library's own check (bcrypt) on the dict built from app_user."""
    from streamlit_authenticator.models import AuthenticationModel

    with db.connect() as conn:
        model = AuthenticationModel(rules.credentials(conn), auto_hash=False)
    assert model.check_credentials("lotte", "geheim-wachtwoord-1") is True
    assert model.check_credentials("lotte", "fout") is False
    assert model.check_credentials("oud", "geheim-wachtwoord-3") is False


def test_login_attempt_rows_hold_no_password(db):
    with db.begin() as conn:
        creds = rules.credentials(conn)
        rules.attempt_login(conn, "lotte", "mijn-geheime-poging", creds, _verify({}), POLICY, T0)
        rows = conn.execute(select(LoginAttempt.__table__)).all()
    assert len(rows) == 1 and "mijn-geheime-poging" not in repr(rows)
