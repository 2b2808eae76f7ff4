"""Pricing review page: edit a what-if tariff against the published one and see what changes.

Sections: the editor (always first: it gives the what-if tariff), then one section per
entry of SECTIONS. A later section (the portfolio) is added as an entry of SECTIONS.
The what-if tariff lives in st.session_state only; the rules live in smop_pricing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd
import streamlit as st

from smop_pricing.errors import TariffError
from smop_pricing.i18n import t
from smop_pricing.money import format_money, from_fen
from smop_pricing.pricing.tariff import MODES, Tariff, parse_tariff, published_tariff, tariff_to_toml
from smop_pricing.review.curves import DifferenceSummary
from smop_pricing.review.editor import (
    MAX_REVIEW_UNITS,
    editor_rows,
    error_text,
    same_prices,
    tariff_diff,
    tariff_from_editor,
    tier_lines,
)
from smop_pricing.review.questions import open_questions, status_label
from smop_ui.charts import draw
from smop_ui.chrome import current_lang, footer
from smop_ui.markdown import escaped
from smop_ui.params import IntParam, seed, show_notices, write_url
from smop_ui.portfolio_view import portfolio_section as render_portfolio
from smop_ui.review_view import audit_view, cliffs_view, compare_view, overpay_spec

MAX_COMPARE_USERS = 20_000_000
MAX_UPLOAD_BYTES = 1_000_000
PARAMS = (
    IntParam("review_users", 3_000_000, 100_000, MAX_COMPARE_USERS),
    IntParam("review_months", 1, 1, 120),
    IntParam("review_units", 40, 1, MAX_REVIEW_UNITS),
)

# Session-state keys of this page (the what-if tariff never leaves the session).
SOURCE = "rv_source"  # the tariff the editor was loaded from: its other settings carry over
LAST_VALID = "rv_last_valid"  # the last what-if tariff without errors
DRAFT = "rv_draft"  # the editor's values, kept across a page switch (widget state is not)
TIERS_DATA = "rv_tiers_data"  # the table the tier editor starts from
TIERS_REV = "rv_tiers_rev"  # bumped when TIERS_DATA is replaced, so the editor starts afresh
UPLOAD_REV = "rv_upload_rev"
UPLOAD_ERRORS = "rv_upload_errors"
UPLOAD_OK = "rv_upload_ok"
FEE, INCLUDED, PACK, MODE = "rv_fee", "rv_included", "rv_pack", "rv_mode"


@dataclass(frozen=True)
class Review:
    """What every section gets: the language, both tariffs, and the shared inputs."""

    lang: str
    published: Tariff
    whatif: Tariff
    users: int
    months: int
    units: int

    @property
    def edited(self) -> bool:
        return not same_prices(self.whatif, self.published)


# --- the editor's state ------------------------------------------------------------------------


def _tiers_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    bounds = [row.get("max_units") for row in rows]
    prices = [row.get("unit_price") for row in rows]
    try:
        bound_column = pd.array(bounds, dtype="Int64")
    except (TypeError, ValueError):
        bound_column = pd.array([None] * len(rows), dtype="Int64")
    return pd.DataFrame({"max_units": bound_column, "unit_price": pd.array(prices, dtype="string")})


def _plain(value: object) -> object:
    """A table cell as a plain Python value (None for empty)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _restore(draft: Mapping[str, Any]) -> None:
    st.session_state[FEE] = draft["fee"]
    st.session_state[INCLUDED] = draft["included"]
    st.session_state[PACK] = draft["pack"]
    st.session_state[MODE] = draft["mode"]
    st.session_state[TIERS_DATA] = _tiers_frame(draft["tiers"])
    st.session_state[TIERS_REV] = st.session_state.get(TIERS_REV, 0) + 1


def _load(tariff: Tariff) -> None:
    """Put ``tariff`` into the editor (its other settings become the what-if's)."""
    st.session_state[SOURCE] = tariff
    st.session_state[LAST_VALID] = tariff
    draft = {
        "fee": str(tariff.monthly_fee),
        "included": tariff.included_users,
        "pack": tariff.pack_users,
        "mode": tariff.tier_mode,
        "tiers": editor_rows(tariff),
    }
    st.session_state[DRAFT] = draft
    _restore(draft)


