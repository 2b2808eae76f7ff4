"""Memory: a session keeps its portfolio compact, builds downloads on demand, and the server runs only a
few large jobs at once (a clear "busy, try again" otherwise)."""

from __future__ import annotations

import dataclasses
import importlib
import io
import threading
import tracemalloc

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smop_ui.limits as limits
from smop_pricing.portfolio import read_portfolio, synthetic_portfolio
from smop_pricing.portfolio.compact import KEPT_MONEY, compact_priced, full_table, price_compact
from smop_pricing.portfolio.compare import difference_fen, difference_histogram, period_revenue, with_basis
from smop_pricing.portfolio.report import price_portfolio, synthetic_frame
from smop_pricing.portfolio.write import priced_csv_bytes
from smop_pricing.pricing.tariff import published_tariff
from tests.test_page_review_portfolio import metric, open_review, upload

compare_module = importlib.import_module("smop_pricing.portfolio.compare")  # (the package exports compare())
PUBLISHED = published_tariff()
WHATIF = dataclasses.replace(PUBLISHED, monthly_fee=PUBLISHED.monthly_fee + 100)
CUSTOMERS = "customer,users,months,held_units\n甲,1000000,12,0\n乙,3500000,1,2\n丙,150000,3,0\n丁,2600000,6,1\n"


@pytest.fixture
def priced():
    frame = read_portfolio(CUSTOMERS.encode())
    return price_portfolio(frame, PUBLISHED, WHATIF)


def _frame(rows: pd.DataFrame):
    buffer = io.StringIO()
    rows.reset_index(drop=True).to_csv(buffer, index=False)
    return read_portfolio(buffer.getvalue().encode())


def test_a_compact_pricing_keeps_only_the_totals_and_differences_the_page_shows(priced):
    compact = compact_priced(priced)
    assert set(compact.comparison.table.columns) == {"customer", "users", "months", "held_units", *KEPT_MONEY}
    full_bytes = priced.comparison.table.memory_usage(deep=True).sum()
    assert compact.comparison.table.memory_usage(deep=True).sum() < 0.6 * full_bytes


def test_a_compact_pricing_holds_no_view_of_the_full_table(priced):
    compact = compact_priced(priced).comparison.table
    for name in KEPT_MONEY:
        assert not pd.api.types.is_object_dtype(compact[name])
        assert compact[name].to_numpy().base is None or compact[name].to_numpy().base is not \
            priced.comparison.table[name].to_numpy().base


@pytest.mark.parametrize("basis", ["literal", "cheapest"])
def test_winners_losers_and_histogram_are_the_same_from_the_compact_pricing(basis):
    frame = _frame(synthetic_portfolio(3_000, seed=4))
    full = price_portfolio(frame, PUBLISHED, WHATIF)
    compact = compact_priced(full)
    a, b = with_basis(full.comparison, basis), with_basis(compact.comparison, basis)
    pd.testing.assert_frame_equal(a.winners, b.winners)
    pd.testing.assert_frame_equal(a.losers, b.losers)
    pd.testing.assert_frame_equal(a.histogram, b.histogram)
    assert compact.unchanged == full.unchanged


