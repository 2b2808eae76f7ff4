"""Bounds on memory: what one session may hold and how many large jobs the server runs at once.

One server process runs every visitor's session. A large portfolio (an upload of a few MB or
more, or hundreds of thousands of made-up customers) costs a few hundred MB while it is read,
priced or written out; three at once took a server from 300 MB to 1.5 GB. So:

- a session keeps one portfolio (the current source's), priced in chunks into compact form (see
  ``smop_pricing.portfolio.compact``), and builds a download only when it is clicked;
- at most :data:`MAX_LARGE_JOBS` large jobs run at once in the whole server; a session that
  finds them all busy says "busy, try again" (a button) instead of piling on;
- a janitor thread shuts down sessions closed longer than the session TTL ago (and empties their
  state), deletes downloads already handed to the browser, and gives freed memory back to the
  system.

The gate is a ``threading.BoundedSemaphore`` kept by ``st.cache_resource``: one per server,
shared on purpose, holding no session's data.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import streamlit as st

from smop_pricing.i18n import t

MAX_LARGE_JOBS = 1  # a 2-core server: one large job at a time is as fast overall, and bounded
LARGE_UPLOAD_BYTES = 2_000_000
LARGE_ROWS = 100_000
DOWNLOAD_WAIT_SECONDS = 120.0
JANITOR_SECONDS = 1.0
JANITOR_SLACK_BYTES = 48_000_000
SERVED_DOWNLOAD_SECONDS = 3.0


@st.cache_resource(show_spinner=False)
def _gate() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(MAX_LARGE_JOBS)


def is_large(*, size_bytes: int = 0, rows: int = 0) -> bool:
    """Whether a job on this much data counts against :data:`MAX_LARGE_JOBS`."""
    return size_bytes >= LARGE_UPLOAD_BYTES or rows >= LARGE_ROWS


@contextmanager
def large_job(large: bool, wait: float = 0.0) -> Iterator[bool]:
    """A slot for a large job: yields True when the job may run (always, for a small one).

    With ``wait`` 0 the answer is immediate (a page run says "busy" rather than hang); a
    download, built on its own thread, waits up to ``wait`` seconds for a slot.
    """
    if not large:
        yield True
        return
    gate = _gate()
    got = gate.acquire(timeout=wait) if wait > 0 else gate.acquire(blocking=False)
    try:
        yield got
    finally:
        if got:
            gate.release()


class BusyError(RuntimeError):
    """The server is running as many large jobs as it may: try again in a moment."""


def busy_notice(lang: str, key: str) -> None:
    """The "busy, try again" notice with its button (a press reruns the page)."""
    st.warning(t("limits.busy", lang, jobs=MAX_LARGE_JOBS), icon=":material/hourglass_top:")
    st.button(t("limits.try_again", lang), key=key, icon=":material/refresh:")


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def release_memory() -> None:
    """Give freed memory back to the system: collect cycles, trim Arrow's pool and glibc's heap."""
    gc.collect()
    with suppress(Exception):
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    with suppress(Exception):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)


def expire_closed_sessions() -> int:
    """Shut down sessions whose connection closed longer ago than ``server.disconnectedSessionTTL``.

    Streamlit keeps a closed session for reconnection in a TTL cache that drops expired entries
    only when another session is stored, and never shuts them down: on a quiet server a closed
    session's state (its portfolio, its uploaded file) would stay in memory until the next
    visitor leaves. Reaches into Streamlit 1.67's runtime (pinned); does nothing if it changed.
    """
    try:
        from streamlit.runtime import Runtime

        cache = Runtime.instance()._session_mgr._session_storage._cache  # type: ignore[attr-defined]
        now = cache._timer()
        expired = [info for key, info in list(cache._data.items()) if cache._expirations[key] <= now]
        cache.expire(now)
    except Exception:  # another Streamlit, no runtime (tests): nothing to do
        return 0
    for info in expired:
        with suppress(Exception):
            info.session.shutdown()
        # A shut-down session's state can outlive it: Streamlit 1.67's flush loop
        # (Runtime._loop_coroutine) keeps the last session it flushed in a local variable until
        # another session connects, so that session's portfolio (~130 MB for a 20 MB upload)
        # would stay. The session is never used again: empty its state.
        with suppress(Exception):
            info.session.session_state.clear()
    return len(expired)


def drop_served_downloads(first_seen: dict[str, float], now: float, manager: Any = None,
                          grace: float = SERVED_DOWNLOAD_SECONDS) -> int:
    """Delete downloads made on demand that no session refers to, ``grace`` seconds after first seen.

    A download built when clicked (``st.download_button`` with a callable: the priced portfolio,
    ~90 MB for 800,000 customers) is stored unreferenced, and Streamlit deletes it only after
    two more script runs: on a quiet server every download made stays in memory until its
    session ends. The browser takes the file's bytes when its request starts (a moment after
    the click), and a second click builds the file again, so the stored copy can go.
    ``first_seen`` (the caller's, file id -> when first seen unreferenced) carries the clock
    between calls. Returns how many were deleted; does nothing without a running server.
    """
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.media_file_manager import MediaFileKind

        manager = manager if manager is not None else Runtime.instance().media_file_mgr
        with manager._lock:
            unreferenced = {file_id for file_id in manager._get_inactive_file_ids()
                            if manager._file_metadata[file_id].kind == MediaFileKind.DOWNLOADABLE}
            for file_id in set(first_seen) - unreferenced:
                del first_seen[file_id]
            dropped = 0
            for file_id in unreferenced:
                if now - first_seen.setdefault(file_id, now) >= grace:
                    manager._delete_file(file_id)
                    del first_seen[file_id]
                    dropped += 1
    except Exception:  # another Streamlit, no runtime (tests): nothing to do
        return 0
    return dropped


def _sweep(stop: threading.Event) -> None:
    """While the server runs: when resident memory is well above its lowest, release what is free.

    A closed session's portfolio becomes garbage when Streamlit drops the session (the session
    TTL), but an idle server allocates nothing, so Python's collector would not run and the
    allocators would keep the pages: the server would stay large until the next visitor.
    """
    lowest = _resident_bytes()
    first_seen: dict[str, float] = {}  # this thread's own: unreferenced downloads, when first seen
    while not stop.wait(JANITOR_SECONDS):
        closed = expire_closed_sessions() + drop_served_downloads(first_seen, time.monotonic())
        resident = _resident_bytes()
        if closed or resident > lowest + JANITOR_SLACK_BYTES:
            release_memory()
            resident = _resident_bytes()
        lowest = min(lowest, resident) if lowest else resident


@st.cache_resource(show_spinner=False)
def start_janitor() -> threading.Event:
    """Start the server's one memory janitor (a daemon thread); the event stops it.

    Arrow is switched to the system allocator first: what it frees can then be given back by
    ``malloc_trim`` (its default, mimalloc, keeps freed segments for reuse).
    """
    with suppress(Exception):
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
    stop = threading.Event()
    threading.Thread(target=_sweep, args=(stop,), name="smop-memory-janitor", daemon=True).start()
    return stop