def _ensure_state(published: Tariff) -> None:
    if SOURCE not in st.session_state:
        _load(published)
    elif FEE not in st.session_state:  # back from another page: widgets were cleared
        _restore(st.session_state[DRAFT])


def _reset() -> None:
    _load(published_tariff())
    st.session_state[UPLOAD_ERRORS] = []
    st.session_state[UPLOAD_OK] = None


def _on_upload(key: str) -> None:
    """Read an uploaded TOML tariff; on any error keep what the user had and say why."""
    uploaded = st.session_state.get(key)
    st.session_state[UPLOAD_REV] = st.session_state.get(UPLOAD_REV, 0) + 1  # a fresh uploader
    if uploaded is None:
        return
    name = str(uploaded.name)
    data = uploaded.getvalue()
    try:
        if len(data) > MAX_UPLOAD_BYTES:
            raise TariffError(name, name, "file_large", limit="1 MB")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TariffError(name, name, "not_utf8") from None
        tariff = parse_tariff(text, source=name)
    except TariffError as error:
        st.session_state[UPLOAD_ERRORS] = [error]
        st.session_state[UPLOAD_OK] = None
        return
    _load(tariff)
    st.session_state[UPLOAD_ERRORS] = []
    st.session_state[UPLOAD_OK] = name


def _literal(text: str) -> str:
    """``text`` for a Markdown body, shown as written: messages quote what the user typed."""
    return escaped(text)


def _field_errors(errors: list[TariffError], lang: str) -> None:
    for error in errors:
        st.error(_literal(error_text(error, lang)), icon=":material/error:")


# --- the editor -------------------------------------------------------------------------------


def editor(published: Tariff, lang: str) -> Tariff:
    """The what-if tariff editor; returns the what-if tariff (the last valid one on errors)."""
    _ensure_state(published)
    st.header(t("review.section_editor", lang), anchor="editor")
    st.caption(t("review.editor_help", lang))
    left, right = st.columns([2, 3], gap="large")
    with left:
        fee = st.text_input(t("review.field_monthly_fee", lang), key=FEE, help=t("review.fee_help", lang))
        fee_slot = st.container()
        included = st.number_input(
            t("review.field_included_users", lang), min_value=0, max_value=1_000_000_000, step=10_000, key=INCLUDED
        )
        included_slot = st.container()
        pack = st.number_input(
            t("review.field_pack_users", lang), min_value=1, max_value=1_000_000_000, step=10_000, key=PACK
        )
        pack_slot = st.container()
        mode = st.radio(
            t("review.field_tier_mode", lang),
            options=list(MODES),
            format_func=lambda m: t(f"review.mode_{m}", lang),
            horizontal=True,
            key=MODE,
        )
        mode_slot = st.container()
    with right:
        st.markdown(f"**{t('review.field_tiers', lang)}**")
        st.caption(t("review.tiers_help", lang))
        # Column labels are the TOML keys in both languages: a language switch keeps the edits.
        edited = st.data_editor(
            st.session_state[TIERS_DATA],
            key=f"rv_tiers_{st.session_state[TIERS_REV]}",
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                "max_units": st.column_config.NumberColumn("max_units", min_value=1, step=1, format="%d"),
                "unit_price": st.column_config.TextColumn("unit_price"),
            },
            placeholder="—",
        )
        tiers_slot = st.container()
    rows = [{name: _plain(value) for name, value in row.items()} for row in edited.to_dict("records")]
    st.session_state[DRAFT] = {"fee": fee, "included": included, "pack": pack, "mode": mode, "tiers": rows}
    source: Tariff = st.session_state[SOURCE]
    result = tariff_from_editor(source, fee, included, pack, mode, rows)
    with fee_slot:
        _field_errors(result.for_field("monthly_fee"), lang)
    with included_slot:
        _field_errors(result.for_field("included_users"), lang)
    with pack_slot:
        _field_errors(result.for_field("pack_users"), lang)
    with mode_slot:
        _field_errors(result.for_field("tier_mode"), lang)
    with tiers_slot:
        _field_errors(result.for_field("tiers"), lang)
        if result.tariff is not None:
            for line in tier_lines(result.tariff, lang):
                st.caption(line)
    if result.tariff is not None:
        st.session_state[LAST_VALID] = result.tariff
    whatif: Tariff = st.session_state[LAST_VALID]
    _file_row(whatif, result.tariff is not None, lang)
    _status(published, whatif, result.tariff is not None, lang)
    return whatif


