"""Lifecycle page: build a scenario (an example, the first purchase, settings, a table of
events), then see its timeline, users against capacity, money and a dated narrative.

Layout only: the session state, the URL and the kept results are ``smop_ui.lifecycle_view``'s,
the rules ``smop_pricing.lifecycle``'s.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from smop_pricing import jsonout
from smop_pricing.i18n import t
from smop_pricing.lifecycle.draft import draft_to_document
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.model import MAX_DATE, MIN_DATE, SimulationResult
from smop_pricing.lifecycle.report import assumptions_text, days_in, final_text, note_text, rejection_text, state_label
from smop_pricing.lifecycle.wording import error_text
from smop_pricing.money import format_money
from smop_pricing.pricing.rules import MAX_MONTHS, MAX_USERS
from smop_pricing.pricing.tariff import published_tariff
from smop_ui import lifecycle_view as view
from smop_ui.charts import draw, memo
from smop_ui.chrome import current_lang, footer
from smop_ui.headline import figure_card
from smop_ui.params import full_link
from smop_ui.registry import PAGES

lang = current_lang()
tariff = published_tariff()
HEADLINE_KEY = "life_headline"  # the total paid card: CSS class st-key-life_headline
md = view.md


def _source_row() -> None:
    """An example, a file, or a download of what is being edited."""
    known = view.presets()
    top = st.columns([3, 3, 2], vertical_alignment="bottom")
    top[0].selectbox(t("lifepage.preset_label", lang), [view.CUSTOM, *known], key=view.W_PRESET,
                     on_change=view.on_preset,
                     format_func=lambda n: known[n].title(lang) if n else t("lifepage.preset_custom", lang))
    key = view.upload_key()
    top[1].file_uploader(t("lifepage.upload_label", lang), type=["json"], key=key,
                         help=t("lifepage.upload_help", lang), on_change=view.on_upload, args=(key,),
                         max_upload_size=1)
    top[2].download_button(t("lifepage.download_label", lang),
                           jsonout.dumps(draft_to_document(view.draft())) + "\n", file_name="smop-scenario.json",
                           mime="application/json", on_click="ignore", icon=":material/download:")
    name = view.origin()
    if name and view.preset_edited():
        cols = st.columns([5, 1], vertical_alignment="center")
        cols[0].caption(t("lifepage.preset_edited", lang, title=known[name].title(lang)))
        cols[1].button(t("lifepage.preset_reset", lang), on_click=view.on_restore, icon=":material/undo:")
    elif name:
        st.caption(known[name].description(lang))


def _header_inputs() -> None:
    cols = st.columns(4)
    cols[0].date_input(t("lifepage.start_label", lang), key=view.W_START, min_value=MIN_DATE, max_value=MAX_DATE,
                       format="YYYY-MM-DD", on_change=view.on_start)
    cols[1].number_input(t("lifepage.months_label", lang), min_value=1, max_value=MAX_MONTHS, step=1,
                         key=view.W_MONTHS)
    cols[2].number_input(t("lifepage.users_label", lang), min_value=0, max_value=MAX_USERS, step=10_000,
                         key=view.W_USERS)
    cols[3].date_input(t("lifepage.until_label", lang), key=view.W_UNTIL, min_value=MIN_DATE, max_value=MAX_DATE,
                       format="YYYY-MM-DD", on_change=view.on_until, help=t("lifepage.until_help", lang))
    with st.expander(t("lifepage.settings_title", lang)):
        cols = st.columns(4)
        cols[0].checkbox(t("lifepage.survive_label", lang), key=view.W_SURVIVE, help=t("lifepage.survive_help", lang))
        cols[1].number_input(t("lifepage.lock_label", lang), min_value=0, max_value=3650, step=1, key=view.W_LOCK,
                             help=t("lifepage.lock_help", lang))
        cols[2].number_input(t("lifepage.warn_label", lang), min_value=0.0, max_value=100.0, step=1.0,
                             format="%.1f", key=view.W_WARN, help=t("lifepage.warn_help", lang))
        cols[3].number_input(t("lifepage.auto_label", lang), min_value=1, max_value=MAX_MONTHS, step=1,
                             key=view.W_AUTO, help=t("lifepage.auto_help", lang))


@st.fragment
def _events() -> None:
    """The events table, a fragment: an edit reruns this section alone; an edit that changes the
    rows reruns the page (``view.commit_rows``), whose results read them. Nothing here reads the
    header's inputs but through the draft, so a change of one of them reruns the page, this with it."""
    st.markdown("**" + md(t("lifepage.events_title", lang)) + "**", help=t("lifepage.events_help", lang))
    table = view.events_table(lang)
    edited = st.data_editor(table.frame, key=view.editor_key(), num_rows="dynamic", width="stretch",
                            column_config=table.config, placeholder="", hide_index=True)
    view.commit_rows(edited, lang)
    errors = table.check.errors
    if errors:
        lines = [t("lifepage.row_problems", lang, n=len(errors))]
        lines += [f"- {md(t('lifepage.row_problem', lang, row=i + 1, reason=view.row_error_text(e, lang)))}"
                  for i, e in sorted(errors.items())]
        st.warning("\n".join(lines), icon=":material/warning:")


