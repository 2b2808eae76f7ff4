"""Lifecycle page: build a scenario (an example, the first purchase, settings, a table of
events), then see its timeline, users against capacity, money and a dated narrative.

State lives in ``st.session_state`` under ``life_*``. The scenario being edited is a
:class:`~smop_pricing.lifecycle.draft.Draft`: a valid header plus the event rows exactly
as typed, so a bad row is marked and kept, never dropped. The draft rides in the URL
(``?s=`` compact link, or ``?preset=`` for an unchanged example other than the default).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import pyarrow as pa
import streamlit as st

from smop_pricing import jsonout
from smop_pricing.charts.lifecycle import (
    KINDS,
    CapacityLabels,
    Describe,
    SpendLabels,
    TimelineLabels,
    capacity_chart,
    spend_chart,
    spend_reads,
    timeline_chart,
    timeline_reads,
)
from smop_pricing.errors import ScenarioError
from smop_pricing.i18n import t
from smop_pricing.lifecycle.draft import (
    MAX_CELL_NUMBER,
    Draft,
    check_draft,
    draft_from_document,
    draft_from_scenario,
    draft_to_document,
    row_error_text,
    rows_frame,
    rows_from_frame,
)
from smop_pricing.lifecycle.engine import effective_settings, simulate
from smop_pricing.lifecycle.link import PARAM, PRESET_PARAM, decode_document, encode_document
from smop_pricing.lifecycle.model import (
    ACTIONS,
    MAX_DATE,
    MIN_DATE,
    STATES,
    Event,
    LedgerEntry,
    Note,
    Rejection,
    Scenario,
    SimulationResult,
)
from smop_pricing.lifecycle.report import (
    assumptions_text,
    final_text,
    ledger_row,
    note_text,
    rejection_text,
    state_label,
)
from smop_pricing.lifecycle.scenario import Preset, list_presets, parse_scenario
from smop_pricing.money import format_money
from smop_pricing.pricing.rules import MAX_MONTHS, MAX_USERS
from smop_pricing.pricing.tariff import published_tariff
from smop_ui.charts import Spec, arrow, draw, memo, vega_spec
from smop_ui.chrome import current_lang, footer
from smop_ui.markdown import unlinked, visible
from smop_ui.params import full_link, show_notices
from smop_ui.registry import PAGES

DEFAULT_PRESET = "e3"
CUSTOM = ""  # the example picker's entry for a scenario from a link or a file

DRAFT, ORIGIN, NOTICES = "life_draft", "life_origin", "life_notices"
EDITOR_V, UPLOAD_V = "life_editor_v", "life_upload_v"
W_PRESET = "life_preset"
W_START, W_MONTHS, W_USERS, W_UNTIL = "life_start", "life_months", "life_users", "life_until"
W_SURVIVE, W_LOCK, W_WARN, W_AUTO = "life_survive", "life_lock", "life_warn", "life_auto"
PROBLEM, ROW = "problem", "row"

lang = current_lang()
tariff = published_tariff()


def _md(text: str) -> str:
    """Text (possibly typed by the user) safe inside markdown: no formatting, no links."""
    return unlinked(visible(re.sub(r"([\\`*_\[\]<>|~$])", r"\\\1", text)))


@st.cache_resource
def _shipped_presets() -> tuple[Preset, ...]:
    return list_presets()  # frozen values, read once per server


def _presets() -> dict[str, Preset]:
    return {p.name: p for p in _shipped_presets()}


def _header(start: object, months: int, until: object, users: int, survive: bool, lock: int, ratio: Decimal,
            auto: int) -> Scenario:
    """A header in one form whatever its source: a setting equal to the tariff's default is left unset.

    Raises ScenarioError (e.g. ``until`` not after ``start``).
    """
    settings: dict[str, Any] = {}
    if survive != tariff.packs_survive_lapse:
        settings["packs_survive_lapse"] = survive
    if lock != tariff.over_quota_lock_days:
        settings["over_quota_lock_days"] = lock
    if ratio != tariff.warn_ratio:
        settings["warn_ratio"] = str(ratio)
    if auto != 1:
        settings["auto_renew_months"] = auto
    return parse_scenario({"start": start, "months": months, "until": until, "users": users,
                           "settings": settings, "events": []})


def _normal(draft: Draft) -> Draft:
    """The draft with its header in the form the widgets write."""
    h = draft.header
    s = effective_settings(h.settings, tariff)
    header = _header(h.start, h.months, h.until, h.users, s.packs_survive_lapse, s.over_quota_lock_days,
                     s.warn_ratio, s.auto_renew_months)
    return replace(draft, header=header)


def _preset_draft(name: str) -> Draft:
    return _normal(draft_from_scenario(_presets()[name].scenario))


def _notice(kind: str, **params: Any) -> None:
    """A notice shown until the scenario next changes."""
    st.session_state[NOTICES].append({"kind": kind, "params": params, "draft": st.session_state[DRAFT]})


def _load(draft: Draft, origin: str | None) -> None:
    """Make ``draft`` the scenario: widgets, a fresh events table, the example picker."""
    draft = _normal(draft)
    st.session_state[DRAFT] = draft
    st.session_state[ORIGIN] = origin
    st.session_state[EDITOR_V] = st.session_state.get(EDITOR_V, 0) + 1
    st.session_state[W_PRESET] = origin or CUSTOM
    for key, value in _widget_values(draft).items():
        st.session_state[key] = value


def _widget_values(draft: Draft) -> dict[str, object]:
    h = draft.header
    s = effective_settings(h.settings, tariff)
    return {W_START: h.start, W_MONTHS: h.months, W_USERS: h.users, W_UNTIL: h.until,
            W_SURVIVE: s.packs_survive_lapse, W_LOCK: s.over_quota_lock_days,
            W_WARN: float(s.warn_ratio * 100), W_AUTO: s.auto_renew_months}


def _start_session() -> None:
    """First visit in this session: the scenario from the link (``s`` or ``preset``), else E3."""
    st.session_state[NOTICES] = []
    st.session_state[UPLOAD_V] = 0
    presets = _presets()
    _load(_preset_draft(DEFAULT_PRESET), DEFAULT_PRESET)
    linked = st.query_params.get(PARAM)
    named = st.query_params.get(PRESET_PARAM)
    try:
        if linked:
            _load(draft_from_document(decode_document(linked), name=PARAM), None)
        elif named:
            if named not in presets:
                raise ScenarioError(PRESET_PARAM, named[:40], "preset_unknown", names=", ".join(presets))
            _load(_preset_draft(named), named)
    except ScenarioError as exc:
        _notice("link_bad", error=exc)


def _on_preset() -> None:
    name = st.session_state[W_PRESET]
    if name != CUSTOM:
        _load(_preset_draft(name), name)


def _on_restore() -> None:
    origin = st.session_state[ORIGIN]
    if origin:
        _load(_preset_draft(origin), origin)


def _on_upload(key: str) -> None:
    upload = st.session_state.get(key)
    if upload is None:
        return
    st.session_state[UPLOAD_V] += 1  # a fresh picker: the same file can be chosen again
    try:
        draft = draft_from_document(upload.getvalue(), name=upload.name)
    except ScenarioError as exc:
        _notice("upload_bad", name=upload.name, error=exc)
        return
    _load(draft, None)
    _notice("upload_ok", name=upload.name)


def _show_notices() -> None:
    show_notices()  # a bad link parameter shared with every page (lang)
    current = st.session_state[DRAFT]
    kept = [n for n in st.session_state[NOTICES] if n["draft"] == current]
    st.session_state[NOTICES] = kept
    for notice in kept:
        params = dict(notice["params"])
        kind = notice["kind"]
        if "error" in params:
            params["reason"] = params.pop("error").message(lang)
        if kind == "link_bad":
            title = _presets()[DEFAULT_PRESET].title(lang)
            st.warning(_md(t("lifepage.link_bad", lang, title=title, **params)), icon=":material/warning:")
        elif kind == "upload_bad":
            st.error(_md(t("lifepage.upload_bad", lang, **params)), icon=":material/block:")
        else:
            st.success(_md(t(f"lifepage.{kind}", lang, **params)), icon=":material/check_circle:")


def _header_from_widgets() -> Scenario:
    """The header the widgets describe."""
    ss = st.session_state
    ratio = (Decimal(str(ss[W_WARN])) / 100).normalize()  # the widget shows a percentage
    return _header(ss[W_START], int(ss[W_MONTHS]), ss[W_UNTIL], int(ss[W_USERS]), bool(ss[W_SURVIVE]),
                   int(ss[W_LOCK]), ratio, int(ss[W_AUTO]))


def _action_label(action: str) -> str:
    if action in ACTIONS:
        return t(f"lifepage.act_{action}", lang)
    return t("lifepage.act_unknown", lang, action=action)


def _builder() -> ScenarioError | None:
    """The scenario inputs; updates the draft. Returns the header's problem, if any."""
    ss = st.session_state
    presets = _presets()
    draft: Draft = ss[DRAFT]
    top = st.columns([3, 3, 2], vertical_alignment="bottom")
    with top[0]:
        st.selectbox(t("lifepage.preset_label", lang), [CUSTOM, *presets], key=W_PRESET, on_change=_on_preset,
                     format_func=lambda n: presets[n].title(lang) if n else t("lifepage.preset_custom", lang))
    origin = ss[ORIGIN]
    with top[1]:
        upload_key = f"life_upload_{ss[UPLOAD_V]}"
        st.file_uploader(t("lifepage.upload_label", lang), type=["json"], key=upload_key,
                         help=t("lifepage.upload_help", lang), on_change=_on_upload, args=(upload_key,),
                         max_upload_size=1)
    with top[2]:
        st.download_button(t("lifepage.download_label", lang), jsonout.dumps(draft_to_document(draft)) + "\n",
                           file_name="smop-scenario.json", mime="application/json", on_click="ignore",
                           icon=":material/download:")
    if origin:
        if draft != _preset_draft(origin):
            cols = st.columns([5, 1], vertical_alignment="center")
            cols[0].caption(t("lifepage.preset_edited", lang, title=presets[origin].title(lang)))
            cols[1].button(t("lifepage.preset_reset", lang), on_click=_on_restore, icon=":material/undo:")
        else:
            st.caption(presets[origin].description(lang))

    cols = st.columns(4)
    cols[0].date_input(t("lifepage.start_label", lang), key=W_START, min_value=MIN_DATE, max_value=MAX_DATE,
                       format="YYYY-MM-DD")
    cols[1].number_input(t("lifepage.months_label", lang), min_value=1, max_value=MAX_MONTHS, step=1,
                         key=W_MONTHS)
    cols[2].number_input(t("lifepage.users_label", lang), min_value=0, max_value=MAX_USERS, step=10_000,
                         key=W_USERS)
    cols[3].date_input(t("lifepage.until_label", lang), key=W_UNTIL, min_value=MIN_DATE, max_value=MAX_DATE,
                       format="YYYY-MM-DD")
    with st.expander(t("lifepage.settings_title", lang)):
        cols = st.columns(4)
        cols[0].checkbox(t("lifepage.survive_label", lang), key=W_SURVIVE, help=t("lifepage.survive_help", lang))
        cols[1].number_input(t("lifepage.lock_label", lang), min_value=0, max_value=3650, step=1, key=W_LOCK,
                             help=t("lifepage.lock_help", lang))
        cols[2].number_input(t("lifepage.warn_label", lang), min_value=0.0, max_value=100.0, step=1.0,
                             format="%.1f", key=W_WARN, help=t("lifepage.warn_help", lang))
        cols[3].number_input(t("lifepage.auto_label", lang), min_value=1, max_value=MAX_MONTHS, step=1,
                             key=W_AUTO, help=t("lifepage.auto_help", lang))
    problem: ScenarioError | None = None
    try:
        header = _header_from_widgets()
    except ScenarioError as exc:
        problem = exc
    else:
        if header != draft.header:
            draft = replace(draft, header=header)
            ss[DRAFT] = draft

    st.markdown("**" + _md(t("lifepage.events_title", lang)) + "**", help=t("lifepage.events_help", lang))
    check = check_draft(draft)
    frame = rows_frame(draft.rows)
    frame[PROBLEM] = [row_error_text(check.errors[i], lang) if i in check.errors else ""
                      for i in range(len(draft.rows))]
    frame.insert(0, ROW, range(1, len(frame) + 1))
    actions = [*ACTIONS, *sorted({str(r[1]) for r in draft.rows if r[1] and r[1] not in ACTIONS})]
    bounds = {"min_value": -MAX_CELL_NUMBER, "max_value": MAX_CELL_NUMBER}  # what a row can hold
    config = {
        ROW: st.column_config.NumberColumn("#", disabled=True, width=40),
        "date": st.column_config.DateColumn(t("lifepage.col_date", lang), format="YYYY-MM-DD"),
        "action": st.column_config.SelectboxColumn(t("lifepage.col_action", lang), options=actions,
                                                   format_func=_action_label, width="medium"),
        "months": st.column_config.NumberColumn(t("lifepage.col_months", lang), step=1, width="small", **bounds),
        "units": st.column_config.NumberColumn(t("lifepage.col_units", lang), step=1, width="small", **bounds),
        "users": st.column_config.NumberColumn(t("lifepage.col_users", lang), step=1, format="localized",
                                               **bounds),
        "on": st.column_config.CheckboxColumn(t("lifepage.col_on", lang), help=t("lifepage.col_on_help", lang),
                                              width="small"),
        PROBLEM: st.column_config.TextColumn(t("lifepage.col_problem", lang), disabled=True, width="large"),
    }
    edited = st.data_editor(frame, key=f"life_events_{ss[EDITOR_V]}", num_rows="dynamic", width="stretch",
                            column_config=config, placeholder="", hide_index=True)
    try:
        rows = rows_from_frame(edited)
    except ScenarioError as exc:  # the typed, bounded columns should never give one; keep what we had
        st.error(_md(exc.message(lang)), icon=":material/block:")
        rows = draft.rows
    if rows != draft.rows:
        ss[DRAFT] = replace(draft, rows=rows)
        ss[EDITOR_V] += 1  # commit the edit: the table restarts from the rows, with their marks
        st.rerun()
    if check.errors:
        lines = [t("lifepage.row_problems", lang, n=len(check.errors))]
        lines += [f"- {_md(t('lifepage.row_problem', lang, row=i + 1, reason=row_error_text(e, lang)))}"
                  for i, e in sorted(check.errors.items())]
        st.warning("\n".join(lines), icon=":material/warning:")
    return problem


