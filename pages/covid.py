from ui.guard import require

user = require("covid")

import streamlit as st  # noqa: E402

from ui import cache  # noqa: E402
from ui.covid import data as covid_data  # noqa: E402
from ui.covid import filters as covid_filters  # noqa: E402
from ui.covid import sections as covid_sections  # noqa: E402
from ui.covid import tiles as covid_tiles  # noqa: E402
from ui.covid import views as covid_views  # noqa: E402

suppressor = cache.suppressor_for(user.roles)  # None: leerplicht sees every count

st.title("Contact tijdens COVID-19")
st.caption("Hielden de leerplichtambtenaren contact met de scholen en met de gezinnen van jongeren in beeld "
           "tijdens de schoolsluitingen? Elke periode staat naast evenveel normale schoolweken.")

selection = covid_filters.render_selection()
view = covid_data.load(covid_views.report_view, selection.group, selection.period.key, selection.direction, suppressor)
if view is None:
    st.info("Deze periode bestaat niet meer. Kies een andere periode.", icon=":material/event_busy:")
    st.stop()

if view.no_contacts:
    st.info("Er zijn nog geen contacten van leerplicht vastgelegd voor deze periode of de weken ervoor en "
            "erna. De cijfers verschijnen zodra contacten zijn geregistreerd of geïmporteerd.",
            icon=":material/info:")
    st.stop()

covid_tiles.show_windows(view.windows)
covid_tiles.show_tiles(view.tiles)
covid_tiles.show_family_detail(view.families, view.attempts, suppressor)

over_time, comparison, mass, heatmap = st.tabs(
    ["Contacten per week of maand", "Alle perioden", "Nieuwsbrieven en bijeenkomsten", "Scholen per week"])
with over_time:
    covid_sections.render_over_time(selection, view.baseline, suppressor)
with comparison:
    covid_sections.render_comparison(selection, suppressor)
with mass:
    covid_sections.render_mass_contacts(selection, suppressor)
with heatmap:
    covid_sections.render_heatmap(selection, *view.heatmap_range)
