from ui.guard import require

user = require("keten")

import streamlit as st  # noqa: E402

from ui import cache  # noqa: E402
from ui import quality as registration  # noqa: E402
from ui.chain import data, sections  # noqa: E402
from ui.chain.labels import PAGE_TITLE  # noqa: E402

suppressor = cache.suppressor_for(user.roles)  # None: leerplicht sees every count and the officers
settings = cache.settings()

st.title(PAGE_TITLE)
st.caption("Komt een jongere met een signaal via melding, contact, zaak en uitkomst terug in de klas? Per schooljaar "
           "van het signaal; " + ("alle cijfers, ook per behandelaar." if suppressor is None else
                                  f"kleine aantallen jongeren (minder dan {suppressor.threshold}) zijn verborgen."))

today = data.load(data.reference_date)
chains = data.load(data.chains, today, settings)
years = sections.years_of(chains)
if not years:
    st.info("Er zijn nog geen signalen, meldingen of zaken vastgelegd.", icon=":material/info:")
    st.stop()

year = sections.choose_year(years)
start, end = sections.year_window(year)
quality = data.load(registration.school_quality, start, min(end, today), settings.compliance_school_days)

sections.funnel_section(chains, year, suppressor)
sections.flags_line(chains, year, suppressor, settings)
sections.outcomes_section(chains, year, suppressor)
sections.step_days_section(chains, year, suppressor)
sections.dropout_section(chains, year, suppressor, data.load(data.group_names), quality,
                         settings.compliance_school_days)
sections.help_section(chains, suppressor)
sections.recidive_section(chains, suppressor, settings.recidive_months)
sections.quality_section(quality, year, settings.compliance_school_days)