def _sync_url(draft: Draft) -> None:
    """``?preset=`` for an unchanged example (none for the default), else ``?s=``; an over-long link says so."""
    origin = st.session_state[ORIGIN]
    want: dict[str, str] = {}
    if origin and draft == _preset_draft(origin):
        if origin != DEFAULT_PRESET:
            want[PRESET_PARAM] = origin
    else:
        try:
            want[PARAM] = encode_document(draft_to_document(draft))
        except ScenarioError as exc:
            st.info(t("lifepage.link_too_long", lang, n=exc.value, maximum=exc.params.get("maximum", "")),
                    icon=":material/info:")
    for name in (PARAM, PRESET_PARAM):
        if name in want:
            if st.query_params.get(name) != want[name]:
                st.query_params[name] = want[name]
        elif name in st.query_params:
            del st.query_params[name]


def _describer(result: SimulationResult) -> Describe:
    """The tooltip text of a timeline marker, in the page's language."""

    def describe(source: LedgerEntry | Rejection | Event) -> str:
        if isinstance(source, LedgerEntry):
            row = ledger_row(source, lang)
            text = f"{row.label} {row.quantity}: {row.amount_text}"
            return f"{text} → {source.expiry.isoformat()}" if source.expiry else text
        if isinstance(source, Rejection):
            return rejection_text(source, lang)
        if source.action == "set_users":
            return note_text(Note(source.date, "set_users", (("users", source.users or 0),)), lang)
        if source.on:
            months = source.months or result.settings.auto_renew_months
            return note_text(Note(source.date, "auto_on", (("months", months),)), lang)
        return note_text(Note(source.date, "auto_off"), lang)

    return describe


