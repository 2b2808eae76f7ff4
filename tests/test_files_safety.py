"""Files: outputs never overwrite an input, never left truncated; inputs that are not files refused at once."""

from __future__ import annotations

import errno
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from smop_pricing import safe_io
from smop_pricing.cli import main
from smop_pricing.pricing.tariff import published_tariff, tariff_to_toml
from tests.conftest import ROOT

CUSTOMERS = "customer,users,months\n甲,1000000,1\n乙,abc,1\n"
TOML = tariff_to_toml(published_tariff())


@pytest.fixture
def files(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(CUSTOMERS, encoding="utf-8")
    tariff = tmp_path / "t.toml"
    tariff.write_text(TOML, encoding="utf-8")
    return tmp_path, source, tariff


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    status = main([*argv, "--lang", "en"], out=io.StringIO(), err=err)
    return status, err.getvalue()


def run_process(*argv: str, stdin: bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smop_pricing", *argv, "--lang", "en"], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=timeout, check=False)


# --------------------------------------------------------------------------- same path


@pytest.mark.parametrize("option", ["--tariff", "--against"])
def test_an_output_equal_to_a_tariff_file_is_refused_and_the_tariff_is_kept(files, option):
    _folder, source, tariff = files
    status, err = run("reprice", str(source), "-o", str(tariff), option, str(tariff))
    assert status == 2 and "--" in err and "t.toml" in err
    assert tariff.read_text(encoding="utf-8") == TOML


def test_an_errors_file_equal_to_the_against_tariff_is_refused(files):
    folder, source, tariff = files
    status, _err = run("reprice", str(source), "-o", str(folder / "out.csv"), "--against", str(tariff),
                      "--errors", str(tariff))
    assert status == 2
    assert tariff.read_text(encoding="utf-8") == TOML
    assert not (folder / "out.csv").exists()


def test_an_output_that_is_a_link_to_the_tariff_is_refused(files):
    folder, source, tariff = files
    link = folder / "link.csv"
    link.symlink_to(tariff)
    status, _ = run("reprice", str(source), "-o", str(link), "--tariff", str(tariff))
    assert status == 2
    assert tariff.read_text(encoding="utf-8") == TOML


# --------------------------------------------------------------------------- atomic writes


def _disk_full(monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(safe_io.os, "fsync", full)


def test_a_full_disk_keeps_the_existing_output_and_leaves_no_partial_file(files, monkeypatch):
    folder, source, _ = files
    out = folder / "out.csv"
    out.write_text("yesterday's priced table\n", encoding="utf-8")
    _disk_full(monkeypatch)
    status, err = run("reprice", str(source), "-o", str(out))
    assert status == 2
    assert "No space left on device" in err
    assert out.read_text(encoding="utf-8") == "yesterday's priced table\n"
    assert sorted(p.name for p in folder.iterdir()) == ["in.csv", "out.csv", "t.toml"]


def test_a_write_that_fails_midway_leaves_no_file_where_there_was_none(tmp_path):
    target = tmp_path / "new.csv"

    def half(stream):
        stream.write(b"half a table")
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    with pytest.raises(OSError):
        safe_io.write_atomic(target, half)
    assert list(tmp_path.iterdir()) == []


def test_a_rewritten_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    safe_io.write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_an_output_that_is_a_fifo_is_refused_not_replaced(files):
    folder, source, _ = files
    fifo = folder / "out.csv"
    os.mkfifo(fifo)
    done = run_process("reprice", str(source), "-o", str(fifo), timeout=60)  # the old code waited for a reader
    assert done.returncode == 2 and b"not a regular file" in done.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)


# --------------------------------------------------------------------------- inputs that are not files


@pytest.mark.parametrize("command", ["reprice", "quote", "simulate"])
def test_a_fifo_with_no_writer_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    argv = {"reprice": ["reprice", str(fifo), "-o", str(tmp_path / "o.csv")],
            "quote": ["quote", "--users", "1000", "--tariff", str(fifo)],
            "simulate": ["simulate", str(fifo)]}[command]
    done = run_process(*argv, timeout=60)  # the old code waited for a writer forever
    assert done.returncode == 2
    assert b"not a regular file" in done.stderr


@pytest.mark.parametrize("command", ["reprice", "quote", "simulate"])
def test_a_symlink_loop_is_refused_with_its_reason_and_status_2(tmp_path, command):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    argv = {"reprice": ["reprice", str(loop), "-o", str(tmp_path / "o.csv")],
            "quote": ["quote", "--users", "1000", "--tariff", str(loop)],
            "simulate": ["simulate", str(loop)]}[command]
    status, err = run(*argv)
    assert status == 2
    assert "symbolic links" in err
    assert "internal error" not in err


@pytest.mark.parametrize("command", ["reprice", "quote", "simulate"])
def test_a_folder_given_as_a_file_is_refused(tmp_path, command):
    argv = {"reprice": ["reprice", str(tmp_path), "-o", str(tmp_path / "o.csv")],
            "quote": ["quote", "--users", "1000", "--tariff", str(tmp_path)],
            "simulate": ["simulate", str(tmp_path)]}[command]
    status, err = run(*argv)
    assert status == 2 and "not a regular file" in err


def test_dev_stdin_as_a_pipe_is_refused_and_dash_reads_standard_input(tmp_path):
    out = tmp_path / "o.csv"
    refused = run_process("reprice", "/dev/stdin", "-o", str(out), stdin=CUSTOMERS.encode())
    assert refused.returncode == 2 and b"use - for standard input" in refused.stderr
    done = run_process("reprice", "-", "-o", str(out), stdin=CUSTOMERS.encode())
    assert done.returncode == 0, done.stderr
    assert "甲" in out.read_text(encoding="utf-8")


def test_a_tariff_and_a_scenario_read_from_standard_input(tmp_path):
    quoted = run_process("quote", "--users", "1000000", "--tariff", "-", "--json", stdin=TOML.encode())
    assert quoted.returncode == 0, quoted.stderr
    scenario = (Path(ROOT) / "smop_pricing/data/presets/e3.json").read_bytes()
    simulated = run_process("simulate", "-", stdin=scenario)
    assert simulated.returncode == 0, simulated.stderr


def test_a_read_error_midway_is_status_2_with_its_reason(files, monkeypatch):
    folder, source, _ = files
    import smop_pricing.commands.reprice as reprice

    def failing(*args, **kwargs):
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(source))

    monkeypatch.setattr(reprice, "read_portfolio", failing)
    status, err = run("reprice", str(source), "-o", str(folder / "o.csv"))
    assert status == 2
    assert "Input/output error" in err and "in.csv" in err
