"""The app's routes: one stable Dutch URL per page for every role, in Streamlit's st.navigation.

Every page key of ``access.PAGES`` is a route for everyone, so a typed URL or a bookmark never
meets Streamlit's English "Page not found":
- logged out: the login form, which remembers the page and its query parameters, so that after
  logging in the visitor lands on exactly that URL;
- logged in, a role that may open it: the page (in the menu);
- logged in, no role for it: a Dutch "Geen toegang" that names who may open it (not in the menu).
A path that is no page at all gets a Dutch "Pagina niet gevonden" with a link to the start.

The start page ``/`` is a page of its own (hidden): it sends the user to the remembered page or
the role's first page, so that page keeps its own URL (Streamlit serves the default page only
at ``/``, never at its url_path).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import streamlit as st

from data_access import access
from data_access import audit as audit_log
from data_access import users
from ui.guard import WANTED, audit

URL_PATH = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")


def requested_path() -> str:
    """The first path segment of the browser's URL ('' at the root)."""
    try:
        url = st.context.url or ""
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest) there is no URL
        return ""
    return urlsplit(url).path.strip("/").rsplit("/", 1)[-1].lower()


def navigation(user: users.User | None, *, empty: bool = False):
    """The routes for this run (logged out: the login form at every page's URL)."""
    from ui import auth

    if user is None:
        start = st.Page(_login_here(""), title="Inloggen", icon=":material/login:", url_path="inloggen",
                        default=True)
        routes = [st.Page(_login_here(key), title="Inloggen", url_path=key, visibility="hidden")
                  for key in access.PAGES]
        return st.navigation([start, *routes, *_not_found(start)], position="hidden")

    allowed = access.allowed_pages(user.roles)
    if empty and "beheer" not in user.roles:
        pages = {key: st.Page(_no_data, title=access.PAGES[key]["title"], icon=access.PAGES[key]["icon"],
                              url_path=key) for key in allowed}
    else:
        pages = {key: st.Page(f"pages/{key}.py", title=access.PAGES[key]["title"],
                              icon=access.PAGES[key]["icon"], url_path=key) for key in allowed}
    forbidden = {key: st.Page(_forbidden(key, user), title="Geen toegang", url_path=key, visibility="hidden")
                 for key in access.PAGES if key not in pages}
    home = access.home_page(user.roles)
    start = st.Page(_start({**pages, **forbidden}, first=pages.get(home) if home else None), title="Start",
                    icon=":material/home:", url_path="start", default=True, visibility="hidden")
    with st.sidebar:
        auth.user_box(user)
    return st.navigation([start, *pages.values(), *forbidden.values(), *_not_found(start)])


def _not_found(start: st.Page) -> list[st.Page]:
    """A route for the unknown path of this request, so Streamlit does not answer in English."""
    path = requested_path()
    if not path or path in access.PAGES or path in ("inloggen", "start") or not URL_PATH.fullmatch(path):
        return []

    def not_found() -> None:
        st.title("Pagina niet gevonden")
        st.warning(f"De pagina “/{path}” bestaat niet. Controleer het adres of ga naar de startpagina.",
                   icon=":material/search_off:")
        st.page_link(start, label="Naar de startpagina", icon=":material/home:")

    return [st.Page(not_found, title="Pagina niet gevonden", url_path=path, visibility="hidden")]


def _login_here(key: str) -> Callable[[], None]:
    def login() -> None:
        from ui import auth

        if key:  # remembered until the login succeeds: then the start page goes there
            st.session_state[WANTED] = (key, st.query_params.to_dict())
        auth.login_page()

    login.__name__ = f"inloggen_{key or 'start'}"
    return login


def _start(routes: dict, first) -> Callable[[], None]:
    """Go to the page asked for before the login (with its query parameters), else the role's
    first page. A switch, not a render in place: the page keeps its URL on every later rerun."""
    def start() -> None:
        key, params = st.session_state.pop(WANTED, None) or ("", {})
        if key in routes:
            st.switch_page(routes[key], query_params=params or None)
        if first is not None:
            st.switch_page(first)
        st.title("Geen toegang")
        st.error("Uw account heeft geen rol met toegang tot een pagina. Neem contact op met functioneel beheer.")

    return start


def _forbidden(key: str, user: users.User | None) -> Callable[[], None]:
    def forbidden() -> None:
        if user is not None:
            audit(user, audit_log.ACCESS_DENIED, object_type=audit_log.OBJECT_PAGE, object_id=key,
                  result="geweigerd")
        st.title("Geen toegang")
        st.error(f"De pagina “{access.PAGES[key]['title']}” is alleen voor {who_may_open(key)}. "
                 "Denkt u dat u deze pagina nodig hebt? Vraag functioneel beheer om de rol.",
                 icon=":material/lock:")

    forbidden.__name__ = f"geen_toegang_{key}"
    return forbidden


def who_may_open(key: str) -> str:
    """'leerplichtambtenaar' or 'portefeuillehouder, leerplichtambtenaar en functioneel beheer'."""
    labels = [label for role, label in users.ROLE_LABELS.items() if role in access.PAGES[key]["roles"]]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " en " + labels[-1]


def _no_data() -> None:
    st.title("Nog geen gegevens")
    st.info("Het dashboard heeft nog geen gegevens. Functioneel beheer vult het met een import; "
            "probeer het daarna opnieuw.", icon=":material/hourglass_empty:")