def _labels() -> tuple[TimelineLabels, CapacityLabels, SpendLabels]:
    def c(key: str) -> str:
        return t(f"lifepage.{key}", lang)

    timeline = TimelineLabels(
        service=c("chart_service"), states={s: state_label(s, lang) for s in STATES},
        kinds={k: c(f"kind_{k}") for k in KINDS}, expiry=c("chart_expiry"), reclamation=c("chart_reclamation"),
        date=c("chart_date"), first=c("chart_first"), last=c("chart_last"), days=c("chart_days"),
        state=c("chart_state"), event=c("chart_event"), detail=c("chart_detail"), lang=lang,
    )
    capacity = CapacityLabels(
        users=c("series_users"), capacity=c("series_capacity"), threshold=c("series_threshold"),
        over=c("series_over"), locked=c("series_locked"), stopped=c("series_stopped"), axis=c("users_axis"),
        date=c("chart_date"), first=c("chart_first"), last=c("chart_last"), wan=lang == "zh", lang=lang,
    )
    spend = SpendLabels(
        axis=c("spend_axis"), date=c("chart_date"), item=c("spend_item"),
        items={item: t(f"lifecycle.item_{item}", lang) for item in ("purchase", "renew", "auto_renew", "buy_packs")},
        amount=c("spend_amount"), total=c("spend_total"), lang=lang,
    )
    return timeline, capacity, spend