def _same_comparison(a, b) -> None:
    for name in ("published", "whatif", "difference", "cheapest_difference", "basis", "periods"):
        assert getattr(a, name) == getattr(b, name), name
    for name in ("winners", "losers", "histogram", "table"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


@pytest.mark.parametrize("chunk", [2, 7, 250, 1_000_000])
def test_a_portfolio_priced_in_chunks_is_the_compact_of_the_one_priced_whole(chunk):
    frame = _frame(synthetic_portfolio(600, seed=11))
    whole = compact_priced(price_portfolio(frame, PUBLISHED, WHATIF))
    chunked = price_compact(frame, PUBLISHED, WHATIF, chunk_rows=chunk)
    pd.testing.assert_frame_equal(chunked.frame.rows, whole.frame.rows)
    _same_comparison(chunked.comparison, whole.comparison)
    for basis in ("literal", "cheapest"):
        _same_comparison(with_basis(chunked.comparison, basis), with_basis(whole.comparison, basis))
    assert chunked.unchanged == whole.unchanged


def test_rows_neither_tariff_can_price_go_to_the_errors_when_priced_in_chunks():
    tiny = dataclasses.replace(PUBLISHED, pack_users=1, included_users=0, version="tiny")
    frame = read_portfolio(CUSTOMERS.encode())
    whole = compact_priced(price_portfolio(frame, PUBLISHED, tiny))
    chunked = price_compact(frame, PUBLISHED, tiny, chunk_rows=2)
    assert len(chunked.frame.errors) and len(chunked.frame.rows) < len(frame.rows)
    pd.testing.assert_frame_equal(chunked.frame.errors, whole.frame.errors)
    _same_comparison(chunked.comparison, whole.comparison)


def test_a_portfolio_with_no_row_to_price_gives_zero_totals_in_chunks_as_whole():
    frame = read_portfolio(b"customer,users,months,held_units\n")
    _same_comparison(price_compact(frame, PUBLISHED, WHATIF).comparison,
                     compact_priced(price_portfolio(frame, PUBLISHED, WHATIF)).comparison)


def test_a_compact_table_keeps_no_difference_and_its_derived_differences_are_the_full_tables(priced):
    compact = compact_priced(priced).comparison.table
    assert not {"difference_fen", "cheapest_difference_fen", "base_fee_fen"} & set(compact.columns)
    for basis, column in (("literal", "difference_fen"), ("cheapest", "cheapest_difference_fen")):
        derived = difference_fen(compact, basis)
        assert derived.dtype == np.int64
        assert derived.tolist() == priced.comparison.table[column].tolist()


def test_revenue_by_period_summed_when_priced_is_the_full_tables():
    frame = _frame(synthetic_portfolio(2_000, seed=3))
    full = price_portfolio(frame, PUBLISHED, WHATIF).comparison
    assert full.periods == (period_revenue(full.table), period_revenue(full.table, "against_"))
    assert price_compact(frame, PUBLISHED, WHATIF, chunk_rows=300).comparison.periods == full.periods


def test_pricing_in_chunks_never_holds_the_full_priced_table():
    frame = synthetic_frame(100_000, 1)

    def peak(job) -> int:
        tracemalloc.start()
        try:
            job()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    whole = peak(lambda: compact_priced(price_portfolio(frame, PUBLISHED, WHATIF)))
    assert peak(lambda: price_compact(frame, PUBLISHED, WHATIF)) < 0.6 * whole


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-5, 5), max_size=60), st.integers(0, 70))
def test_the_first_keys_found_without_a_full_sort_are_the_stable_sorts_first(keys, top):
    array = np.array(keys, dtype=np.int64)
    expected = np.argsort(array, kind="stable")[:top]
    assert compare_module._first(array, top).tolist() == expected.tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-10**9, 10**9), min_size=1, max_size=80), st.integers(1, 25))
def test_a_histogram_binned_part_by_part_is_the_histogram_binned_at_once(values, bins):
    array = np.array(values, dtype=np.int64)
    at_once = difference_histogram(array, bins)
    original = compare_module._PART
    compare_module._PART = 7  # (monkeypatch is not for hypothesis examples)
    try:
        pd.testing.assert_frame_equal(difference_histogram(array, bins), at_once)
    finally:
        compare_module._PART = original


def test_the_download_priced_again_on_demand_is_the_table_compare_made(priced):
    pd.testing.assert_frame_equal(full_table(compact_priced(priced), PUBLISHED, WHATIF), priced.comparison.table)


@pytest.mark.parametrize("chunk", [1, 2, 3, 100_000])
def test_a_download_written_in_chunks_is_the_same_file(priced, chunk):
    table = priced.comparison.table
    assert priced_csv_bytes(table, "utf-8", chunk_rows=chunk) == priced_csv_bytes(table, "utf-8", chunk_rows=10**9)


def test_a_chunked_download_keeps_a_carriage_return_in_one_record():
    table = pd.DataFrame({"customer": ["a", "b\rc", "d"], "users": [1, 2, 3]})
    text = priced_csv_bytes(table, chunk_rows=1).decode()
    assert text == 'customer,users\r\na,1\r\n"b\rc",2\r\nd,3\r\n'


# --------------------------------------------------------------------------- the server's gate


def test_small_jobs_always_run_and_large_ones_take_one_of_few_slots():
    with limits.large_job(False) as small:
        assert small
    held = []
    try:
        for _ in range(limits.MAX_LARGE_JOBS):
            context = limits.large_job(True)
            assert context.__enter__()
            held.append(context)
        with limits.large_job(True) as third:
            assert not third
        with limits.large_job(False) as small:
            assert small
    finally:
        for context in held:
            context.__exit__(None, None, None)
    with limits.large_job(True) as again:
        assert again


def test_a_download_waits_for_a_slot_rather_than_failing_at_once():
    gate = limits._gate()
    taken = [gate.acquire(blocking=False) for _ in range(limits.MAX_LARGE_JOBS)]
    assert all(taken)
    timer = threading.Timer(0.3, gate.release)
    timer.start()
    try:
        with limits.large_job(True, wait=30) as got:
            assert got
    finally:
        timer.join()
        for _ in range(limits.MAX_LARGE_JOBS - 1):
            gate.release()


def test_a_large_upload_while_the_server_is_busy_says_so_and_prices_after_try_again(monkeypatch):
    monkeypatch.setattr(limits, "LARGE_UPLOAD_BYTES", 10)  # this small upload counts as large
    gate = limits._gate()
    for _ in range(limits.MAX_LARGE_JOBS):
        assert gate.acquire(blocking=False)
    try:
        at = upload(open_review("en"), "c.csv", CUSTOMERS.encode())
        assert not at.exception
        assert any("server is busy" in w.value for w in at.warning)
        assert [b.label for b in at.button if b.label == "Try again"]
    finally:
        for _ in range(limits.MAX_LARGE_JOBS):
            gate.release()
    at.button(key="pf_busy_read").click().run()
    assert not at.exception
    assert not any("server is busy" in w.value for w in at.warning)
    assert metric(at, "Customers priced") == "4"


