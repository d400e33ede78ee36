"""User management for beheer (on the /beheer page): the same actions as `lea user …`.

Every change is audited with the acting beheer account as actor and the account name as
object id. A password change, a change of roles, disabling, enabling and "alle sessies
beëindigen" end every session and cookie of that user on its next click (data_access.users).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access import audit, users
from data_access.models import ROLES
from ui.db import engine
from ui.guard import audit as audit_event

RESULT = "user_admin_result"


def _role_text(roles) -> str:
    return ", ".join(users.ROLE_LABELS.get(r, r) for r in roles) or "geen rol"


def _apply(actor: users.User, action: str, target: str, change, details: dict | None = None,
           done: str = "Opgeslagen.") -> None:
    """Run one change and its audit row in one transaction; remember the outcome to show."""
    try:
        with engine().begin() as conn:
            extra = change(conn)
            audit_event(actor, action, object_type=audit.OBJECT_USER, object_id=target,
                        details={**(details or {}), **(extra or {})} or None, conn=conn)
        st.session_state[RESULT] = ("success", done)
    except users.UserError as exc:
        st.session_state[RESULT] = ("error", str(exc))


def render_user_admin(user: users.User) -> None:
    """The "Gebruikers" section of the beheer page (caller already checked the beheer role)."""
    st.subheader("Gebruikers")
    outcome = st.session_state.pop(RESULT, None)
    if outcome:
        (st.success if outcome[0] == "success" else st.error)(outcome[1])

    with engine().connect() as conn:
        accounts = users.list_users(conn)
    st.dataframe(
        pd.DataFrame([{"gebruikersnaam": u.username, "naam": u.name, "e-mail": u.email or "",
                       "rollen": _role_text(u.roles), "actief": u.active} for u in accounts],
                     columns=["gebruikersnaam", "naam", "e-mail", "rollen", "actief"]),
        hide_index=True, placeholder="–", width="stretch",
    )
    names = [u.username for u in accounts]
    by_name = {u.username: u for u in accounts}

    add, roles, password, status, sessions = st.tabs(
        ["Toevoegen", "Rollen", "Wachtwoord", "In-/uitschakelen", "Sessies"])
    with add, st.form("user_add", clear_on_submit=True):
        username = st.text_input("Gebruikersnaam", help="kleine letters, cijfers, . _ -", key="user_add_username")
        name = st.text_input("Naam", key="user_add_name")
        email = st.text_input("E-mailadres (voor single sign-on, optioneel)", key="user_add_email")
        chosen = st.multiselect("Rollen", ROLES, format_func=lambda r: users.ROLE_LABELS[r], key="user_add_roles",
                                placeholder="Kies een of meer rollen")
        first = st.text_input("Wachtwoord", type="password", autocomplete="new-password", key="user_add_password",
                              help=f"minstens {users.MIN_PASSWORD_LENGTH} tekens")
        if st.form_submit_button("Gebruiker toevoegen", type="primary", key="user_add_submit"):
            _apply(user, audit.USER_ADDED, username.strip(),
                   lambda conn: users.add_user(conn, username.strip(), name, chosen, first, email=email),
                   {"rollen": chosen}, f"Gebruiker {username.strip()} toegevoegd.")
            st.rerun()

    if not names:
        return
    with roles, st.form("user_roles"):
        target = st.selectbox("Gebruiker", names, key="user_roles_target")
        chosen = st.multiselect("Nieuwe rollen", ROLES, format_func=lambda r: users.ROLE_LABELS[r],
                                key="user_roles_new", placeholder="Kies een of meer rollen")
        st.caption("De rollen worden vervangen door de gekozen rollen; dit geldt vanaf de volgende klik.")
        if st.form_submit_button("Rollen opslaan", type="primary", key="user_roles_submit"):
            _apply(user, audit.ROLES_CHANGED, target,
                   lambda conn: {"oud": list(users.set_roles(conn, target, chosen))},
                   {"nieuw": users.check_roles(chosen)}, f"Rollen van {target}: {_role_text(chosen)}. Bij een wijziging eindigen de open "
                   "sessies van deze gebruiker bij de volgende klik.")
            st.rerun()

    with password, st.form("user_password", clear_on_submit=True):
        target = st.selectbox("Gebruiker", names, key="user_password_target")
        first = st.text_input("Nieuw wachtwoord", type="password", autocomplete="new-password",
                              key="user_password_new")
        second = st.text_input("Nogmaals", type="password", autocomplete="new-password", key="user_password_again")
        st.caption("Alle sessies van deze gebruiker eindigen bij de volgende klik; wijzigt u uw eigen wachtwoord, "
                   "dan logt u daarna opnieuw in.")
        if st.form_submit_button("Wachtwoord instellen", type="primary", key="user_password_submit"):
            if first != second:
                st.session_state[RESULT] = ("error", "De wachtwoorden zijn niet gelijk.")
            else:
                _apply(user, audit.PASSWORD_CHANGED, target, lambda conn: users.set_password(conn, target, first),
                       done=f"Wachtwoord van {target} ingesteld; alle sessies van {target} zijn beëindigd.")
            st.rerun()

    with status, st.form("user_status"):
        target = st.selectbox("Gebruiker", names, key="user_status_target",
                              format_func=lambda n: f"{n} ({'actief' if by_name[n].active else 'uitgeschakeld'})")
        disable, enable = st.columns(2)
        if disable.form_submit_button("Uitschakelen", type="primary", key="user_disable_submit"):
            _apply(user, audit.USER_DISABLED, target, lambda conn: users.set_active(conn, target, False),
                   done=f"{target} is uitgeschakeld; een open sessie eindigt bij de volgende klik.")
            st.rerun()
        if enable.form_submit_button("Inschakelen", key="user_enable_submit"):
            _apply(user, audit.USER_ENABLED, target, lambda conn: users.set_active(conn, target, True),
                   done=f"{target} is ingeschakeld; {target} moet opnieuw inloggen.")
            st.rerun()

    with sessions, st.form("user_sessions"):
        target = st.selectbox("Gebruiker", names, key="user_sessions_target")
        st.caption("Beëindigt elke open sessie en elk bewaard inlogcookie van deze gebruiker, bijvoorbeeld na "
                   "verlies van een laptop. De gebruiker kan daarna gewoon opnieuw inloggen.")
        if st.form_submit_button("Alle sessies beëindigen", type="primary", key="user_sessions_submit"):
            _apply(user, audit.SESSIONS_REVOKED, target, lambda conn: users.end_all_sessions(conn, target),
                   done=f"Alle sessies van {target} zijn beëindigd.")
            st.rerun()