def _chart_specs(result: SimulationResult) -> tuple[Spec, Spec, Spec]:
    """The timeline, capacity and spend charts as Vega-Lite specs (see smop_ui.charts), each kept
    in this session by what it reads of the result: a change of the users redraws only capacity."""
    timeline_labels, capacity_labels, spend_labels = _labels()
    return (
        memo("life_timeline", (timeline_reads(result), lang),
             lambda: vega_spec(timeline_chart(result, timeline_labels, _describer(result)))),
        memo("life_capacity", (result.scenario, lang), lambda: vega_spec(capacity_chart(result, capacity_labels))),
        memo("life_spend", (spend_reads(result), lang), lambda: vega_spec(spend_chart(result, spend_labels))),
    )


def _ledger_table(result: SimulationResult) -> pa.Table:
    """Every charge, worded, as an Arrow table to keep (it changes only with the ledger and language)."""
    rows = [
        {t("lifepage.ledger_date", lang): row.date, t("lifepage.ledger_item", lang): row.label,
         t("lifepage.ledger_quantity", lang): row.quantity, t("lifepage.ledger_amount", lang): row.amount_text,
         t("lifepage.ledger_expiry", lang): entry.expiry.isoformat() if entry.expiry else "—"}
        for entry, row in ((e, ledger_row(e, lang)) for e in result.ledger)
    ]
    return arrow(pd.DataFrame(rows))


