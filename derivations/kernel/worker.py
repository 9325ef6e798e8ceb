"""A killable worker process: run one function under a time and memory budget.

The parent forks a child, waits at most ``budget`` seconds for its answer and kills
it at the deadline. A timeout, a crash or a memory error is reported as such; the
caller turns it into ``unknown``, never into a pass.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Optional

__all__ = ["WorkerOutcome", "run_bounded"]

DEFAULT_MEMORY_BYTES = 4 * 1024**3


@dataclass(frozen=True)
class WorkerOutcome:
    """``status`` is ``ok``, ``timeout``, ``memory``, ``crash`` or ``exception``."""

    status: str
    value: Any = None
    reason: str = ""


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], memory: Optional[int]) -> None:
    try:
        if memory:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        value = fn(*args)
        conn.send(("ok", value, ""))
    except MemoryError:
        conn.send(("memory", None, "memory budget exhausted"))
    except RecursionError:
        conn.send(("exception", None, "recursion too deep"))
    except BaseException as exc:  # noqa: BLE001 - everything is reported, nothing escapes
        tb = traceback.format_exc(limit=3)
        try:
            conn.send(("exception", None, f"{type(exc).__name__}: {exc}"[:500] + "\n" + tb[-800:]))
        except Exception:
            pass
    finally:
        conn.close()


def run_bounded(
    fn: Callable[..., Any],
    args: tuple[Any, ...] = (),
    budget: float = 10.0,
    memory: Optional[int] = DEFAULT_MEMORY_BYTES,
) -> WorkerOutcome:
    """Run ``fn(*args)`` in a forked child; kill it when ``budget`` seconds have passed."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, memory), daemon=True)
    proc.start()
    child.close()
    try:
        if parent.poll(budget):
            try:
                status, value, reason = parent.recv()
            except (EOFError, OSError):
                proc.join(1)
                return WorkerOutcome("crash", None, f"worker died (exit code {proc.exitcode})")
            except MemoryError:
                return WorkerOutcome("memory", None, "result too large")
            return WorkerOutcome(status, value, reason)
        return WorkerOutcome("timeout", None, f"time budget of {budget:g} s ran out")
    finally:
        if proc.is_alive():
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.join(5)
        parent.close()
