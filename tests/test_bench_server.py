"""The server benchmark sorts py-spy's samples into the buckets it reports."""

from __future__ import annotations

from pathlib import Path

from bench.bench_server import bucket, shares

SCRIPT = ("_bootstrap (threading.py:1002);ScriptRunner._run_script (streamlit/runtime/scriptrunner/"
          "script_runner.py:700);exec_func_with_error_handling (streamlit/runtime/scriptrunner/exec_code.py:129)")


def test_a_sample_in_the_page_script_counts_as_script_arrow_or_protobuf_by_its_frames():
    assert bucket(SCRIPT + ";<module> (app_pages/quote.py:80);quote (smop_pricing/pricing/rules.py:10)") == "script"
    assert bucket(SCRIPT + ";dataframe (streamlit/elements/arrow.py:600);convert_anything_to_arrow_bytes "
                  "(streamlit/dataframe_util.py:900)") == "Arrow"
    assert bucket(SCRIPT + ";metric (streamlit/elements/metric.py:200);CopyFrom (google/protobuf/message.py:1)") \
        == "protobuf"


def test_the_collection_after_a_run_and_the_websocket_send_have_buckets_of_their_own():
    assert bucket("_bootstrap (threading.py:1002);ScriptRunner._on_script_finished "
                  "(streamlit/runtime/scriptrunner/script_runner.py:1055)") == "gc"
    assert bucket("run (asyncio/base_events.py:1);StarletteSessionClient._sender "
                  "(streamlit/web/server/starlette/starlette_websocket.py:353);_SelectorSocketTransport.write "
                  "(asyncio/selector_events.py:1057)") == "send"


def test_a_waiting_thread_is_not_counted(tmp_path: Path):
    raw = tmp_path / "raw.txt"
    raw.write_text("main;EpollSelector.select (selectors.py:468) 40\n"
                   "task (streamlit/watcher/polling_path_watcher.py:90) 30\n"
                   + SCRIPT + ";<module> (app_pages/quote.py:80) 5\n", encoding="utf-8")
    assert shares(raw) == {"script": 5}
