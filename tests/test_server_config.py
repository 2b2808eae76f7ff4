"""The server's effective configuration, as Streamlit itself reads it from .streamlit/config.toml."""

import os

import pytest
import streamlit.config as config

from tests.conftest import ROOT


@pytest.fixture
def options():
    before = os.getcwd()
    os.chdir(ROOT)
    try:
        config.get_config_options(force_reparse=True)
        yield config.get_option
    finally:
        os.chdir(before)
        config.get_config_options(force_reparse=True)


def test_uploads_are_limited_to_a_small_size(options):
    assert options("server.maxUploadSize") <= 20


def test_xsrf_protection_is_on(options):
    assert options("server.enableXsrfProtection") is True


def test_end_users_never_see_error_details(options):
    assert options("client.showErrorDetails") == "none"


def test_usage_statistics_are_off(options):
    assert options("browser.gatherUsageStats") is False


def test_the_server_address_is_set_so_a_start_never_looks_up_the_external_ip(options):
    assert config.is_manually_set("browser.serverAddress")


def test_starting_the_server_sends_no_request_off_the_machine(options, monkeypatch, capsys):
    from streamlit import net_util
    from streamlit.web import bootstrap

    requests: list[str] = []
    monkeypatch.setattr(net_util, "_external_ip", None)
    monkeypatch.setattr(net_util, "_make_blocking_http_get", lambda url, timeout: requests.append(url))
    bootstrap._print_url(False)  # what `streamlit run` prints on start (private, pinned to 1.67)
    assert requests == []
    assert "External URL" not in capsys.readouterr().out


def test_error_boxes_show_no_links_to_outside_sites(options):
    assert options("client.showErrorLinks") is False


def test_a_closed_sessions_state_is_freed_within_seconds(options):
    assert options("server.disconnectedSessionTTL") <= 5


# WCAG 2.1 AA contrast of the theme (issue 20). Streamlit 1.67 draws captions in textColor at
# 60 % opacity and a selected segmented control's text in primaryColor on a 10 % tint of it.
def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _over(colour: str, background: str, alpha: float) -> str:
    fg = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    bg = [int(background.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(alpha * f + (1 - alpha) * b):02x}" for f, b in zip(fg, bg, strict=True))


def test_the_contrast_helper_gives_the_known_ratio_of_black_on_white():
    assert round(_contrast("#000000", "#FFFFFF"), 1) == 21.0


def test_body_text_meets_4_5_to_1_on_both_backgrounds(options):
    for background in (options("theme.backgroundColor"), options("theme.secondaryBackgroundColor")):
        assert _contrast(options("theme.textColor"), background) >= 4.5


def test_captions_meet_4_5_to_1_on_both_backgrounds(options):
    for background in (options("theme.backgroundColor"), options("theme.secondaryBackgroundColor")):
        caption = _over(options("theme.textColor"), background, 0.6)
        assert _contrast(caption, background) >= 4.5, caption


def test_selected_controls_meet_4_5_to_1_on_their_tint(options):
    primary = options("theme.primaryColor")
    for background in (options("theme.backgroundColor"), options("theme.secondaryBackgroundColor")):
        assert _contrast(primary, _over(primary, background, 0.1)) >= 4.5


def test_primary_buttons_meet_4_5_to_1_with_white_text(options):
    assert _contrast(options("theme.primaryColor"), "#FFFFFF") >= 4.5


def test_the_brand_blue_alone_would_fail_as_text_on_white():
    # Why the theme's primary is the darker brand blue: #006EFF is 4.49:1 on white.
    assert _contrast("#006EFF", "#FFFFFF") < 4.5


def test_heading_sizes_shrink_from_h1_to_h6(options):
    sizes = [float(size.removesuffix("rem")) for size in options("theme.headingFontSizes")]
    assert sizes == sorted(sizes, reverse=True)
