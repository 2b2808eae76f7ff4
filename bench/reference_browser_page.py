"""The bare reference page of the browser and memory benchmarks: the page benchmarks' reference
(one metric, one 100-point Altair chart, one 10-row dataframe) plus one number input that the
metric and a label on the chart follow, so that a change of the input can be timed to its new
total and its redrawn chart, as on the app's pages.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

users = int(st.number_input("Users", 0, 100_000_000, 1_000_000, step=100_000, key="users", bind="query-params"))
counts = np.arange(100, dtype=np.int64) * 100_000
frame = pd.DataFrame({"users": counts, "total": 2_000 + (counts // 100_000) * 4_800})
total = 2_000 + (users // 100_000) * 4_800
st.metric("Total", f"CNY {total:,}")
mark = pd.DataFrame({"users": [users], "total": [total], "label": [f"You: {users:,} users"]})
line = alt.Chart(frame).mark_line().encode(x=alt.X("users:Q"), y=alt.Y("total:Q"))
label = alt.Chart(mark).mark_text(align="left", dx=6).encode(x=alt.X("users:Q"), y=alt.Y("total:Q"),
                                                              text=alt.Text("label:N"))
st.altair_chart(line + label, width="stretch")
st.dataframe(frame.head(10), hide_index=True)