def _file_row(whatif: Tariff, valid: bool, lang: str) -> None:
    download, upload, reset = st.columns([1, 2, 1], vertical_alignment="top")
    with download:
        st.download_button(
            t("review.download", lang),
            data=lambda: tariff_to_toml(whatif),  # written on the click
            file_name="smop-tariff-what-if.toml",
            mime="application/toml",
            disabled=not valid,
            help=None if valid else t("review.download_disabled", lang),
            icon=":material/download:",
            on_click="ignore",
        )
    with upload:
        key = f"rv_upload_{st.session_state.get(UPLOAD_REV, 0)}"
        st.file_uploader(
            t("review.upload", lang), type=["toml"], key=key, on_change=_on_upload, args=(key,),
            help=t("review.upload_help", lang),
        )
        for error in st.session_state.get(UPLOAD_ERRORS, []):
            st.error(_literal(t("review.upload_failed", lang, reason=error.message(lang))), icon=":material/error:")
        if st.session_state.get(UPLOAD_ERRORS):
            st.caption(t("review.upload_kept", lang))
        if st.session_state.get(UPLOAD_OK):
            st.success(t("review.upload_ok", lang), icon=":material/check_circle:")
    with reset:
        st.button(t("review.reset", lang), on_click=_reset, icon=":material/restart_alt:")


def _status(published: Tariff, whatif: Tariff, valid: bool, lang: str) -> None:
    if not valid:
        st.warning(t("review.editor_invalid", lang), icon=":material/warning:")
    changes = tariff_diff(published, whatif)
    if not changes:
        st.info(t("review.editor_same", lang), icon=":material/info:")
        return
    st.markdown(t("review.editor_differs", lang, count=len(changes)))
    st.dataframe(
        pd.DataFrame(changes, columns=["key", "published", "whatif"]),
        hide_index=True,
        column_config={
            "key": t("review.col_key", lang),
            "published": t("review.series_published", lang),
            "whatif": t("review.series_whatif", lang),
        },
    )


# --- the sections -----------------------------------------------------------------------------


def compare_section(r: Review) -> None:
    lang = r.lang
    st.caption(t("review.compare_help", lang))
    view = compare_view(r.published, r.whatif, r.users, r.months, lang)
    if isinstance(view, str):  # the error that prevents the comparison
        st.error(_literal(view), icon=":material/error:")
        return
    draw(view.compare_spec)
    draw(view.difference_spec)
    diff = view.difference
    cols = st.columns(4)
    for col, label, amount, at in (
        (cols[0], "review.max_rise", diff.max_rise, diff.rise_at),
        (cols[1], "review.max_fall", diff.max_fall, diff.fall_at),
    ):
        col.metric(
            t(label, lang),
            format_money(amount, lang),
            help=t("review.max_change_help", lang)
            + ("" if at is None else " " + t("review.at_users", lang, users=f"{at:,}")),
        )
    for col, summary, name in ((cols[2], view.published, "series_published"), (cols[3], view.whatif, "series_whatif")):
        col.metric(
            t("review.max_saving", lang, tariff=t(f"review.{name}", lang)),
            format_money(summary.max_saving, lang),
            help=t("review.max_saving_help", lang)
            + ("" if summary.at_users is None else " " + t("review.at_users", lang, users=f"{summary.at_users:,}")),
        )
    for text in _difference_sentences(diff, lang):
        st.markdown(text)


def _difference_sentences(diff: DifferenceSummary, lang: str) -> list[str]:
    lines = []
    if diff.rise_at is not None:
        lines.append(t("review.rise_line", lang, fee=format_money(diff.max_rise, lang), users=f"{diff.rise_at:,}"))
    if diff.fall_at is not None:
        lines.append(t("review.fall_line", lang, fee=format_money(-diff.max_fall, lang), users=f"{diff.fall_at:,}"))
    if not lines:
        lines.append(t("review.no_difference", lang))
    return lines


