"""ui.streamlit_private still works with the installed Streamlit.

The wrapper falls back to the public (slower) path when a Streamlit internal is gone, so the
pages would not show the breakage; these tests do. Each calls the internal on a tiny chart or
frame and checks the shape of what comes back, and that Streamlit's public element accepts it.
"""
from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from ui import streamlit_private

FRAME = pd.DataFrame({"week": ["2024-09-02", "2024-09-09"], "uren": [3.5, 0.0]})


def tiny_chart() -> alt.Chart:
    return alt.Chart(FRAME).mark_bar().encode(x="week:N", y="uren:Q")


def test_vega_lite_spec_carries_the_chart_and_its_rows_as_an_arrow_dataset():
    spec = streamlit_private.vega_lite_spec(tiny_chart())

    assert spec is not None, "streamlit.elements.vega_charts._convert_altair_to_vega_lite_spec is gone"
    assert spec["mark"] == {"type": "bar"} or spec["mark"] == "bar"
    assert spec["encoding"]["x"]["field"] == "week"
    assert spec["encoding"]["y"]["field"] == "uren"
    # the data is a reference to one dataset, which holds the frame's rows as Arrow IPC bytes
    name = spec["data"]["name"]
    assert list(spec["datasets"]) == [name]
    rows = pa.ipc.open_stream(spec["datasets"][name]).read_all().to_pandas()
    assert rows["week"].tolist() == ["2024-09-02", "2024-09-09"]
    assert rows["uren"].tolist() == [3.5, 0.0]


def test_arrow_table_is_the_frame_as_an_arrow_table():
    table = streamlit_private.arrow_table(FRAME)

    assert isinstance(table, pa.Table), "streamlit.dataframe_util.convert_pandas_df_to_arrow_table is gone"
    assert table.column_names[:2] == ["week", "uren"]
    assert table.column("uren").to_pylist() == [3.5, 0.0]


def _app_drawing_ready_and_plain():
    import altair as alt
    import pandas as pd
    import streamlit as st

    from ui import streamlit_private

    frame = pd.DataFrame({"week": ["2024-09-02", "2024-09-09"], "uren": [3.5, 0.0]})
    chart = alt.Chart(frame).mark_bar().encode(x="week:N", y="uren:Q")
    st.vega_lite_chart(spec=streamlit_private.vega_lite_spec(chart), width="stretch")
    st.altair_chart(chart, width="stretch")
    st.dataframe(streamlit_private.arrow_table(frame))
    st.dataframe(frame)
    st.text("context: " + ("ja" if streamlit_private.script_run_context() is not None else "nee"))


def test_the_ready_spec_and_table_draw_what_the_public_calls_draw():
    app = AppTest.from_function(_app_drawing_ready_and_plain).run(timeout=30)

    assert not app.exception
    ready_chart, plain_chart, ready_table, plain_table, context = app.main.children.values()
    assert ready_chart.type == plain_chart.type == "vega_lite_chart"
    assert ready_chart.proto == plain_chart.proto  # spec, Arrow datasets and theme alike
    assert ready_table.proto == plain_table.proto
    assert ready_table.value["uren"].tolist() == [3.5, 0.0]
    assert context.value == "context: ja"


def test_outside_a_script_run_there_is_no_context():
    assert streamlit_private.script_run_context() is None
