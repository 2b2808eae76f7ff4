"""The review page's costly results, built once per distinct input and kept in the session.

They are kept in the session's own state (``smop_ui.charts.memo``), the last one per section:
they depend on the what-if tariff, which never leaves the session. The results come from the
core (``smop_pricing.review.editor``, ``smop_pricing.review.audit``) and the pure chart builders; no pricing
rule lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from smop_pricing.charts import summary
from smop_pricing.charts.review import (
    compare_chart,
    curves_table,
    difference_chart,
    difference_table,
    overpay_chart,
)
from smop_pricing.errors import SmopError, TariffError
from smop_pricing.i18n import catalog, t
from smop_pricing.pricing.tariff import Tariff, parse_tariff, published_tariff, tariff_to_toml
from smop_pricing.review.audit import audit, audit_frame
from smop_pricing.review.curves import (
    CurveSummary,
    DifferenceSummary,
    cliffs,
    cliffs_table,
    compare_curves,
    curve_summary,
    difference_summary,
    overpay_by_need,
)
from smop_pricing.review.editor import (
    EDITOR_FIELDS,
    EditorResult,
    editor_rows,
    error_text,
    field_label,
    same_prices,
    tariff_diff,
    tariff_from_editor,
)
from smop_pricing.review.figures import AuditRow
from smop_ui.charts import Spec, arrow, memo, vega_spec
from smop_ui.markdown import escaped
from smop_ui.spec_swap import swapped


@dataclass(frozen=True)
class CompareView:
    """The compare section for one pair of tariffs and range: the charts and the summaries."""

    compare_spec: Spec
    difference_spec: Spec
    difference: DifferenceSummary
    published: CurveSummary
    whatif: CurveSummary


@dataclass(frozen=True)
class CliffsView:
    """One tariff's cliffs up to a number of units: how many, the worst overpay (fen), the table."""

    count: int
    worst_fen: int
    table: pa.Table


@dataclass(frozen=True)
class AuditView:
    """The audit of one tariff: its rows, and the table as shown (worded, in the page's language)."""

    rows: tuple[AuditRow, ...]
    shown: pa.Table


def _build_compare(published: Tariff, whatif: Tariff, users: int, months: int, lang: str) -> CompareView | str:
    try:
        frame = compare_curves(published, whatif, users, months)
    except SmopError as error:
        return error_text(error, lang)
    # Only the data and the description change with the users, the months or the what-if tariff: the
    # charts are built once per language and then filled (smop_ui.spec_swap; tests prove them equal).
    return CompareView(
        swapped("rv_compare_chart", lang, lambda: [curves_table(frame, lang)],
                lambda data: summary.review_compare(data[0], lang), lambda: compare_chart(frame, lang)),
        swapped("rv_difference_chart", lang, lambda: [difference_table(frame, lang)],
                lambda data: summary.review_difference(data[0], lang), lambda: difference_chart(frame, lang)),
        difference_summary(frame),
        curve_summary(frame, "baseline"),
        curve_summary(frame, "whatif"),
    )


def compare_view(published: Tariff, whatif: Tariff, users: int, months: int, lang: str) -> CompareView | str:
    """The compare section's charts and summaries, or the text of the error that prevents them."""
    return memo("rv_compare", (published, whatif, users, months, lang),
                lambda: _build_compare(published, whatif, users, months, lang))


def _build_cliffs(tariff: Tariff, units: int, lang: str) -> CliffsView:
    frame = cliffs(tariff, units)
    worst = int(frame["max_overpay_fen"].max()) if len(frame) else 0
    return CliffsView(len(frame), worst, arrow(cliffs_table(frame, lang)))


def cliffs_view(tariff: Tariff, units: int, lang: str, slot: str) -> CliffsView:
    """``slot`` names the session's keeping place (one per tariff shown)."""
    return memo(f"rv_cliffs_{slot}", (tariff, units, lang), lambda: _build_cliffs(tariff, units, lang))


def overpay_spec(published: Tariff, whatif: Tariff, units: int, lang: str) -> Spec:
    return memo("rv_overpay", (published, whatif, units, lang),
                lambda: vega_spec(overpay_chart(overpay_by_need(published, whatif, units), lang)))


