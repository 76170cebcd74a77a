"""The Voila application behind ``kpikit serve``: kpikit's routes, limits and checks.

Imported by :func:`kpikit.serve.run` only (it imports Voila and tornado). What it adds to Voila:

- ``/kpikit/static/plotly-cartesian.min.js`` and ``plotly.min.js``: plotly.js for the
  dashboards' charts, cacheable;
- a cap on kernels (:class:`KernelBudget`): a page that would start a kernel beyond
  ``max_kernels`` gets a short "busy, try again" page (HTTP 503 with ``Retry-After``) instead of a
  ~400 MB kernel, so a burst of visitors, a crawler or a hostile local page cannot exhaust the
  machine's memory. Kernels running, kernels starting (for a page or a preheated pool) and kernels
  promised to pages still loading all count, and pools are refilled only within the cap. A
  path that is no file answers 404 without counting (not "busy" at the cap), and a page that
  another site's page asks for as an image, frame or fetch is refused (403): it would take a
  kernel nobody sees;
- the notebook folder's files (``/voila/files/``, images a notebook shows) get the same Host
  and token checks as the dashboards (Voila serves them to anyone);
- template files answer 404 to a path that is not ``<template>/static/<file>`` or climbs out with
  ``..``, and a dashboard path no URL can carry (a NUL or line break) 404 too (Voila's own
  handlers fail with 500);
- ``/voila/query/<kernel>`` (the websocket over which a preheated kernel is sent the page's URL
  parameters, a token among them beyond loopback) answers only the kernel's own connection:
  from a loopback address, with an allowed ``Host`` (Voila's answers anyone who knows a kernel
  id, a DNS-rebinding page or another machine included);
- the token's value is kept out of the log (tornado writes the URL of every error answer);
- Jupyter's error pages find their ``static_path`` (without it each 403 or 404 logged a
  traceback in place of the page);
- the ``_xsrf`` cookie on every dashboard page, so the page's "shut my kernel down" request sent
  when the tab closes is accepted (without the cookie the server refuses it with 403 and the
  kernel lingers until culled);
- the landing page's list of dashboards.
"""

import asyncio
import contextvars
import html
import inspect
import ipaddress
import logging
import re
from urllib.parse import unquote_plus

