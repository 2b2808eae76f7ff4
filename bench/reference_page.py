"""The bare reference page the page benchmarks compare each page with (run in the same process):
one metric, one 100-point Altair chart, one 10-row dataframe, built afresh on every rerun.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

users = np.arange(100, dtype=np.int64) * 100_000
frame = pd.DataFrame({"users": users, "total": 2_000 + (users // 100_000) * 4_800})
st.metric("Total", f"{int(frame['total'].iloc[-1]):,}")
st.altair_chart(alt.Chart(frame).mark_line().encode(x="users:Q", y="total:Q"), width="stretch")
st.dataframe(frame.head(10), hide_index=True)
