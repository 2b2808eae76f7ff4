"""Many visitors at once: each a browser context of its own on the quote page, driven without
waiting for the others, so their reruns overlap on the one server. Used by the isolation and
load tests and by bench/bench_load.py.

Every wait is on the page's state (the total shown, the URL), bounded by Playwright's timeout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from playwright.sync_api import expect

from smop_pricing.money import format_money
from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.validation import parse_users
from tests.browser.conftest import IDLE

USERS_LABEL = "Users to operate"
HEADLINE = ".st-key-quote_headline h2"  # the quote's headline card (smop_ui.headline)
TIMEOUT_MS = 180_000  # a page under load: 20 visitors (20 Chromium contexts) on two cores; ~90 s to open all


@cache
def expected_total(users: int, months: int) -> str:
    """The quote page's headline figure for ``users`` and ``months`` in English: the recommended
    purchase's total (issue 13), 'CNY 35,000'."""
    return format_money(quote(published_tariff(), users, months).cheapest_total, "en")


@dataclass
class Visitor:
    """One browser context on the quote page with its own users and months (users other than the
    page's default 1,000,000, which the URL leaves out)."""

    context: Any
    page: Any
    users: int
    months: int

    @classmethod
    def arrive(cls, browser: Any, base: str, users: int, months: int) -> Visitor:
        """Open the page and return without waiting for it to draw (see :meth:`settle`)."""
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{base}/?users={users}&months={months}&lang=en", wait_until="commit")
        return cls(context, page, users, months)

    @property
    def total(self) -> str:
        return expected_total(self.users, self.months)

    def set_users(self, users: int) -> None:
        """Type a new user count and press Enter; return without waiting for the rerun."""
        self.users = users
        field = self.page.get_by_role("textbox", name=USERS_LABEL).first
        field.fill(str(users))
        field.press("Enter")

    def settle(self) -> None:
        """Wait until the page shows this visitor's own total and link."""
        self.page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        expect(self.page.locator(HEADLINE)).to_have_text(self.total, timeout=TIMEOUT_MS)
        self.page.wait_for_function(
            "users => new URLSearchParams(location.search).get('users') === users", arg=str(self.users),
            timeout=TIMEOUT_MS,
        )

    def shown(self) -> dict[str, object]:
        """What the page shows of the quote: the total, the users input, the link's query."""
        return {
            "total": self.page.locator(HEADLINE).inner_text(),
            "users": parse_users(self.page.get_by_role("textbox", name=USERS_LABEL).first.input_value()),
            # the compared options keep the users they started from (issue 13): the quote's own part
            "link": self.page.get_by_test_id("stCode").first.inner_text().strip().split("&c1_")[0],
        }

    def expected(self) -> dict[str, object]:
        return {"total": self.total, "users": self.users, "link": f"?users={self.users}&months={self.months}&lang=en"}

    def leave(self) -> None:
        self.context.close()


def distinct_visits(count: int, start: int = 1_200_000) -> list[tuple[int, int]]:
    """``count`` (users, months) pairs whose totals all differ."""
    visits: list[tuple[int, int]] = []
    totals: set[str] = set()
    users = start
    while len(visits) < count:
        months = 1 + len(visits) % 12
        if expected_total(users, months) not in totals:
            totals.add(expected_total(users, months))
            visits.append((users, months))
        users += 130_000
    return visits


def change_all(visitors: Sequence[Visitor], round_: int) -> None:
    """Every visitor types a new user count, one after another, none waiting for its rerun:
    the reruns overlap on the server. Odd rounds go in reverse order."""
    order = list(enumerate(visitors))
    for index, visitor in reversed(order) if round_ % 2 else order:
        visitor.set_users(next_users(visitor.users, index, round_))


def next_users(users: int, index: int, round_: int) -> int:
    """A new count for visitor ``index``: up or down by a step that differs per visitor and round."""
    step = 170_000 + 10_000 * index + 1_000 * round_
    return users + step if users + step <= 9_000_000 else users - 4 * step


def settle_all(visitors: Sequence[Visitor]) -> None:
    for visitor in visitors:
        visitor.settle()