from jupyter_core.utils import ensure_async
from jupyter_server import DEFAULT_STATIC_FILES_PATH
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado.log import access_log, app_log, gen_log
from tornado.web import HTTPError, StaticFileHandler, authenticated
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.static_file_handler import AllowListFileHandler, TemplateStaticFileHandler
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

    A kernel counts from the moment it is asked for until it is shut down:

    - a page that passes the cap is *promised* a kernel (:meth:`promise`): it loads its notebook
      before it starts one, and pages arriving together would all pass a count of running
      kernels alone;
    - a kernel a preheated pool asks for is *queued* while its task waits its delay and reads
      the notebook (Voila refills a pool each time a page takes a kernel from it, and a page may
      take a kernel still starting: counted by the pool alone, it would not be counted at all);
    - both hand over to the manager's own count when the kernel starts (its ``pre_start_kernel``
      is wrapped): *pending* while it starts, then *running*.

    A pool is refilled only when the whole refill fits under the cap, and again when a kernel
    shuts down (a tab closed, an idle kernel culled) and leaves room: otherwise a pool emptied at
    the cap would stay empty, and every later page would start its own kernel.

    Parameters
    ----------
    manager : kernel manager
        The Voila application's kernel manager (its ``pre_start_kernel`` and, with preheating,
        ``fill_if_needed``, ``shutdown_kernel`` and ``shutdown_all`` are wrapped).
    limit : int
        Most kernels at once, preheated ones included.
    """

    def __init__(self, manager, limit: int):
        self.manager = manager
        self.limit = limit
        self.promised = 0
        self._queued: set[asyncio.Task] = set()
        pre_start_kernel = manager.pre_start_kernel

        def counted_by_the_manager(*args, **kwargs):
            # From here the kernel is the manager's: pending, then running.
            self._queued.discard(asyncio.current_task())
            promise = _PROMISE.get()
            if promise is not None:
                promise.release()
            return pre_start_kernel(*args, **kwargs)

        manager.pre_start_kernel = counted_by_the_manager
        if hasattr(manager, "fill_if_needed"):
            self._wrap_pool_refill()
            self._wrap_shutdowns()
            self._trim_pools()
            self._queued |= {task for pool in self._pools().values() for task in pool}

    def in_use(self) -> int:
        """Kernels running, starting, queued for a pool, and promised to pages."""
        self._queued = {task for task in self._queued if not task.done()}
        pending = len(getattr(self.manager, "_pending_kernels", {}))
        running = len(self.manager.list_kernel_ids())
        return running + pending + len(self._queued) + self.promised

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

    def _pool_size(self, notebook_name) -> int:
        """The size Voila fills a notebook's pool to (its ``kernel_pools_config``)."""
        config = self.manager.kernel_pools_config
        default = config.get("default", {})
        return config.get(notebook_name, default).get("pool_size", default.get("pool_size", 1))

    def _wrap_pool_refill(self) -> None:
        fill_if_needed = self.manager.fill_if_needed

        def fill_within_the_cap(delay=None, notebook_name=None, *args, **kwargs):
            before = set(self._pools().get(notebook_name, ()))
            missing = self._pool_size(notebook_name) - len(before)
            if missing > 0 and self.in_use() + missing <= self.limit:
                fill_if_needed(delay, notebook_name, *args, **kwargs)
                self._queued |= set(self._pools().get(notebook_name, ())) - before

        self.manager.fill_if_needed = fill_within_the_cap

    def _wrap_shutdowns(self) -> None:
        shutdown_kernel, shutdown_all = self.manager.shutdown_kernel, self.manager.shutdown_all
        closing = False

        async def shutdown_and_refill(*args, **kwargs):
            try:
                return await shutdown_kernel(*args, **kwargs)
            finally:
                if not closing:
                    for notebook_name in list(self._pools()):
                        self.manager.fill_if_needed(notebook_name=notebook_name)

        async def shutdown_for_good(*args, **kwargs):
            nonlocal closing
            closing = True  # the server stops: no pool is refilled
            return await shutdown_all(*args, **kwargs)

        self.manager.shutdown_kernel = shutdown_and_refill
        self.manager.shutdown_all = shutdown_for_good

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
    """Voila's page handler with the kernel cap, the ``_xsrf`` cookie, and pages for browser
    tabs only.

    A page is a kernel (~400 MB, until its tab closes or it idles for the cull timeout): one
    that another site's page asks for as an image, a script, a frame or a ``fetch`` (its
    browser says so in ``Sec-Fetch-Site`` and ``Sec-Fetch-Dest``) is refused with 403, else any
    page a visitor opens could fill the cap in the background and leave everyone the busy page.
    Links from other sites still open (the browser loads them as a ``document``).
    """

    async def get(self, path=None):
        if _embedded_by_another_site(self.request.headers):
            raise HTTPError(403, "a dashboard opens in a browser tab, not inside another page")
        self.xsrf_token  # noqa: B018 - reading it sets the _xsrf cookie the page's unload needs
        if self._served_from_pool(path) or not await self._is_file(path):
            # From a pool: takes a running kernel, adds none now. No such file: Voila answers
            # 404 (or sends it to the file handler) without a kernel, also at the cap.
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

    async def _is_file(self, path) -> bool:
        return bool(path) and await ensure_async(self.contents_manager.file_exists(path))

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

    def redirect_to_file(self, path):
        # Voila sends a path that is not a notebook to its file handler; a NUL or a line break
        # cannot go in the Location header (tornado raised "Unsafe header value": 500).
        if _CONTROL_CHARACTER.search(path):
            raise HTTPError(404)
        super().redirect_to_file(path)


_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _embedded_by_another_site(headers) -> bool:
    """Whether a browser asks for a page on behalf of another site's page, not to show it in a
    tab: ``Sec-Fetch-Site`` other than ``same-origin`` or ``none`` (typed, bookmarked) and a
    ``Sec-Fetch-Dest`` other than ``document``. Requests without these headers (older browsers,
    scripts) pass.

    >>> _embedded_by_another_site({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "image"})
    True
    >>> _embedded_by_another_site({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "document"})
    False
    >>> _embedded_by_another_site({"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "empty"})
    False
    >>> _embedded_by_another_site({})
    False
    """
    site = headers.get("Sec-Fetch-Site", "none").lower()
    destination = headers.get("Sec-Fetch-Dest", "document").lower()
    return site not in ("same-origin", "none") and destination != "document"


class TemplateFileHandler(TemplateStaticFileHandler):
    """Voila's template file handler, answering 404 to any path but ``<template>/static/<file>``.

    Voila's own asserts that form and fails with 500 (and a traceback in the log) on anything
    else, such as ``/voila/templates/x`` or ``/voila/templates//etc/passwd``; a part ``..`` would
    climb out of the template's folder.
    """

    def parse_url_path(self, path):
        parts = path.replace("\\", "/").split("/")
        if len(parts) < 3 or parts[1] != "static" or not all(parts[::2]) or ".." in parts:
            raise HTTPError(404)
        return super().parse_url_path(path)


