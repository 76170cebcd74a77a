"""The Voila application behind ``kpikit serve``: kpikit's routes, limits and checks.

Imported by :func:`kpikit.serve.run` only (it imports Voila and tornado). What it adds to Voila:

- ``/kpikit/static/plotly-cartesian.min.js`` and ``plotly.min.js``: plotly.js for the
  dashboards' charts, cacheable;
- a cap on kernels (:class:`KernelBudget`): a page that would start a kernel beyond
  ``max_kernels`` gets a short "busy, try again" page (HTTP 503 with ``Retry-After``) instead of a
  ~400 MB kernel, so a burst of visitors, a crawler or a hostile local page cannot exhaust the
  machine's memory. Kernels running, kernels starting (for a page or a preheated pool) and kernels
  promised to pages still loading all count, and pools are refilled only within the cap;
- template files refuse ``..`` in their path with 404 (Voila's own handler fails with 500);
- the ``_xsrf`` cookie on every dashboard page, so the page's "shut my kernel down" request sent
  when the tab closes is accepted (without the cookie the server refuses it with 403 and the
  kernel lingers until culled);
- the landing page's list of dashboards.
"""

import contextvars
import html
import inspect
import re

from jupyter_server.utils import url_path_join
from tornado.web import HTTPError, StaticFileHandler
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from kpikit.apps._chart import STATIC_FILES

RETRY_AFTER_S = 30

BUSY_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Busy</title>
<meta name="viewport" content="width=device-width, initial-scale=1.0"></head>
<body style="font-family: sans-serif; margin: 2em; max-width: 40em">
<h1>The dashboards are busy</h1>
<p>{count} dashboards are open, the most this server runs at once. Please try again in a
minute; closing a dashboard tab you no longer use frees a place.</p>
<p><a href="">Try again</a></p></body></html>
"""


def static_handlers(server_url: str) -> list[tuple]:
    r"""Tornado routes for the files kpikit adds to Voila's: plotly.js for the dashboards' charts.

    plotly.js (the cartesian bundle kpikit ships, and plotly's full one) is served as static
    files (:data:`kpikit.apps._chart.STATIC_FILES`); a request carrying the version (``?v=...``,
    as :func:`kpikit.apps._chart.plotly_url` writes it) may be cached by the browser for good, so
    a bundle is fetched once, not once per page.

    Examples
    --------
    >>> print(static_handlers("/")[0][0])
    /kpikit/static/(plotly\.min\.js)
    """
    handlers = []
    for route, path in STATIC_FILES.items():
        folder, name = route.rsplit("/", 1)
        pattern = url_path_join(server_url, f"/{folder}/({re.escape(name)})")
        handlers.append((pattern, StaticFileHandler, {"path": str(path.parent)}))
    return handlers


_PROMISE = contextvars.ContextVar("kpikit_kernel_promise", default=None)
"""The kernel promised to the page request being handled (see :class:`KernelBudget`)."""


class _Promise:
    """One kernel promised to a page: counted until that kernel is started or the page ends."""

    def __init__(self, budget: "KernelBudget"):
        self._budget = budget
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._budget.promised -= 1


class KernelBudget:
    """The kernel cap of a Voila kernel manager, counting what a plain count of kernels misses.

    A page checks the cap, then loads its notebook before it starts a kernel: pages arriving
    together would all pass a check on running kernels alone. So a page that passes is promised
    a kernel, counted until its kernel is running (:meth:`promise`); a preheated pool's kernel
    counts from the moment the pool asks for it, and a pool is refilled only when the whole
    refill fits under the cap (Voila refills a pool each time a page takes a kernel from it).

    Parameters
    ----------
    manager : kernel manager
        The Voila application's kernel manager (its ``start_kernel`` and, with preheating,
        ``fill_if_needed`` are wrapped).
    limit : int
        Most kernels at once, preheated ones included.
    """

    def __init__(self, manager, limit: int):
        self.manager = manager
        self.limit = limit
        self.promised = 0
        start_kernel = manager.start_kernel

        async def started_for_the_page(*args, **kwargs):
            try:
                return await start_kernel(*args, **kwargs)
            finally:
                promise = _PROMISE.get()
                if promise is not None:
                    promise.release()

        manager.start_kernel = started_for_the_page
        if hasattr(manager, "fill_if_needed"):
            self._wrap_pool_refill()
            self._trim_pools()

    def in_use(self) -> int:
        """Kernels running, starting for a pool, and promised to pages."""
        return len(self.manager.list_kernel_ids()) + self._pool_starts() + self.promised

    def promise(self) -> _Promise | None:
        """A kernel for the page being handled, or None when the cap is reached."""
        if self.in_use() >= self.limit:
            return None
        self.promised += 1
        promise = _Promise(self)
        _PROMISE.set(promise)
        return promise

    def _pools(self) -> dict:
        return getattr(self.manager, "_pools", {})

    def _pool_starts(self) -> int:
        # A pool task's kernel is listed by the manager once the task is done.
        return sum(not task.done() for pool in self._pools().values() for task in pool)

    def _pool_size(self, notebook_name) -> int:
        """The size Voila fills a notebook's pool to (its ``kernel_pools_config``)."""
        config = self.manager.kernel_pools_config
        default = config.get("default", {})
        return config.get(notebook_name, default).get("pool_size", default.get("pool_size", 1))

    def _wrap_pool_refill(self) -> None:
        fill_if_needed = self.manager.fill_if_needed

        def fill_within_the_cap(delay=None, notebook_name=None, *args, **kwargs):
            missing = self._pool_size(notebook_name) - len(self._pools().get(notebook_name, ()))
            if self.in_use() + missing <= self.limit:
                fill_if_needed(delay, notebook_name, *args, **kwargs)

        self.manager.fill_if_needed = fill_within_the_cap

    def _trim_pools(self) -> None:
        """Cancel the pool kernels asked for at start beyond the cap (none has started yet)."""
        room = self.limit - len(self.manager.list_kernel_ids()) - self.promised
        for pool in self._pools().values():
            for task in pool[max(room, 0) :]:
                task.cancel()
                # Voila's task waits, then awaits the kernel's start (argument ``aw``): closed
                # here, as it will never run.
                start = inspect.getcoroutinelocals(task.get_coro()).get("aw")
                if inspect.iscoroutine(start):
                    start.close()
            del pool[max(room, 0) :]
            room -= len(pool)


