"""The app's pages as data: the router builds st.Page objects from this list, and the
suites that must cover every page (bad URL parameters, injection, isolation, benchmarks)
parametrize over it, so a new page is covered the day it is registered.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    file: str  # relative to the repository root
    title_key: str  # i18n key of the navigation title
    icon: str
    url_path: str  # differs from the file's stem (see app.py)
    default: bool = False

    @property
    def link(self) -> str:
        """The page's path in a link: the default page is served at the root."""
        return "/" if self.default else f"/{self.url_path}"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("app_pages/quote.py", "nav.quote", ":material/calculate:", "price-quote", default=True),
    PageSpec("app_pages/curve.py", "nav.curve", ":material/show_chart:", "cost-curve"),
    PageSpec("app_pages/lifecycle.py", "nav.lifecycle", ":material/hourglass_top:", "lifecycle-simulator"),
    PageSpec("app_pages/review.py", "nav.review", ":material/search:", "pricing-review"),
    PageSpec("app_pages/growth_plan.py", "nav.plan", ":material/trending_up:", "growth-plan"),
)
