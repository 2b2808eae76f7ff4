"""The reprice command's contract, run in-process through smop_pricing.cli.main."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from smop_pricing.cli import main
from smop_pricing.portfolio import PRICE_COLUMNS
from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import published_tariff, tariff_from_dict, tariff_to_toml
from tests.oracle import priced_columns

PORTFOLIO = (
    "customer,users,months,held_units\n"
    "腾讯科技,1000000,1,0\n"
    "安心保险,150000,12,0\n"
    "华南零售,abc,3,0\n"
    "西部物流,2600000,3,2\n"
    "东方传媒,-5,1,0\n"
)

WHATIF = tariff_from_dict(
    {
        "name": "试算价目表",
        "name_en": "What-if",
        "version": "w-fen",
        "monthly_fee": "1999.50",
        "included_users": 200_000,
        "pack_users": 100_000,
        "tier_mode": "graduated",
        "grace_months": 3,
        "warn_ratio": "0.9",
        "over_quota_lock_days": 60,
        "packs_survive_lapse": True,
        "tiers": [{"max_units": 5, "unit_price": "5999.99"}, {"unit_price": "2999.99"}],
    }
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def read_csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(PORTFOLIO, encoding="utf-8")
    return path


@pytest.fixture
def whatif_file(tmp_path: Path) -> Path:
    path = tmp_path / "whatif.toml"
    path.write_text(tariff_to_toml(WHATIF), encoding="utf-8")
    return path


def test_reprice_writes_the_input_columns_then_the_priced_columns(portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, _, stderr = run("reprice", str(portfolio), "-o", str(out))
    assert (code, stderr) == (0, "")
    rows = read_csv(out)
    assert list(rows[0]) == ["customer", "users", "months", "held_units", *PRICE_COLUMNS]
    assert [r["customer"] for r in rows] == ["腾讯科技", "安心保险", "西部物流"]
    first = rows[0]
    assert (first["pack_units"], first["pack_rate"], first["pack_fee"], first["total"]) == (
        "8",
        "4800",
        "38400",
        "40400",
    )
    assert (first["cheapest_pack_units"], first["cheapest_total"], first["saving"]) == ("11", "35000", "5400")
    assert first["capacity"] == "1000000"


def test_every_written_row_equals_the_scalar_quote(portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    run("reprice", str(portfolio), "-o", str(out))
    tariff = published_tariff()
    for row in read_csv(out):
        q = quote(tariff, int(row["users"]), int(row["months"]), int(row["held_units"]))
        assert Decimal(row["total"]) == q.total
        assert Decimal(row["cheapest_total"]) == q.cheapest_total
        assert Decimal(row["saving"]) == q.saving
        assert int(row["capacity"]) == q.capacity


def test_the_summary_says_in_chinese_how_many_rows_were_priced_and_rejected(
    portfolio: Path, tmp_path: Path
) -> None:
    _, stdout, _ = run("reprice", str(portfolio), "-o", str(tmp_path / "out.csv"))
    assert "定价 3 行，拒绝 2 行" in stdout
    assert "按需购买合计" in stdout and "元" in stdout
    assert str(tmp_path / "out.errors.csv") in stdout


def test_the_summary_is_in_english_with_lang_en(portfolio: Path, tmp_path: Path) -> None:
    _, stdout, _ = run("reprice", str(portfolio), "-o", str(tmp_path / "out.csv"), "--lang", "en")
    assert "3 rows priced, 2 rejected" in stdout
    assert "Literal purchases: CNY " in stdout


def test_bad_rows_go_to_the_default_errors_file_with_line_numbers_and_reasons(
    portfolio: Path, tmp_path: Path
) -> None:
    run("reprice", str(portfolio), "-o", str(tmp_path / "out.csv"), "--lang", "en")
    errors = read_csv(tmp_path / "out.errors.csv")
    assert [(e["line"], e["column"], e["value"], e["reason"]) for e in errors] == [
        ("4", "users", "abc", "must be a whole number"),
        ("6", "users", "-5", "must be from 0 to 100,000,000"),
    ]


def test_the_errors_file_is_worded_in_chinese_by_default_and_goes_where_errors_says(
    portfolio: Path, tmp_path: Path
) -> None:
    target = tmp_path / "rejected.csv"
    run("reprice", str(portfolio), "-o", str(tmp_path / "out.csv"), "--errors", str(target))
    assert [e["reason"] for e in read_csv(target)] == ["必须是整数", "必须在 0 到 100,000,000 之间"]
    assert not (tmp_path / "out.errors.csv").exists()


def test_no_errors_file_is_written_when_every_row_is_good(tmp_path: Path) -> None:
    source = tmp_path / "good.csv"
    source.write_text("users\n150000\n", encoding="utf-8")
    code, stdout, _ = run("reprice", str(source), "-o", str(tmp_path / "out.csv"), "--json")
    assert code == 0
    assert not (tmp_path / "out.errors.csv").exists()
    summary = json.loads(stdout)
    assert summary["errors_file"] is None and summary["rows_rejected"] == 0
    assert summary["assumed"] == ["months"]


def test_against_adds_the_same_columns_for_the_second_tariff(
    portfolio: Path, whatif_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    code, _, _ = run("reprice", str(portfolio), "--against", str(whatif_file), "-o", str(out))
    assert code == 0
    rows = read_csv(out)
    assert list(rows[0])[4:] == [*PRICE_COLUMNS, *(f"against_{c}" for c in PRICE_COLUMNS)]
    for row in rows:
        q = quote(WHATIF, int(row["users"]), int(row["months"]), int(row["held_units"]))
        expected = priced_columns(q)
        for column, value in expected.items():
            text = row[f"against_{column}"]
            assert Decimal(text) == value, column
            assert re.fullmatch(r"[0-9]+(\.[0-9]{2})?", text), text  # "38400" or "38400.50"
    assert rows[0]["against_base_fee"] == "1999.50"


def test_the_json_summary_has_exact_totals_for_both_tariffs_and_their_difference(
    portfolio: Path, whatif_file: Path, tmp_path: Path
) -> None:
    code, stdout, _ = run(
        "reprice",
        str(portfolio),
        "--tariff",
        str(whatif_file),
        "--against",
        str(whatif_file),
        "-o",
        str(tmp_path / "out.csv"),
        "--json",
    )
    assert code == 0
    summary = json.loads(stdout, parse_float=Decimal)
    expected = sum(
        (
            quote(WHATIF, u, m, h).total
            for u, m, h in [(1_000_000, 1, 0), (150_000, 12, 0), (2_600_000, 3, 2)]
        ),
        Decimal(0),
    )
    assert Decimal(str(summary["tariff"]["total"])) == expected
    assert summary["tariff"]["version"] == summary["against"]["version"] == "w-fen"
    assert summary["difference"] == {"total": 0, "cheapest_total": 0}
    assert (summary["rows_priced"], summary["rows_rejected"]) == (3, 2)


def test_a_gbk_file_is_written_back_in_gbk_unless_encoding_says_otherwise(tmp_path: Path) -> None:
    source = tmp_path / "gbk.csv"
    source.write_bytes(PORTFOLIO.encode("gbk"))
    run("reprice", str(source), "-o", str(tmp_path / "a.csv"))
    assert read_csv(tmp_path / "a.csv", "gbk")[0]["customer"] == "腾讯科技"
    assert read_csv(tmp_path / "a.errors.csv", "gbk")[0]["reason"] == "必须是整数"
    run("reprice", str(source), "-o", str(tmp_path / "b.csv"), "--encoding", "utf-8")
    assert read_csv(tmp_path / "b.csv")[0]["customer"] == "腾讯科技"


def test_a_file_with_a_bom_is_read_and_written_with_a_bom(tmp_path: Path) -> None:
    source = tmp_path / "bom.csv"
    source.write_bytes(b"\xef\xbb\xbf" + PORTFOLIO.encode("utf-8"))
    run("reprice", str(source), "-o", str(tmp_path / "out.csv"))
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbfcustomer,users")


@pytest.mark.parametrize(
    ("content", "lang", "expected"),
    [
        (b"", "zh", "文件是空的"),
        (b"customer,months\nA,1\n", "en", "has no users column"),
        (b"\x00\x01binary", "en", "is not a text (CSV) file"),
        (b"users,\xff\xfe\xff\n1,2\n", "en", "cannot be decoded"),
    ],
)
def test_a_file_that_cannot_be_used_exits_2_with_one_line(
    tmp_path: Path, content: bytes, lang: str, expected: str
) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    code, stdout, stderr = run("reprice", str(source), "-o", str(tmp_path / "out.csv"), "--lang", lang)
    assert code == 2 and stdout == ""
    assert stderr.count("\n") == 1 and expected in stderr
    assert str(source) in stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_missing_input_file_exits_2(tmp_path: Path) -> None:
    code, _, stderr = run(
        "reprice", str(tmp_path / "none.csv"), "-o", str(tmp_path / "out.csv"), "--lang", "en"
    )
    assert code == 2 and "cannot be read" in stderr


def test_writing_over_the_input_is_refused(portfolio: Path) -> None:
    code, _, stderr = run("reprice", str(portfolio), "-o", str(portfolio), "--lang", "en")
    assert code == 2 and "must not be the input file" in stderr
    assert portfolio.read_text(encoding="utf-8") == PORTFOLIO


def test_an_unwritable_output_exits_2(portfolio: Path, tmp_path: Path) -> None:
    code, _, stderr = run("reprice", str(portfolio), "-o", str(tmp_path / "no" / "dir" / "out.csv"))
    assert code == 2 and "无法写入" in stderr


def test_a_bad_tariff_file_exits_2(portfolio: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("name = 1\n", encoding="utf-8")
    code, _, stderr = run("reprice", str(portfolio), "--against", str(broken), "-o", str(tmp_path / "o.csv"))
    assert code == 2 and stderr.count("\n") == 1


def test_the_output_option_is_required() -> None:
    code, _, stderr = run("reprice", "in.csv")
    assert code == 2 and "-o" in stderr


def test_the_summary_names_the_published_tariff_with_its_day_and_a_what_if_by_its_version(
    portfolio: Path, tmp_path: Path
) -> None:
    whatif = tmp_path / "whatif.toml"
    whatif.write_text(tariff_to_toml(published_tariff()).replace('version = "published"', 'version = "try-2"')
                      .replace("published_on = 2026-11-27\n", ""), encoding="utf-8")
    zh = run("reprice", str(portfolio), "-o", str(tmp_path / "zh.csv"), "--against", str(whatif))[1]
    en = run("reprice", str(portfolio), "-o", str(tmp_path / "en.csv"), "--against", str(whatif), "--lang", "en")[1]
    assert "价目表：腾讯云官网公布价格" in zh and "计费页面 2026-11-27 版" in zh and "（版本 try-2）" in zh
    assert "billing page as of 2026-11-27" in en and "(version try-2)" in en
    assert "published)" not in en and "公布版" not in zh