class DashboardHandler(TornadoVoilaHandler):
    """Voila's page handler with the kernel cap and the ``_xsrf`` cookie."""

    async def get(self, path=None):
        self.xsrf_token  # noqa: B018 - reading it sets the _xsrf cookie the page's unload needs
        if self._served_from_pool(path):  # takes a running kernel: it adds none now
            await super().get(path)
            return
        budget = self.settings["kpikit_kernel_budget"]
        promise = budget.promise()
        if promise is None:
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY_AFTER_S))
            self.set_header("Content-Type", "text/html")
            self.finish(BUSY_PAGE.format(count=html.escape(str(budget.in_use()))))
            return
        try:
            await super().get(path)
        finally:
            promise.release()

    def _served_from_pool(self, path) -> bool:
        """Whether Voila will serve this page from a preheated kernel (its own test)."""
        manager = self.kernel_manager
        try:
            data, size = manager.notebook_data.get(path, {}), manager.get_pool_size(path)
        except AttributeError:
            return False
        return self.should_use_rendered_notebook(
            data,
            size,
            self.get_argument("template", None),
            self.get_argument("theme", None),
            self.request.arguments,
        )


class TemplateFileHandler(TemplateStaticFileHandler):
    """Voila's template file handler, answering 404 to a path that climbs out with ``..``."""

    def parse_url_path(self, path):
        if ".." in path.replace("\\", "/").split("/"):
            raise HTTPError(404)
        return super().parse_url_path(path)


# Voila's handlers replaced by kpikit's subclasses in the routes.
_REPLACED_HANDLERS = {
    TornadoVoilaHandler: DashboardHandler,
    TemplateStaticFileHandler: TemplateFileHandler,
}


def make_app_class(dashboards: dict, *, max_kernels: int, allowed_hosts: list[str] | None):
    """The Voila application class configured for ``kpikit serve``.

    Parameters
    ----------
    dashboards : dict
        What the landing page lists (:func:`kpikit.serve.dashboards`).
    max_kernels : int
        Most kernels running at once, preheated ones included.
    allowed_hosts : list of str or None
        Host names (besides ``localhost`` and loopback addresses) requests may carry in their
        ``Host`` header; anything else is refused with 403, which stops a DNS-rebinding page from
        reaching the server through a name it controls. None lets every host name through (a
        server listening beyond loopback, which then requires a token).
    """

    class KpikitVoila(Voila):
        def init_settings(self):
            settings = super().init_settings()
            settings["voila_jinja2_env"].globals["kpikit_dashboards"] = dashboards
            settings["kpikit_kernel_budget"] = KernelBudget(self.kernel_manager, max_kernels)
            settings["allow_remote_access"] = allowed_hosts is None
            settings["local_hostnames"] = ["localhost", *(allowed_hosts or [])]
            return settings

        def init_handlers(self):
            handlers = [
                (route, _REPLACED_HANDLERS.get(handler, handler), *rest)
                for route, handler, *rest in super().init_handlers()
            ]
            return [*static_handlers(self.server_url), *handlers]

    return KpikitVoila
