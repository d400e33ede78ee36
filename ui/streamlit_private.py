"""The only place that calls Streamlit internals; every other module goes through here.

Why they are used at all:

- ``vega_lite_spec``: Streamlit's own Altair → Vega-Lite conversion (the Altair chart's
  ``to_dict`` with schema validation and deep copies, its data as Arrow datasets). The chart
  views of /scholen, /covid and /status run it once per selection and cache the result, then
  draw it with the public ``st.vega_lite_chart``, which sends it as it is; converting on every
  rerun with ``st.altair_chart`` was a large part of a rerun. Streamlit has no public way to
  get the spec that ``st.altair_chart`` would send.
- ``arrow_table``: the Arrow table ``st.dataframe`` makes of a DataFrame. ``st.dataframe`` sends
  a given Arrow table as it is, so caching the converted table per selection gives the browser
  the same bytes without converting on every rerun.
- ``script_run_context``: the session state of the script run that draws a download button,
  needed later by the button's file generator, which Streamlit runs in a worker thread outside
  any script run (see ui.downloads).

These names are not part of Streamlit's API and may move or change in any release. The two
converters degrade to the public path when their import fails (None / the frame itself), so the
pages keep working, only slower. ``script_run_context`` does not: without it a download could no
longer be bound to the session that drew it, so it raises rather than silently weaken that
check. ``tests/test_streamlit_private.py`` fails on such an upgrade so that it does not go
unnoticed.
"""
from __future__ import annotations

from typing import Any

import pandas as pd


def vega_lite_spec(chart: Any) -> dict | None:
    """The Vega-Lite spec (with Arrow datasets) that ``st.altair_chart(chart)`` would send, or
    None if this Streamlit has no such converter (then the caller draws with st.altair_chart)."""
    try:
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
    except ImportError:
        return None
    return _convert_altair_to_vega_lite_spec(chart)


def arrow_table(frame: pd.DataFrame) -> Any:
    """The Arrow table ``st.dataframe(frame)`` would send, or ``frame`` itself if this Streamlit
    has no such converter (st.dataframe then converts it on every run)."""
    try:
        from streamlit.dataframe_util import convert_pandas_df_to_arrow_table
    except ImportError:
        return frame
    return convert_pandas_df_to_arrow_table(frame)


def script_run_context() -> Any:
    """The current script run's context (with its ``session_state``), or None outside a run."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    return get_script_run_ctx()
