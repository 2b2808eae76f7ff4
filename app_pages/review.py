"""Pricing review page: edit a what-if tariff against the published one and see what changes.

Layout: the editor and, beside it, a summary of its effect on the portfolio (who pays more, less,
the same; the platform fee a year; packs) are seen together: a change in the editor and its effect
on the customers are on one screen (on a phone the summary sits right under the editor). The
details follow in tabs, the portfolio first. Layout only: the state is ``smop_ui.review_view``'s
and ``smop_ui.portfolio_view``'s, the rules the core's.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from smop_pricing.i18n import t
from smop_pricing.money import format_money, from_fen
from smop_pricing.pricing.tariff import MODES, Tariff, published_tariff
from smop_pricing.review.curves import difference_sentences
from smop_pricing.review.editor import MAX_REVIEW_UNITS, tier_lines
from smop_pricing.review.questions import open_questions, status_label
from smop_ui import review_view as rv
from smop_ui.charts import draw
from smop_ui.chrome import current_lang, footer
from smop_ui.markdown import escaped
from smop_ui.params import IntParam, seed, show_notices, write_url
from smop_ui.portfolio_view import portfolio_fragment
from smop_ui.review_view import READING_ICONS, Review, audit_view, cliffs_view, compare_view, overpay_spec

MAX_COMPARE_USERS = 20_000_000
TAB_KEY = "review_section"  # the open tab, per language: review_section_zh / review_section_en
PARAMS = (
    IntParam("review_users", 3_000_000, 100_000, MAX_COMPARE_USERS),
    IntParam("review_months", 1, 1, 120),
    IntParam("review_units", 40, 1, MAX_REVIEW_UNITS),
)


def _errors(errors: list, lang: str) -> None:  # type: ignore[type-arg]
    for error in errors:
        st.error(escaped(rv.error_text(error, lang)), icon=":material/error:")


def editor(published: Tariff, lang: str) -> Tariff:
    """The what-if tariff editor; returns the what-if tariff (the last valid one on errors)."""
    rv.ensure_editor(published, lang)
    st.header(t("review.section_editor", lang), anchor="editor")
    st.caption(t("review.editor_help", lang))
    left, right = st.columns([1, 1], gap="medium")
    fee = left.text_input(t("review.field_monthly_fee", lang), key=rv.FEE, help=t("review.fee_help", lang))
    fee_slot = left.container()
    included = left.number_input(t("review.field_included_users", lang), min_value=0, max_value=1_000_000_000,
                                 step=10_000, key=rv.INCLUDED)
    included_slot = left.container()
    pack = right.number_input(t("review.field_pack_users", lang), min_value=1, max_value=1_000_000_000,
                              step=10_000, key=rv.PACK)
    pack_slot = right.container()
    mode = right.radio(t("review.field_tier_mode", lang), options=list(MODES),
                       format_func=lambda m: t(f"review.mode_{m}", lang), horizontal=True, key=rv.MODE)
    mode_slot = right.container()
    st.markdown(f"**{t('review.field_tiers', lang)}**", help=t("review.tiers_help", lang))
    edited = st.data_editor(
        rv.tiers_table(), key=rv.tiers_key(), num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "max_units": st.column_config.NumberColumn(t("review.col_max_units", lang), min_value=1, step=1,
                                                       format="%d"),
            "unit_price": st.column_config.TextColumn(t("review.col_unit_price", lang)),
        },
        placeholder="—",
    )
    result, whatif = rv.commit_editor(fee, included, pack, mode, edited)
    for slot, field in ((fee_slot, "monthly_fee"), (included_slot, "included_users"), (pack_slot, "pack_users"),
                        (mode_slot, "tier_mode")):
        with slot:
            _errors(result.for_field(field), lang)
    _errors(result.for_field("tiers"), lang)
    if result.tariff is not None:
        for line in tier_lines(result.tariff, lang):
            st.caption(line)
    rv.file_row(whatif, result.tariff is not None, lang)
    _status(published, whatif, result.tariff is not None, lang)
    return whatif


def _status(published: Tariff, whatif: Tariff, valid: bool, lang: str) -> None:
    if not valid:
        st.warning(t("review.editor_invalid", lang), icon=":material/warning:")
    changes = rv.changes_table(published, whatif, lang)
    if not changes.num_rows:
        st.info(t("review.editor_same", lang), icon=":material/info:")
        return
    st.markdown(t("review.editor_differs", lang, count=changes.num_rows))
    st.dataframe(changes, hide_index=True, width="stretch", column_config={
        "key": t("review.col_key", lang), "published": t("review.series_published", lang),
        "whatif": t("review.series_whatif", lang)})


# --- the sections -----------------------------------------------------------------------------


def compare_section(r: Review) -> None:
    lang = r.lang
    st.caption(t("review.compare_help", lang))
    view = compare_view(r.published, r.whatif, r.users, r.months, lang)
    if isinstance(view, str):  # the error that prevents the comparison
        st.error(escaped(view), icon=":material/error:")
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
    for text in difference_sentences(diff, lang):
        st.markdown(text)


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
    # st.table wraps long text (the page's words, the reasons); st.dataframe would cut it off. The
    # index is hidden, as st.table would decide itself by turning the kept table back into a frame.
    st.table(view.shown, border="horizontal", hide_index=True)


def questions_section(r: Review) -> None:
    lang = r.lang
    st.caption(t("review.questions_help", lang))
    for status in open_questions(r.whatif):
        with st.container(border=True):
            st.markdown(f"**{status.text(lang)}**")
            q = status.question
            if q.quote:  # the page's own words (no rule codes on the page)
                st.caption(f"{t('review.page_says', lang)}「{q.quote}」")
            for reading in q.readings:
                state = status.status(reading)
                mark = READING_ICONS[state]
                label = status_label(state, lang)
                st.markdown(f"{mark} **{label}** — {status.reading_text(reading, lang)}")
            if q.setting:
                st.caption(
                    t("review.setting_line", lang, name=status.setting_name(lang), value=status.setting_value(lang),
                      default=status.setting_value(lang, default=True), file_key=q.setting)
                )
            else:
                st.caption(t("review.setting_none", lang))


SECTIONS: tuple[tuple[str, Callable[[Review], None]], ...] = (
    ("compare", compare_section),
    ("cliffs", cliffs_section),
    ("audit", audit_section),
    ("questions", questions_section),
)


def main() -> None:
    lang = current_lang()
    seed(PARAMS, lang)
    st.title(t("review.title", lang))
    st.caption(t("review.intro", lang))
    show_notices()
    published = published_tariff()
    left, right = st.columns([3, 2], gap="large")
    with left:
        whatif = editor(published, lang)
    with right:
        summary = st.container(border=True, key="review_summary")  # the headline: the what-if's effect (Markdown)
    with st.container(horizontal=True):
        users = st.number_input(t("review.max_users", lang), min_value=100_000, max_value=MAX_COMPARE_USERS,
                                step=100_000, key="review_users")
        months = st.number_input(t("review.months", lang), min_value=1, max_value=120, key="review_months")
        units = st.number_input(t("review.max_units", lang), min_value=1, max_value=MAX_REVIEW_UNITS,
                                key="review_units")
    write_url(PARAMS)
    review = Review(lang, published, whatif, int(users), int(months), int(units))
    # Only the open section is made and sent (a tab click reruns the page). The portfolio's is always
    # drawn: its widgets keep their values, and it fills the summary beside the editor.
    tabs = st.tabs([t("review.tab_portfolio", lang), *(t(f"review.tab_{key}", lang) for key, _ in SECTIONS)],
                   key=f"{TAB_KEY}_{lang}", on_change="rerun")
    with tabs[0]:  # a fragment: a change of the portfolio reruns it and its summary, not the curves
        portfolio_fragment(lang, published, whatif, summary)
    for tab, (_, render) in zip(tabs[1:], SECTIONS, strict=True):
        if tab.open is False:
            continue
        with tab:
            render(review)
    footer(published, lang)


main()