class NotebookFileHandler(JupyterHandler, AllowListFileHandler):
    """Voila's handler of the notebook folder's files, with the dashboards' Host and token checks.

    Voila's is a plain tornado file handler: any page, a DNS-rebinding one included, could read
    the images beside the notebooks, and a server beyond loopback served them without its token.
    Jupyter's handler checks the Host header before anything (403) and, here, the token.
    """

    @authenticated
    def get(self, path, include_body=True):
        return super().get(path, include_body)


class QuerySocketHandler(RequestInfoSocketHandler):
    """Voila's websocket that hands a preheated kernel the URL parameters of the page it serves,
    open to that kernel alone.

    The kernel connects from this machine, carrying no token. Voila's handler answered any
    client: a DNS-rebinding page (a name of its own in the ``Host`` header) or, on a server
    listening beyond loopback, another machine could take a kernel's place and read the page's
    query string, the token among them. Refused here with 403: a connection from an address
    other than loopback, and one whose ``Host`` the dashboards' own check refuses
    (:meth:`jupyter_server.base.handlers.JupyterHandler.check_host`).
    """

    log = app_log  # what the Host check logs a refusal to

    async def get(self, *args, **kwargs):
        if not (_loopback(self.request.remote_ip) and JupyterHandler.check_host(self)):
            self.set_status(403)
            self.finish()
            return
        await super().get(*args, **kwargs)


def _loopback(address: str | None) -> bool:
    """Whether ``address`` (a peer's IP address as tornado gives it) is a loopback one.

    >>> _loopback("127.0.0.1"), _loopback("::1"), _loopback("::ffff:127.0.0.1")
    (True, True, True)
    >>> _loopback("192.168.1.20"), _loopback(""), _loopback(None)
    (False, False, False)
    """
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return (getattr(ip, "ipv4_mapped", None) or ip).is_loopback


# Voila's handlers replaced by kpikit's subclasses in the routes.
_REPLACED_HANDLERS = {
    TornadoVoilaHandler: DashboardHandler,
    TemplateStaticFileHandler: TemplateFileHandler,
    AllowListFileHandler: NotebookFileHandler,
    RequestInfoSocketHandler: QuerySocketHandler,
}

_QUERY_PART = re.compile(r"(?<=[?&])([^=&#\s]*)=([^&#\s]*)")


def hide_token(text: str) -> str:
    """``text`` with the value of every ``token`` URL parameter in it replaced by ``[secret]``.

    The key is compared decoded, as the server reads it (``%74oken`` is ``token`` too).

    Examples
    --------
    >>> hide_token("404 GET /api/kernels/x?kpi=aht&%74oken=S3cret (127.0.0.1)")
    '404 GET /api/kernels/x?kpi=aht&%74oken=[secret] (127.0.0.1)'
    """

    def hidden(part):
        key = part.group(1)
        return f"{key}=[secret]" if unquote_plus(key) == "token" else part.group(0)

    return _QUERY_PART.sub(hidden, text)


def log_request(handler) -> None:
    """tornado's access log line, with the token hidden (it logs the URL of every error)."""
    status = handler.get_status()
    log = access_log.info if status < 400 else access_log.warning
    if status >= 500:
        log = access_log.error
    summary = hide_token(handler._request_summary())
    log("%d %s %.2fms", status, summary, 1000.0 * handler.request.request_time())


class _HideToken(logging.Filter):
    """Hides the token in tornado's lines about a failed request (they quote its URL too)."""

    def filter(self, record):
        record.msg, record.args = hide_token(record.getMessage()), ()
        return True


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
            settings["log_function"] = log_request
            # Jupyter's error pages link its static files: without the setting, rendering one
            # failed and each 403 or 404 logged a traceback. tornado serves them at /static/.
            settings["static_path"] = DEFAULT_STATIC_FILES_PATH
            for logger in (gen_log, app_log):
                if not any(isinstance(each, _HideToken) for each in logger.filters):
                    logger.addFilter(_HideToken())
            return settings

        def init_handlers(self):
            handlers = [
                (route, _REPLACED_HANDLERS.get(handler, handler), *rest)
                for route, handler, *rest in super().init_handlers()
            ]
            return [*static_handlers(self.server_url), *handlers]

    return KpikitVoila
