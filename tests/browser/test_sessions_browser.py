"""Sessions kept apart and a light load, in the real browser: ten visitors on one server, each in
a browser context of its own with different inputs, see only their own figures, before and after
changes typed in turn while the others' reruns are still running; six of them then make three
more changes each and every total is right, and the server is still up.

The ten visitors are shared by the two tests (opening a page is what costs); each test sets its
own values before it checks anything. The heavier load (20 visitors, 5 changes, memory) is
bench/bench_load.py.
"""

from __future__ import annotations

import urllib.request

import pytest

from tests.browser.sessions import Visitor, change_all, distinct_visits, settle_all

VISITORS = 10


@pytest.fixture(scope="module")
def crowd(browser, app_url):
    visitors = [Visitor.arrive(browser, app_url, users, months) for users, months in distinct_visits(VISITORS)]
    settle_all(visitors)
    yield visitors
    for visitor in visitors:
        visitor.leave()


def assert_each_sees_only_its_own(visitors: list[Visitor]) -> None:
    for visitor in visitors:
        assert visitor.shown() == visitor.expected()
        text = visitor.page.get_by_test_id("stMain").inner_text()
        for other in visitors:
            if other is not visitor:
                assert f"users={other.users}&" not in text


def test_ten_concurrent_sessions_each_see_only_their_own_quote_before_and_after_interleaved_changes(crowd):
    assert_each_sees_only_its_own(crowd)
    for round_ in range(2):
        change_all(crowd, round_)
        settle_all(crowd)
        assert_each_sees_only_its_own(crowd)
    assert len({visitor.total for visitor in crowd}) == VISITORS


def test_six_sessions_making_three_changes_each_all_end_with_the_right_totals_and_the_server_stays_up(crowd, app_url):
    six = crowd[:6]
    for round_ in range(3):
        change_all(six, round_ + 10)
        settle_all(six)
        for visitor in six:
            assert visitor.shown() == visitor.expected()
    with urllib.request.urlopen(f"{app_url}/_stcore/health", timeout=30) as response:
        assert response.read() == b"ok"
