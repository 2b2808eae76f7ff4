"""Pure chart builders: a DataFrame in, an Altair chart out (no streamlit)."""
