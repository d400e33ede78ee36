"""LEA-dashboard entry point: page config, login, role-based navigation — nothing else."""
import streamlit as st

from data_access import access
from ui import auth
from ui.db import is_demo, stop_if_unreachable

st.set_page_config(page_title="LEA-dashboard", page_icon=":material/school:", layout="wide")
stop_if_unreachable()

user = auth.current_user()

if user is None:
    navigation = st.navigation(auth.login_pages(), position="hidden")
else:
    pages = [
        st.Page(f"pages/{key}.py", title=access.PAGES[key]["title"], icon=access.PAGES[key]["icon"],
                url_path=key)
        for key in access.allowed_pages(user.roles)
    ]
    if not pages:
        pages = [st.Page(auth.no_access_page, title="Geen toegang", url_path="geen-toegang")]
    navigation = st.navigation(pages)
    with st.sidebar:
        auth.user_box(user)

if is_demo():
    st.info("**Demo — fictieve gegevens.** Alle namen, scholen en cijfers zijn verzonnen.",
            icon=":material/science:")

navigation.run()
