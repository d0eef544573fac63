"""A file's budget of time and memory, enforced in a child process of its own.

PDF, .docx and .doc files are turned into text by libraries whose work we cannot interrupt
or bound from Python: PDFium inflates a content stream whole (a 4 MB PDF can ask for 4 GiB),
lxml builds a whole tree, a converter may never return. So that work runs in a forked child
with a CPU-time timer (ITIMER_PROF, whose signal ends it) and an address-space limit
(RLIMIT_AS: what the parent had plus the budget), and the parent waits for its answer at most
a few times the budget on the wall clock (a child blocked without using CPU). A child that runs
out of either is skipped with a coded reason (over_time, over_memory), never taking the
reindex down with it; what each file spent is returned, so that tests can assert the budget.
"""

from __future__ import annotations

import faulthandler
import math
import os
import pickle
import resource
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from indexer.ingest.errors import Unreadable, mib


@dataclass(frozen=True)
class Budget:
    """What reading one file may cost: CPU seconds, and bytes of memory over what the process held."""

    seconds: float = 60.0
    memory: int = 192 << 20
    wall_factor: float = 3.0  # wall-clock seconds allowed per CPU second (a busy machine, a blocked read)


# What reading a PDF or Word file may cost. Two workers each at their own size plus this stay under the
# reindex's memory figure in the README.
FILE_BUDGET = Budget()


@dataclass
class Spent:
    """What a child used: CPU seconds, and how far its resident memory grew over the parent's."""

    seconds: float
    memory: int


def within(budget: Budget, fn: Callable, *args) -> tuple[object, Spent]:
    """fn(*args) in a forked child under the budget: its result (or its exception, raised here) and
    what it spent; Unreadable over_time / over_memory / reader_crashed when the child did not answer."""
    base_rss = _rss()
    base_vm = _vm()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(budget, base_vm, write_end, fn, args)
    os.close(write_end)
    try:
        payload, timed_out = _collect(read_end, time.monotonic() + budget.seconds * budget.wall_factor + 1)
    except BaseException:  # Ctrl-C while waiting: the child goes too
        os.kill(pid, signal.SIGKILL)  # not yet waited for: it is there, if only as a zombie
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(read_end)
    if timed_out:
        os.kill(pid, signal.SIGKILL)  # not yet waited for: it is there, if only as a zombie
    _, status, usage = os.wait4(pid, 0)
    spent = Spent(seconds=usage.ru_utime + usage.ru_stime, memory=max(0, usage.ru_maxrss * 1024 - base_rss))
    if timed_out or spent.seconds >= budget.seconds and not payload:
        raise _over_time(budget)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGPROF, signal.SIGXCPU):
        raise _over_time(budget)
    if not payload:
        if spent.memory >= budget.memory * 0.8 or os.WIFSIGNALED(status) and os.WTERMSIG(status) in _OUT_OF_MEMORY:
            raise _over_memory(budget)
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit code {os.WEXITSTATUS(status)}"
        raise Unreadable("reader_crashed", f"the reader ended without an answer ({how})")
    ok, value = pickle.loads(payload)
    if not ok:
        raise value
    return value, spent


# How a child ends when an allocation fails in C: PDFium aborts, the kernel's OOM killer kills.
_OUT_OF_MEMORY = (signal.SIGABRT, signal.SIGKILL)


def _child(budget: Budget, base_vm: int, out: int, fn: Callable, args: tuple) -> None:
    """Run fn under the limits and write (ok, result) to `out`; exit without running the parent's cleanup."""
    try:
        faulthandler.disable()  # a library aborting on a failed allocation is an answer, not a crash to dump
        signal.signal(signal.SIGPROF, signal.SIG_DFL)  # its default action ends the process
        signal.setitimer(signal.ITIMER_PROF, budget.seconds)
        _, hard_cpu = resource.getrlimit(resource.RLIMIT_CPU)
        resource.setrlimit(resource.RLIMIT_CPU, (math.ceil(budget.seconds) + 1, hard_cpu))  # a backstop
        _, hard_as = resource.getrlimit(resource.RLIMIT_AS)
        limit = base_vm + budget.memory
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard_as == resource.RLIM_INFINITY else min(limit, hard_as),
                                                hard_as))
        try:
            answer = (True, fn(*args))
        except MemoryError:
            answer = (False, _over_memory(budget))
        except Exception as e:
            answer = (False, e)
        try:
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps((False, _over_memory(budget)))
        except Exception as e:  # an exception that does not pickle: its text does
            payload = pickle.dumps((False, RuntimeError(f"{type(e).__name__}: {e}")))
        view = memoryview(payload)
        while view:
            view = view[os.write(out, view):]
    finally:
        os._exit(0)


def _collect(fd: int, deadline: float) -> tuple[bytes, bool]:
    """Everything the child writes until it closes its end; (what came, whether the deadline passed)."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return b"", True
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)


def _over_time(budget: Budget) -> Unreadable:
    seconds = f"{budget.seconds:g}"
    return Unreadable("over_time", f"reading it took over its budget of {seconds} s of CPU", {"limit": seconds})


def _over_memory(budget: Budget) -> Unreadable:
    limit = mib(budget.memory)
    return Unreadable("over_memory", f"reading it needed over its budget of {limit} MiB of memory "
                                     "(a compression bomb, or not a report)", {"limit": limit})


def _rss() -> int:
    """This process's resident memory now, in bytes."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _vm() -> int:
    """This process's address space now, in bytes: the child's limit counts from it."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Unreadable over_time when the block uses more than `seconds` of this process's CPU: the budget of
    the work done in the reindex's own worker (splitting, sections, metadata of any file), where no
    child process is worth its fork. It needs a timer signal (ITIMER_PROF, the main thread of a Unix
    process: the workers); elsewhere the block runs unbounded. A timer already set is put back."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def spent(signum, frame):
        raise _over_time(Budget(seconds=seconds))

    before = signal.signal(signal.SIGPROF, spent)
    outer = signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, before)
        if outer[0]:
            signal.setitimer(signal.ITIMER_PROF, *outer)