def test_a_session_keeps_one_compact_pricing_and_lets_the_made_up_portfolio_go():
    at = open_review("en")
    assert "pf_synthetic" in at.session_state
    at = upload(at, "c.csv", CUSTOMERS.encode())
    assert "pf_synthetic" not in at.session_state
    key, priced = at.session_state["pf_priced"]
    assert key[0].startswith("upload:")
    assert set(priced.comparison.table.columns) <= {"customer", "users", "months", "held_units", *KEPT_MONEY}


def test_the_memory_janitor_runs_once_per_server_and_releases_without_error():
    first, second = limits.start_janitor(), limits.start_janitor()
    assert first is second and not first.is_set()
    assert any(thread.name == "smop-memory-janitor" and thread.is_alive() for thread in threading.enumerate())
    limits.release_memory()


@pytest.mark.parametrize("chunk", [1, 3, 50_000])
def test_the_download_priced_in_chunks_is_the_file_the_full_table_gives(priced, chunk):
    from smop_pricing.portfolio.compact import priced_csv_on_demand

    compact = compact_priced(priced)
    for encoding in ("utf-8", "gbk"):
        expected = priced_csv_bytes(priced.comparison.table, encoding)
        assert priced_csv_on_demand(compact, PUBLISHED, WHATIF, encoding, chunk_rows=chunk) == expected


def test_expiring_closed_sessions_without_a_running_server_does_nothing():
    assert limits.expire_closed_sessions() == 0


def _media_manager():
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    return MediaFileManager(MemoryMediaFileStorage("/media"))


def _stored(manager) -> set[str]:
    return set(manager._file_metadata)


def test_a_download_built_on_click_is_deleted_a_few_seconds_after_it_was_handed_out():
    manager = _media_manager()
    placeholder = manager.add_deferred(lambda: b"priced," * 1000, "text/csv", "coord-download")
    manager.execute_deferred(placeholder)
    (built,) = _stored(manager)
    first_seen: dict[str, float] = {}
    assert limits.drop_served_downloads(first_seen, 100.0, manager) == 0
    assert limits.drop_served_downloads(first_seen, 100.0 + limits.SERVED_DOWNLOAD_SECONDS / 2, manager) == 0
    assert _stored(manager) == {built}
    assert limits.drop_served_downloads(first_seen, 100.0 + limits.SERVED_DOWNLOAD_SECONDS, manager) == 1
    assert _stored(manager) == set() and first_seen == {}


def test_a_download_deleted_by_the_janitor_can_be_clicked_again():
    manager = _media_manager()
    placeholder = manager.add_deferred(lambda: b"priced," * 1000, "text/csv", "coord-download")
    manager.execute_deferred(placeholder)
    first_seen: dict[str, float] = {}
    limits.drop_served_downloads(first_seen, 0.0, manager)
    limits.drop_served_downloads(first_seen, 60.0, manager)
    url = manager.execute_deferred(placeholder)
    assert url.startswith("/media/") and len(_stored(manager)) == 1


def test_the_janitor_leaves_files_a_session_still_shows():
    manager = _media_manager()
    manager.add(b"\x89PNG shown image", "image/png", "coord-image")
    manager.add(b"csv shown", "text/csv", "coord-button", is_for_static_download=True)
    first_seen: dict[str, float] = {}
    assert limits.drop_served_downloads(first_seen, 0.0, manager) == 0
    assert limits.drop_served_downloads(first_seen, 60.0, manager) == 0
    assert len(_stored(manager)) == 2


def test_dropping_downloads_without_a_running_server_does_nothing():
    assert limits.drop_served_downloads({}, 0.0) == 0


def test_expiring_a_closed_session_empties_its_state(monkeypatch):
    """Streamlit's flush loop can keep the last session it flushed alive after shutdown: its
    portfolio must not stay with it."""
    from types import SimpleNamespace

    from streamlit.runtime import Runtime
    from streamlit.runtime.state.session_state import SessionState

    state = SessionState()
    state["pf_priced"] = ("key", "a large priced portfolio")
    session = SimpleNamespace(session_state=state, shutdown=lambda: None)

    class Cache:
        def __init__(self) -> None:
            self._data = {"gone": SimpleNamespace(session=session)}
            self._expirations = {"gone": 1.0}

        def _timer(self) -> float:
            return 2.0

        def expire(self, now: float) -> None:
            self._data.clear()

    runtime = SimpleNamespace(_session_mgr=SimpleNamespace(_session_storage=SimpleNamespace(_cache=Cache())))
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: runtime))
    assert limits.expire_closed_sessions() == 1
    assert "pf_priced" not in state