def _shown_audit(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit frame as the page shows it: no section column, a verdict in words, worded headers."""
    shown = frame.drop(columns=["section"])
    shown["agrees"] = [t("review.verdict_agree" if ok else "review.verdict_differ", lang) for ok in shown["agrees"]]
    return shown.rename(columns={name: t(f"review.col_{name}", lang) for name in shown.columns})


def _build_audit(tariff: Tariff, lang: str) -> AuditView:
    rows = audit(tariff)
    return AuditView(rows, arrow(_shown_audit(audit_frame(rows, lang), lang)))


def audit_view(tariff: Tariff, lang: str, slot: str) -> AuditView:
    return memo(f"rv_audit_{slot}", (tariff, lang), lambda: _build_audit(tariff, lang))


# --- the editor's state (the what-if tariff never leaves the session) ---------------------------------

SOURCE = "rv_source"  # the tariff the editor was loaded from: its other settings carry over
LAST_VALID = "rv_last_valid"  # the last what-if tariff without errors
DRAFT = "rv_draft"  # the editor's values, kept across a page switch (widget state is not)
TIERS_DATA = "rv_tiers_data"  # the table the tier editor starts from
TIERS_REV = "rv_tiers_rev"  # bumped when TIERS_DATA is replaced, so the editor starts afresh
TIERS_LANG = "rv_tiers_lang"  # the language the tier editor's headers are in
UPLOAD_REV = "rv_upload_rev"
UPLOAD_ERRORS = "rv_upload_errors"
UPLOAD_OK = "rv_upload_ok"
FEE, INCLUDED, PACK, MODE = "rv_fee", "rv_included", "rv_pack", "rv_mode"
UPLOAD_LIMIT_MB = 1
MAX_UPLOAD_BYTES = UPLOAD_LIMIT_MB * 1024 * 1024  # as Streamlit counts the uploader's max_upload_size


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
    ss = st.session_state
    ss[FEE], ss[INCLUDED], ss[PACK], ss[MODE] = draft["fee"], draft["included"], draft["pack"], draft["mode"]
    ss[TIERS_DATA] = _tiers_frame(draft["tiers"])
    ss[TIERS_REV] = ss.get(TIERS_REV, 0) + 1


def _load(tariff: Tariff) -> None:
    """Put ``tariff`` into the editor (its other settings become the what-if's)."""
    st.session_state[SOURCE] = tariff
    st.session_state[LAST_VALID] = tariff
    draft = {"fee": str(tariff.monthly_fee), "included": tariff.included_users, "pack": tariff.pack_users,
             "mode": tariff.tier_mode, "tiers": editor_rows(tariff)}
    st.session_state[DRAFT] = draft
    _restore(draft)


def ensure_editor(published: Tariff, lang: str) -> None:
    """The editor's state on a first visit, back from another page, or in another language (the tier
    editor's headers are worded: it restarts from the rows as last edited)."""
    ss = st.session_state
    if SOURCE not in ss:
        _load(published)
    elif FEE not in ss:  # back from another page: widgets were cleared
        _restore(ss[DRAFT])
    elif ss.get(TIERS_LANG) not in (None, lang):
        ss[TIERS_DATA] = _tiers_frame(ss[DRAFT]["tiers"])
        ss[TIERS_REV] = ss.get(TIERS_REV, 0) + 1
    ss[TIERS_LANG] = lang


def tiers_key() -> str:
    return f"rv_tiers_{st.session_state[TIERS_REV]}"


def upload_key() -> str:
    return f"rv_upload_{st.session_state.get(UPLOAD_REV, 0)}"


def reset() -> None:
    _load(published_tariff())
    st.session_state[UPLOAD_ERRORS] = []
    st.session_state[UPLOAD_OK] = None


def on_upload(key: str) -> None:
    """Read an uploaded TOML tariff; on any error keep what the user had and say why."""
    uploaded = st.session_state.get(key)
    st.session_state[UPLOAD_REV] = st.session_state.get(UPLOAD_REV, 0) + 1  # a fresh uploader
    if uploaded is None:
        return
    name = str(uploaded.name)
    data = uploaded.getvalue()
    try:
        if len(data) > MAX_UPLOAD_BYTES:
            raise TariffError(name, name, "file_large", limit=f"{UPLOAD_LIMIT_MB} MB")
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


def upload_state() -> tuple[list[TariffError], str | None]:
    return st.session_state.get(UPLOAD_ERRORS, []), st.session_state.get(UPLOAD_OK)


def tiers_table() -> pd.DataFrame:
    table: pd.DataFrame = st.session_state[TIERS_DATA]
    return table


def commit_editor(fee: str, included: int, pack: int, mode: str, edited: pd.DataFrame) -> tuple[EditorResult, Tariff]:
    """The editor's values as a what-if tariff: the result (errors by field) and the what-if to use
    (the last valid one while there are errors)."""
    names = list(edited.columns)
    rows = [{name: _plain(value) for name, value in zip(names, row, strict=True)}
            for row in zip(*(edited[name].tolist() for name in names), strict=True)]
    st.session_state[DRAFT] = {"fee": fee, "included": included, "pack": pack, "mode": mode, "tiers": rows}
    source: Tariff = st.session_state[SOURCE]
    # read again only when a value changed (a rerun for another input keeps the last result)
    key = (source, fee, included, pack, mode, tuple(tuple(row.items()) for row in rows))
    result = memo("rv_editor", key, lambda: tariff_from_editor(source, fee, included, pack, mode, rows))
    if result.tariff is not None:
        st.session_state[LAST_VALID] = result.tariff
    whatif: Tariff = st.session_state[LAST_VALID]
    return result, whatif


def changes_table(published: Tariff, whatif: Tariff, lang: str) -> pa.Table:
    """:func:`changes_frame`, kept for this pair of tariffs and language as an Arrow table (see
    ``smop_ui.charts.arrow``): it has a row for every setting that differs (none: the tariffs agree)."""
    return memo("rv_changes", (published, whatif, lang), lambda: arrow(changes_frame(published, whatif, lang)))


def changes_frame(published: Tariff, whatif: Tariff, lang: str) -> pd.DataFrame:
    """The settings the what-if changes, named as the editor names them (tiers counted from 1)."""
    def label(key: str) -> str:
        if key.startswith("tiers[") or key in EDITOR_FIELDS:
            return field_label(key, lang)
        return t(f"review.setting_{key}", lang) if f"review.setting_{key}" in catalog() else key

    rows = [(label(key), a, b) for key, a, b in tariff_diff(published, whatif)]
    return pd.DataFrame(rows, columns=["key", "published", "whatif"])


@dataclass(frozen=True)
class Review:
    """What every section of the review page gets: the language, both tariffs, and the shared inputs."""

    lang: str
    published: Tariff
    whatif: Tariff
    users: int
    months: int
    units: int

    @property
    def edited(self) -> bool:
        return not same_prices(self.whatif, self.published)


READING_ICONS = MappingProxyType({
    "in_force": ":material/check_circle:",
    "default": ":material/radio_button_unchecked:",
    "other": ":material/radio_button_unchecked:",
    "not_simulated": ":material/block:",
})


def file_row(whatif: Tariff, valid: bool, lang: str) -> None:
    """Download the what-if, reset it, or upload a tariff file (its limit stated)."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.download_button(
            t("review.download", lang), data=lambda: tariff_to_toml(whatif), file_name="smop-tariff-what-if.toml",
            mime="application/toml", disabled=not valid, help=None if valid else t("review.download_disabled", lang),
            icon=":material/download:", on_click="ignore",
        )
        st.button(t("review.reset", lang), on_click=reset, icon=":material/restart_alt:")
    key = upload_key()
    st.file_uploader(t("review.upload", lang), type=["toml"], key=key, on_change=on_upload, args=(key,),
                     help=t("review.upload_help", lang), max_upload_size=UPLOAD_LIMIT_MB)
    st.caption(t("review.upload_limit", lang))
    errors, loaded = upload_state()
    for error in errors:
        st.error(escaped(t("review.upload_failed", lang, reason=error.message(lang))), icon=":material/error:")
    if errors:
        st.caption(t("review.upload_kept", lang))
    if loaded:
        st.success(t("review.upload_ok", lang), icon=":material/check_circle:")