def _metrics(result: SimulationResult) -> None:
    daily = result.daily
    over_days = int((daily["over_quota_users"] > 0).sum())
    peak = max((r.peak_over for r in result.over_quota), default=0)
    # Cards in Markdown, not st.metric: drawn with the page's first text (smop_ui.headline). The total
    # paid, first, is the headline; the money and the ending in one row, the days in the next.
    with st.container(horizontal=True):  # wraps on a narrow screen
        figure_card(t("lifepage.metric_total", lang), format_money(result.total_paid, lang), key=HEADLINE_KEY)
        figure_card(t("lifepage.metric_final", lang), state_label(result.final_state, lang), key="life_final",
                    note=t("lifepage.metric_final_expiry", lang, expiry=result.final_expiry.isoformat()))
        figure_card(t("lifepage.metric_over", lang), f"{over_days:,}", key="life_over",
                    note=t("lifepage.metric_over_peak", lang, n=f"{peak:,}") if peak else None, color="red")
    with st.container(horizontal=True):
        figure_card(t("lifepage.metric_stopped", lang), f"{days_in(result, 'stopped'):,}", key="life_stopped",
                    help=t("lifepage.metric_stopped_help", lang))
        figure_card(t("lifepage.metric_reclaimed", lang), f"{days_in(result, 'reclaimed'):,}", key="life_reclaimed",
                    help=t("lifepage.metric_reclaimed_help", lang))
        figure_card(t("lifepage.metric_refused", lang), f"{len(result.rejected):,}", key="life_refused")


def _results(result: SimulationResult, event_rows: tuple[int, ...]) -> None:
    st.header(t("lifepage.results_title", lang), divider="gray")
    _metrics(result)
    if result.rejected:
        lines = [f"**{md(t('lifepage.refused_title', lang))}**"]
        lines += ["- " + md(t("lifepage.refused_line", lang, date=r.date.isoformat(), text=rejection_text(r, lang),
                               row=event_rows[r.event] + 1)) for r in result.rejected]
        st.error("\n".join(lines), icon=":material/block:")

    timeline, capacity, spend = view.chart_specs(result, lang)  # kept: each chart by what it reads
    st.markdown(f"### {md(t('lifepage.timeline_title', lang))}")
    draw(timeline)
    st.caption(md(view.rules_text(result, lang)) + "  \n" + t("lifepage.timeline_caption", lang))
    st.markdown(f"### {md(t('lifepage.capacity_title', lang))}")
    draw(capacity)
    st.caption(t("lifepage.capacity_caption", lang))

    st.markdown(f"### {md(t('lifepage.money_title', lang))}")
    cols = st.columns([1, 1])
    with cols[0]:
        st.dataframe(view.ledger_table(result, lang), hide_index=True, width="stretch", column_config={
            t("lifepage.ledger_date", lang): st.column_config.DateColumn(format="YYYY-MM-DD")})
        st.caption(t("lifecycle.no_refunds", lang))  # the total paid is the first of the results' metrics
    with cols[1]:
        draw(spend)

    st.markdown(f"### {md(t('lifepage.narrative_title', lang))}")
    cols = st.columns([3, 2])
    with cols[0]:
        st.markdown("\n".join(f"- **{n.date.isoformat()}** {md(note_text(n, lang))}" for n in result.notes))
    with cols[1]:
        st.dataframe(view.periods_table(result, lang), hide_index=True, width="stretch", column_config={
            t("lifepage.period_first", lang): st.column_config.DateColumn(format="YYYY-MM-DD"),
            t("lifepage.period_last", lang): st.column_config.DateColumn(format="YYYY-MM-DD"),
        })
        st.caption(final_text(result, lang))
        st.caption(assumptions_text(result, lang))


def _share() -> None:
    st.markdown(f"### {md(t('lifepage.share_title', lang))}")
    st.caption(t("lifepage.share_caption", lang))
    query = urlencode(st.query_params.to_dict())
    base = st.context.url or next(spec.link for spec in PAGES if spec.file == "app_pages/lifecycle.py")
    st.code(full_link(base, query), language=None, wrap_lines=True)


# --------------------------------------------------------------------------- the page

view.ensure_state()
st.title(t("lifepage.title", lang))
st.caption(t("lifepage.intro", lang))
notices = st.container()
with st.container(border=True):
    st.header(t("lifepage.builder_title", lang))
    _source_row()
    _header_inputs()
    header_problem = view.commit_header()
    _events()
view.sync_url(lang)
with notices:
    view.show_notices(lang)
if header_problem is not None:  # the last valid settings still simulate, and the page says so
    shown = view.draft().header
    st.error(md(t("lifepage.header_invalid", lang, reason=error_text(header_problem, lang),
                  start=shown.start.isoformat(), until=shown.until.isoformat())), icon=":material/block:")
checked = view.checked(view.draft())
# The scenario is the session's own: its result is kept in the session (a rerun that changes
# nothing, such as the one after an events-table edit is committed, reuses it).
_results(memo("life_result", checked.scenario, lambda: simulate(checked.scenario, tariff)), checked.event_rows)
_share()
footer(tariff, lang)