def cliffs_section(r: Review) -> None:
    lang = r.lang
    st.caption(t("review.cliffs_help", lang, units=f"{r.units:,}"))
    columns = {
        "needs": t("review.col_needs", lang),
        "users": t("review.col_users", lang),
        "buy": t("review.col_buy", lang),
        "buy_fee": t("review.col_buy_fee", lang),
        "worst": t("review.col_worst", lang),
        "max_overpay": t("review.col_max_overpay", lang),
    }
    for tariff, name in ((r.published, "series_published"), (r.whatif, "series_whatif")):
        view = cliffs_view(tariff, r.units, lang, name)
        st.subheader(t(f"review.{name}", lang))
        if not view.count:
            st.success(
                t("review.no_cliffs", lang, units=f"{r.units:,}"), icon=":material/check_circle:"
            )
            continue
        worst = format_money(from_fen(view.worst_fen), lang)
        st.markdown(t("review.cliff_count", lang, count=view.count, worst=worst))
        st.dataframe(view.table, hide_index=True, width="stretch", column_config=columns)
    draw(overpay_spec(r.published, r.whatif, r.units, lang))


def audit_section(r: Review) -> None:
    lang = r.lang
    st.caption(t("review.audit_help", lang))
    view = audit_view(r.whatif, lang, "whatif")
    rows = view.rows
    agree = sum(row.agrees for row in rows)
    cols = st.columns(2)
    cols[0].metric(t("review.audit_agree", lang), f"{agree} / {len(rows)}")
    if r.edited:
        published_agree = sum(row.agrees for row in audit_view(r.published, lang, "published").rows)
        cols[1].metric(
            t("review.audit_agree_published", lang), f"{published_agree} / {len(rows)}"
        )
        st.caption(t("review.audit_whatif_note", lang))
    slips = [row for row in rows if row.slip is not None and not row.agrees]
    for row in slips:
        st.warning(
            t("review.slip_line", lang, item=row.item(lang), page=row.page_figure.format(lang),
              ours=row.our_figure.format(lang)),
            icon=":material/edit_note:",
        )
    # st.table wraps long text (the page's words, the reasons); st.dataframe would cut it off.
    st.table(view.shown, border="horizontal")


def questions_section(r: Review) -> None:
    lang = r.lang
    st.caption(t("review.questions_help", lang))
    for status in open_questions(r.whatif):
        with st.container(border=True):
            st.markdown(f"**{status.text(lang)}**")
            q = status.question
            ref = t("review.spec_ref", lang, spec=q.spec)
            st.caption(f"{ref} · {t('review.page_says', lang)}「{q.quote}」" if q.quote else ref)
            for reading in q.readings:
                state = status.status(reading)
                mark = READING_ICONS[state]
                label = status_label(state, lang)
                st.markdown(f"{mark} **{label}** — {status.reading_text(reading, lang)}")
            if q.setting:
                st.caption(
                    t("review.setting_line", lang, setting=status.setting_text(), default=status.default_setting_text())
                )
            else:
                st.caption(t("review.setting_none", lang))


def portfolio_section(r: Review) -> None:
    render_portfolio(r.lang, r.published, r.whatif)


READING_ICONS = MappingProxyType({
    "in_force": ":material/check_circle:",
    "default": ":material/radio_button_unchecked:",
    "other": ":material/radio_button_unchecked:",
    "not_simulated": ":material/block:",
})

SECTIONS: tuple[tuple[str, Callable[[Review], None]], ...] = (
    ("compare", compare_section),
    ("cliffs", cliffs_section),
    ("audit", audit_section),
    ("questions", questions_section),
    ("portfolio", portfolio_section),
)


def main() -> None:
    lang = current_lang()
    seed(PARAMS, lang)
    st.title(t("review.title", lang))
    st.caption(t("review.intro", lang))
    show_notices()
    published = published_tariff()
    whatif = editor(published, lang)
    st.divider()
    with st.container(horizontal=True):
        users = st.number_input(
            t("review.max_users", lang), min_value=100_000, max_value=MAX_COMPARE_USERS, step=100_000,
            key="review_users",
        )
        months = st.number_input(t("review.months", lang), min_value=1, max_value=120, key="review_months")
        units = st.number_input(
            t("review.max_units", lang), min_value=1, max_value=MAX_REVIEW_UNITS, key="review_units"
        )
    write_url(PARAMS)
    review = Review(lang, published, whatif, int(users), int(months), int(units))
    for key, render in SECTIONS:
        st.header(t(f"review.section_{key}", lang), anchor=key)
        render(review)
    footer(published, lang)


main()