def _periods_table(result: SimulationResult) -> pa.Table:
    """The state periods, worded, as an Arrow table to keep (they change only with the periods and language)."""
    rows = [
        {t("lifepage.period_state", lang): state_label(p.state, lang), t("lifepage.period_first", lang): p.start,
         t("lifepage.period_last", lang): p.end - timedelta(days=1),
         t("lifepage.period_days", lang): (p.end - p.start).days}
        for p in result.periods
    ]
    return arrow(pd.DataFrame(rows))


def _results(result: SimulationResult, event_rows: tuple[int, ...]) -> None:
    daily = result.daily
    st.header(t("lifepage.results_title", lang), divider="gray")
    cols = st.columns(5)
    cols[0].metric(t("lifepage.metric_total", lang), format_money(result.total_paid, lang))
    cols[1].metric(t("lifepage.metric_final", lang), state_label(result.final_state, lang),
                   t("lifepage.metric_final_expiry", lang, expiry=result.final_expiry.isoformat()),
                   delta_color="off", delta_arrow="off")
    cols[2].metric(t("lifepage.metric_stopped", lang), f"{int((daily['state'] != 'active').sum()):,}")
    over_days = int((daily["over_quota_users"] > 0).sum())
    peak = max((r.peak_over for r in result.over_quota), default=0)
    cols[3].metric(t("lifepage.metric_over", lang), f"{over_days:,}",
                   t("lifepage.metric_over_peak", lang, n=f"{peak:,}") if peak else None,
                   delta_color="inverse" if peak else "normal", delta_arrow="off")
    cols[4].metric(t("lifepage.metric_refused", lang), f"{len(result.rejected):,}")

    if result.rejected:
        lines = [f"**{_md(t('lifepage.refused_title', lang))}**"]
        lines += [
            "- " + _md(t("lifepage.refused_line", lang, date=r.date.isoformat(), text=rejection_text(r, lang),
                         row=event_rows[r.event] + 1))
            for r in result.rejected
        ]
        st.error("\n".join(lines), icon=":material/block:")

    # Kept in this session (building them was most of a rerun): each chart by what it reads.
    timeline, capacity, spend = _chart_specs(result)
    st.markdown(f"### {_md(t('lifepage.timeline_title', lang))}")
    draw(timeline)
    st.caption(t("lifepage.timeline_caption", lang))

    st.markdown(f"### {_md(t('lifepage.capacity_title', lang))}")
    draw(capacity)
    st.caption(t("lifepage.capacity_caption", lang))

    st.markdown(f"### {_md(t('lifepage.money_title', lang))}")
    cols = st.columns([1, 1])
    with cols[0]:
        ledger = memo("life_ledger_table", (result.ledger, lang), lambda: _ledger_table(result))
        st.dataframe(ledger, hide_index=True, width="stretch", column_config={
            t("lifepage.ledger_date", lang): st.column_config.DateColumn(format="YYYY-MM-DD")})
        st.metric(t("lifecycle.total_paid", lang), format_money(result.total_paid, lang))
        st.caption(t("lifecycle.no_refunds", lang))
    with cols[1]:
        draw(spend)

    st.markdown(f"### {_md(t('lifepage.narrative_title', lang))}")
    cols = st.columns([3, 2])
    with cols[0]:
        st.markdown("\n".join(f"- **{n.date.isoformat()}** {_md(note_text(n, lang))}" for n in result.notes))
    with cols[1]:
        periods = memo("life_periods_table", (result.periods, lang), lambda: _periods_table(result))
        st.dataframe(periods, hide_index=True, width="stretch", column_config={
            t("lifepage.period_first", lang): st.column_config.DateColumn(format="YYYY-MM-DD"),
            t("lifepage.period_last", lang): st.column_config.DateColumn(format="YYYY-MM-DD"),
        })
        st.caption(final_text(result, lang))
        st.caption(assumptions_text(result, lang))


