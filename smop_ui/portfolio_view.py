"""The portfolio section of the pricing review page (an entry of app_pages/review.py's SECTIONS).

The rules and the wording live in ``smop_pricing.portfolio`` / ``portfolio_report`` and the
histogram in ``smop_pricing.charts.portfolio``; this module gathers the inputs, keeps what was
read and priced in ``st.session_state`` (never at module level) and places the results.

Session state of this section:

- ``pf_source``, ``pf_size``, ``pf_seed``, ``pf_basis``: the widgets, mirrored in
  ``pf_choices`` so that a visit to another page (which clears widget state) keeps them;
- ``pf_uploaded``: (id, PortfolioFrame) of the last upload that could be used;
- ``pf_file``: (file id, error or None) of the upload last read, so a rerun never reads the
  same upload again, and a file that cannot be used keeps saying why while it is selected;
- ``pf_synthetic``: (id, PortfolioFrame) of the made-up portfolio of the current size and seed;
- ``pf_priced``: ((portfolio id, published, what-if), PricedPortfolio), so a rerun that changes
  neither the portfolio nor the tariffs prices nothing; ``pf_view``: (basis, Comparison).

Memory (smop_ui/limits.py): one priced portfolio at a time (the made-up one is let go when an
upload is read; the upload's rows are kept for a switch back), priced in compact form, the
download priced and written only on its click; a large read, pricing or download takes one of
the server's few large-job slots, or the section says "busy, try again".
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from smop_pricing.charts.portfolio import difference_histogram_chart
from smop_pricing.errors import SmopError
from smop_pricing.i18n import t
from smop_pricing.money import format_money
from smop_pricing.portfolio import (
    Basis,
    Comparison,
    PortfolioFrame,
    ReadProgress,
    read_portfolio,
    with_basis,
)
from smop_pricing.portfolio.compact import price_compact, priced_csv_on_demand
from smop_pricing.portfolio.compare import SIDES_SHOWN, change_groups, split_histogram
from smop_pricing.portfolio.report import (
    BINS,
    DEFAULT_SYNTHETIC_SIZE,
    MAX_SEED,
    MAX_SYNTHETIC_SIZE,
    MIN_SYNTHETIC_SIZE,
    SOURCES,
    SYNTHETIC,
    TOP,
    UPLOAD,
    PricedPortfolio,
    bad_rows_line,
    change_text,
    changes_on,
    column_labels,
    customers_table,
    errors_csv_bytes,
    errors_file_name,
    group_delta,
    notes,
    priced_file_name,
    progress_text,
    revenue_table,
    shown_errors,
    source_line,
    summary_lines,
    synthetic_frame,
)
from smop_pricing.pricing.tariff import Tariff
from smop_ui.charts import arrow, draw, memo, vega_spec
from smop_ui.limits import (
    DOWNLOAD_WAIT_SECONDS,
    MAX_LARGE_JOBS,
    BusyError,
    busy_notice,
    is_large,
    large_job,
    start_janitor,
)
from smop_ui.markdown import escaped

SOURCE, SIZE, SEED, BASIS, UPLOADER = "pf_source", "pf_size", "pf_seed", "pf_basis", "pf_upload"
CHOICES = "pf_choices"
UPLOADED = "pf_uploaded"
FILE = "pf_file"
SYNTH = "pf_synthetic"
PRICED = "pf_priced"
VIEW = "pf_view"
DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {SOURCE: SYNTHETIC, SIZE: DEFAULT_SYNTHETIC_SIZE, SEED: 0, BASIS: "literal"}
)
BASES: tuple[Basis, ...] = ("literal", "cheapest")

Loaded = tuple[str, PortfolioFrame]
BUSY = "busy"  # what a source gives when the server is too busy to read or make a portfolio

def _ensure_widgets() -> None:
    """Start each widget at its remembered value (a page switch clears widget state)."""
    saved = st.session_state.get(CHOICES, DEFAULTS)
    for key, default in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = saved.get(key, default)


def _remember() -> None:
    st.session_state[CHOICES] = {key: st.session_state.get(key, default) for key, default in DEFAULTS.items()}


# --- the source ---------------------------------------------------------------------------------


def _read(uploaded: Any, file_id: str, lang: str) -> SmopError | None:
    """Read an upload with a progress bar; keep it when it can be used, else return why not."""
    bar = st.progress(0.0, text=t("portui.reading", lang))

    def report(progress: ReadProgress) -> None:
        bar.progress(progress.fraction, text=progress_text(progress, lang))

    try:
        uploaded.seek(0)
        frame = read_portfolio(uploaded, report, name=str(uploaded.name))
    except SmopError as error:
        return error
    finally:
        bar.empty()
    st.session_state[UPLOADED] = (f"{UPLOAD}:{file_id}", frame)
    return None


def _upload(lang: str) -> Loaded | str | None:
    limit = f"{st.get_option('server.maxUploadSize')} MB"
    uploaded = st.file_uploader(
        t("portui.upload", lang), type=["csv", "txt", "tsv"], key=UPLOADER,
        help=t("portui.upload_help", lang, limit=limit),
    )
    state = st.session_state
    if uploaded is None:
        state.pop(FILE, None)
    else:
        file_id = str(getattr(uploaded, "file_id", "") or f"{uploaded.name}:{uploaded.size}")
        seen = state.get(FILE)
        if seen is None or seen[0] != file_id:
            with large_job(is_large(size_bytes=int(uploaded.size or 0))) as may:
                if not may:
                    busy_notice(lang, "pf_busy_read")
                    return BUSY
                _let_go(SYNTH)  # one portfolio per session: the other source's is let go first
                state[FILE] = (file_id, _read(uploaded, file_id, lang))
        error: SmopError | None = state[FILE][1]
        if error is not None:
            reason = error.message(lang)
            st.error(escaped(t("portui.upload_failed", lang, reason=reason)), icon=":material/error:")
            st.caption(t("portui.upload_kept" if UPLOADED in state else "portui.upload_nothing_kept", lang))
    loaded: Loaded | None = state.get(UPLOADED)
    return loaded


def _let_go(key: str) -> None:
    """Drop a portfolio this session no longer shows, and its pricing (one portfolio at a time)."""
    state = st.session_state
    gone = state.pop(key, None)
    priced = state.get(PRICED)
    if gone is not None and priced is not None and priced[0][0] == gone[0]:
        state.pop(PRICED, None)
        state.pop(VIEW, None)


def _synthetic(lang: str) -> Loaded | str:
    with st.container(horizontal=True):
        size = st.number_input(
            t("portui.size", lang), min_value=MIN_SYNTHETIC_SIZE, max_value=MAX_SYNTHETIC_SIZE, step=1_000,
            key=SIZE, help=t("portui.size_help", lang, minimum=f"{MIN_SYNTHETIC_SIZE:,}",
                             maximum=f"{MAX_SYNTHETIC_SIZE:,}"),
        )
        seed = st.number_input(
            t("portui.seed", lang), min_value=0, max_value=MAX_SEED, step=1, key=SEED,
            help=t("portui.seed_help", lang),
        )
    key = f"{SYNTHETIC}:{int(size)}:{int(seed)}"
    cached: Loaded | None = st.session_state.get(SYNTH)
    if cached is None or cached[0] != key:
        with large_job(is_large(rows=int(size))) as may:
            if not may:
                busy_notice(lang, "pf_busy_synthetic")
                return BUSY
            cached = (key, synthetic_frame(int(size), int(seed)))
        st.session_state[SYNTH] = cached
    return cached


# --- pricing (cached in the session) ------------------------------------------------------------


def _priced(loaded: Loaded, published: Tariff, whatif: Tariff, lang: str) -> PricedPortfolio | None:
    """The portfolio priced (compact: see smop_pricing.portfolio.compact); None when the server is busy."""
    key = (loaded[0], published, whatif)
    cached = st.session_state.get(PRICED)
    if cached is None or cached[0] != key:
        st.session_state.pop(PRICED, None)  # the old pricing goes before the new one is made
        st.session_state.pop(VIEW, None)
        with large_job(is_large(rows=loaded[1].priced_rows)) as may:
            if not may:
                busy_notice(lang, "pf_busy_price")
                return None
            with st.spinner(t("portui.pricing", lang, count=f"{loaded[1].priced_rows:,}")):
                priced = price_compact(loaded[1], published, whatif, top=TOP, bins=BINS)
        cached = (key, priced)
        st.session_state[PRICED] = cached
        st.session_state.pop(VIEW, None)
    result: PricedPortfolio = cached[1]
    return result


def _view(priced: PricedPortfolio, basis: Basis) -> Comparison:
    if basis == priced.comparison.basis:
        return priced.comparison
    cached = st.session_state.get(VIEW)
    if cached is None or cached[0] != basis:
        cached = (basis, with_basis(priced.comparison, basis, top=TOP, bins=BINS))
        st.session_state[VIEW] = cached
    view: Comparison = cached[1]
    return view


# --- what is shown ------------------------------------------------------------------------------


def _source_line(priced: PricedPortfolio, lang: str) -> str:
    """Where the portfolio came from, how many rows were priced and not (kept: the section and the
    summary beside the editor both say it on every run)."""
    return memo("pf_source_line", (st.session_state[PRICED][0], lang), lambda: source_line(priced.frame, lang))


def _bad_rows(frame: PortfolioFrame, lang: str, labels: dict[str, str]) -> None:
    line = memo("pf_bad_rows_line", (st.session_state[PRICED][0], lang), lambda: bad_rows_line(frame, lang))
    if line is None:
        return
    st.warning(line, icon=":material/warning:")
    table = shown_errors(frame, lang)
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={
            "line": st.column_config.NumberColumn(labels["line"], format="%d"),
            "column": labels["column"], "value": labels["value"], "reason": labels["reason"],
        },
    )
    if len(frame.errors) > len(table):
        st.caption(t("portui.bad_rows_shown", lang, shown=f"{len(table):,}", total=f"{len(frame.errors):,}"))
    errors, encoding = frame.errors, frame.encoding
    st.download_button(
        t("portui.download_errors", lang),
        data=lambda: errors_csv_bytes(errors, lang, encoding),
        file_name=errors_file_name(frame.source),
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="pf_errors_download",
    )


def groups_row(priced: PricedPortfolio, lang: str, basis: Basis = "literal") -> None:
    """Who pays more, less and the same: counts, shares and the sums of their differences."""
    groups = memo("pf_groups", (st.session_state[PRICED][0], basis),
                  lambda: change_groups(priced.comparison.table, basis))
    with st.container(horizontal=True):
        for side in SIDES_SHOWN:
            group = groups[side]
            st.metric(t(f"portui.group_{side}", lang), f"{group.customers:,}", width="stretch",
                      delta=group_delta(group, lang), delta_color="off", delta_arrow="off")


def _revenue(priced: PricedPortfolio, lang: str, labels: dict[str, str]) -> None:
    c = priced.comparison
    st.subheader(t("portui.revenue", lang))
    _money_row(priced, lang)
    # kept as an Arrow table for this portfolio, both tariffs and the language (see smop_ui.charts.arrow)
    table = memo("pf_revenue_table", (st.session_state[PRICED][0], lang), lambda: arrow(revenue_table(c, lang)))
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={name: labels[name] for name in ("purchase", "published", "whatif", "difference", "change")},
    )
    st.caption(t("portui.revenue_note", lang))


def _money_row(priced: PricedPortfolio, lang: str) -> None:
    """The platform fee a year and the one-time packs, what-if against published."""
    before, after = priced.comparison.periods  # summed when priced
    with st.container(horizontal=True):
        st.metric(t("portui.customers", lang), f"{priced.comparison.published.customers:,}", width="stretch")
        for label, old, new in (("portui.platform_year_metric", before.platform_per_year, after.platform_per_year),
                                ("portui.packs_metric", before.packs_once, after.packs_once)):
            st.metric(t(label, lang), format_money(new, lang), width="stretch",
                      delta=change_text(old, new, lang) if new != old else None, help=t("portui.metric_help", lang))


def portfolio_summary(priced: PricedPortfolio | None, lang: str) -> None:
    """The effect of the what-if tariff on the portfolio, beside the editor: counts and money by period,
    as lines that fit a narrow column (metrics would cut a long amount off)."""
    st.markdown(f"**{t('portui.summary_title', lang)}**")
    if priced is None:
        st.caption(t("portui.summary_none", lang))
        return
    lines = memo("pf_summary", (st.session_state[PRICED][0], lang),
                 lambda: summary_lines(priced.comparison, lang))
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.caption(escaped(t("portui.summary_source", lang, source=_source_line(priced, lang))))


def _customers(priced: PricedPortfolio, lang: str, labels: dict[str, str]) -> None:
    basis: Basis = st.radio(
        t("portui.basis", lang), options=list(BASES), format_func=lambda b: t(f"portui.purchase_{b}", lang),
        horizontal=True, key=BASIS,
    )
    view = _view(priced, basis)
    groups_row(priced, lang, basis)
    unchanged, changed = memo("pf_changes_on", (st.session_state[PRICED][0], basis),
                              lambda: (priced.unchanged, changes_on(view, basis)))
    if unchanged:
        st.info(t("portui.unchanged", lang), icon=":material/info:")
    elif not changed:
        st.info(t(f"portui.unchanged_{basis}", lang), icon=":material/info:")
    else:  # a histogram of one bin of zeros says nothing
        # kept in the session for this portfolio, both tariffs, basis and language (see smop_ui.charts)
        key = (st.session_state[PRICED][0], basis, lang)
        draw(memo("pf_histogram", key, lambda: vega_spec(
            difference_histogram_chart(split_histogram(view.table, basis, BINS), lang, basis))))
        st.caption(t("portui.histogram_note", lang))
    config: dict[str, Any] = {
        "line": st.column_config.NumberColumn(labels["line"], format="%d"),
        "customer": st.column_config.TextColumn(labels["customer"]),
        "users": st.column_config.NumberColumn(labels["users"], format="localized"),
        "months": st.column_config.NumberColumn(labels["months"], format="%d"),
        "held_units": st.column_config.NumberColumn(labels["held_units"], format="%d"),
        "published": labels["published"],
        "whatif": labels["whatif"],
        "difference": labels["difference"],
    }
    # one above the other, full width: side by side, the money columns would scroll out of sight
    for frame, title, empty in (
        (view.winners, "portui.winners", "portui.no_winners"),
        (view.losers, "portui.losers", "portui.no_losers"),
    ):
        st.markdown(f"**{t(title, lang, top=TOP)}**")
        if frame.empty:
            st.caption(t(empty, lang))
        else:
            table = memo(f"pf_{title}", (st.session_state[PRICED][0], basis, lang),
                         lambda frame=frame: arrow(customers_table(frame, lang)))
            st.dataframe(table, hide_index=True, width="stretch", column_config=config)
    st.caption(t("portui.limits_note", lang, bins=BINS, top=TOP))


def _download(priced: PricedPortfolio, published: Tariff, whatif: Tariff, lang: str) -> None:
    encoding = priced.frame.encoding

    def build() -> bytes:
        """Priced again and written on the click, on its own thread; waits for a slot if busy."""
        with large_job(is_large(rows=priced.frame.priced_rows), wait=DOWNLOAD_WAIT_SECONDS) as may:
            if not may:
                raise BusyError(t("limits.busy", lang, jobs=MAX_LARGE_JOBS))
            return priced_csv_on_demand(priced, published, whatif, encoding)

    st.download_button(
        t("portui.download_priced", lang),
        data=build,
        file_name=priced_file_name(priced.frame.source),
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        help=t("portui.download_priced_help", lang),
        key="pf_priced_download",
    )


def portfolio_section(lang: str, published: Tariff, whatif: Tariff) -> PricedPortfolio | None:
    """Choose a portfolio, then show its revenue under both tariffs and who wins and loses."""
    start_janitor()
    _ensure_widgets()
    st.caption(t("portui.help", lang))
    source = st.radio(
        t("portui.source", lang), options=list(SOURCES), format_func=lambda s: t(f"portui.source_{s}", lang),
        horizontal=True, key=SOURCE,
    )
    loaded = _upload(lang) if source == UPLOAD else _synthetic(lang)
    if loaded == BUSY:
        _remember()
        return None
    if loaded is None:
        _remember()
        st.info(t("portui.upload_first", lang), icon=":material/upload_file:")
        return None
    priced = _priced(loaded, published, whatif, lang) if isinstance(loaded, tuple) else None
    if priced is None:
        _remember()
        return None
    labels = column_labels(lang)
    st.caption(escaped(_source_line(priced, lang)))
    for line in memo("pf_notes", (st.session_state[PRICED][0], lang), lambda: notes(priced.frame, lang)):
        st.caption(line)
    _bad_rows(priced.frame, lang, labels)
    _revenue(priced, lang, labels)
    _customers(priced, lang, labels)
    _download(priced, published, whatif, lang)
    _remember()
    return priced


@st.fragment
def portfolio_fragment(lang: str, published: Tariff, whatif: Tariff, summary: DeltaGenerator) -> None:
    """The portfolio section here and its summary in ``summary`` (beside the editor), as one fragment:
    choosing, changing or reading a portfolio (or its basis) reruns these two only, not the tariff
    curves and the other sections, which do not depend on the portfolio. A change of the what-if
    tariff or the language reruns the whole page, this fragment with it."""
    priced = portfolio_section(lang, published, whatif)
    with summary:
        portfolio_summary(priced, lang)
