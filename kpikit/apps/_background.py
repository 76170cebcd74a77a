"""Work a dashboard does in a worker thread: slow computations, and views computed ahead.

Inside a Jupyter kernel (Voila, JupyterLab) a control's change is handled on the kernel's event
loop, which also carries every widget message: work that takes seconds must go to a worker
thread, and results it hands back are applied on the loop (never a widget changed from the
worker). Outside a kernel (plain Python, tests) nothing runs in the background: the same work
is done when it is asked for, so results never depend on timing.
"""

import asyncio
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

__all__ = ["Prefetch", "kernel_loop"]


def kernel_loop():
    """The running event loop of the Jupyter kernel this runs in (Voila, JupyterLab), where
    widgets live; None in plain Python, even inside some other running loop, and in a static
    report (``kpikit report``): its page is saved when the notebook ends, so work handed to a
    thread then is never shown (the governance page kept "Working out the root cause…").

    >>> kernel_loop() is None
    True
    """
    from kpikit.apps import STATIC_ENV_VARIABLE

    if os.environ.get(STATIC_ENV_VARIABLE) == "1":
        return None
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if getattr(shell, "kernel", None) is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Prefetch:
    """Results computed ahead, one at a time in a worker thread, while the page is idle.

    A dashboard submits the views its next control change is likely to ask for; when the
    change comes, :meth:`take` hands over the finished result (or waits for the one under
    way) instead of computing it then. The jobs must only compute: read their inputs, return
    a value, change no widget and no state the page reads.

    A job holds the interpreter's lock for much of its work (pandas), so a job running while
    the page handles a change slows that change down: a job starts only once the page has been
    idle ``idle_s`` seconds since the last :meth:`take` or :meth:`touch` (a burst of changes
    is handled alone).

    Parameters
    ----------
    enabled : bool, default=None
        Compute ahead at all; default: only inside a Jupyter kernel (:func:`kernel_loop`).
        Disabled, :meth:`submit` does nothing and :meth:`take` returns None, so the caller
        computes everything when asked, as without prefetching.
    idle_s : float, default=1.0
        Seconds without a change before a job starts.

    Examples
    --------
    >>> ahead = Prefetch(enabled=True, idle_s=0)
    >>> ahead.submit("queue", lambda: 6 * 7)
    >>> ahead.take("queue"), ahead.take("queue"), ahead.take("team")
    (42, None, None)
    >>> Prefetch(enabled=False).submit("queue", lambda: 1 / 0)   # nothing runs
    """

    def __init__(self, *, enabled: bool | None = None, idle_s: float = 1.0):
        self.enabled = kernel_loop() is not None if enabled is None else enabled
        self.idle_s = idle_s
        self._executor = None
        self._jobs = {}
        self._touched = time.monotonic()

    def __contains__(self, key) -> bool:
        return key in self._jobs

    def submit(self, key, job) -> None:
        """Run ``job()`` in the worker thread, after the jobs already waiting, unless ``key``
        is already submitted."""
        if not self.enabled or key in self._jobs:
            return
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpikit-ahead")
        now = threading.Event()
        self._jobs[key] = self._executor.submit(self._when_idle, job, now), now

    def touch(self) -> None:
        """The page is busy (a control changed): jobs wait ``idle_s`` seconds from now."""
        self._touched = time.monotonic()

    def _when_idle(self, job, now: threading.Event):
        while (wait := self._touched + self.idle_s - time.monotonic()) > 0:
            if now.wait(wait):  # asked for: run it at once
                break
        return job()

    def take(self, key):
        """The result of ``key``'s job, waiting for it when under way; None when it was not
        submitted, had not started (it is then dropped) or failed.

        A failed job gives None rather than its error: the caller computes the result itself
        and meets the error where it always did, with its usual message.
        """
        future = self.claim(key)
        if future is None:
            return None
        try:
            return future.result()
        # The error is met again, in place, by the caller's own computation.
        except Exception:
            return None

    def claim(self, key):
        """The future of ``key``'s job, which starts at once if it was waiting for the page to
        be idle; None when it was not submitted or had not started (it is then dropped)."""
        self.touch()
        future, now = self._jobs.pop(key, (None, None))
        if future is None or future.cancel():
            return None
        now.set()
        return future

    def finished(self, key) -> bool:
        """True when ``key``'s job has ended (:meth:`take` then returns at once)."""
        return key in self._jobs and self._jobs[key][0].done()

    def cancel(self) -> None:
        """Drop every job (the data changed): waiting ones never run, a running one's result
        is ignored."""
        for future, _ in self._jobs.values():
            future.cancel()
        self._jobs.clear()