def _share() -> None:
    st.markdown(f"### {_md(t('lifepage.share_title', lang))}")
    st.caption(t("lifepage.share_caption", lang))
    query = urlencode(st.query_params.to_dict())
    base = st.context.url or next(spec.link for spec in PAGES if spec.file == "app_pages/lifecycle.py")
    st.code(full_link(base, query), language=None, wrap_lines=True)


# --------------------------------------------------------------------------- the page

if DRAFT not in st.session_state:
    _start_session()
for _key, _value in _widget_values(st.session_state[DRAFT]).items():
    st.session_state.setdefault(_key, _value)  # back from another page: widgets start from the draft
st.session_state.setdefault(W_PRESET, st.session_state[ORIGIN] or CUSTOM)

st.title(t("lifepage.title", lang))
st.caption(t("lifepage.intro", lang))
notices = st.container()
with st.container(border=True):
    st.header(t("lifepage.builder_title", lang))
    header_problem = _builder()
draft_now: Draft = st.session_state[DRAFT]
_sync_url(draft_now)
with notices:
    _show_notices()
if header_problem is not None:
    st.error(_md(t("lifepage.header_invalid", lang, reason=header_problem.message(lang))), icon=":material/block:")
else:
    checked = check_draft(draft_now)
    # The scenario is the session's own: its result is kept in the session (a rerun that changes
    # nothing, such as the one after an events-table edit is committed, reuses it).
    _results(memo("life_result", checked.scenario, lambda: simulate(checked.scenario, tariff)), checked.event_rows)
    _share()
footer(tariff, lang)
