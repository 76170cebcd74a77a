"""The Voila application behind ``kpikit serve``: kpikit's routes, limits and checks.

Imported by :func:`kpikit.serve.run` only (it imports Voila and tornado). What it adds to Voila:

- ``/kpikit/static/plotly-cartesian.min.js`` and ``plotly.min.js``: plotly.js for the
  dashboards' charts, cacheable;
- a cap on kernels: a page that would start a kernel beyond ``max_kernels`` gets a short
  "busy, try again" page (HTTP 503 with ``Retry-After``) instead of a ~400 MB kernel, so a burst
  of visitors, a crawler or a hostile local page cannot exhaust the machine's memory;
- template files refuse ``..`` in their path with 404 (Voila's own handler fails with 500);
- the ``_xsrf`` cookie on every dashboard page, so the page's "shut my kernel down" request sent
  when the tab closes is accepted (without the cookie the server refuses it with 403 and the
  kernel lingers until culled);
- the landing page's list of dashboards.
"""

import html
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


class DashboardHandler(TornadoVoilaHandler):
    """Voila's page handler with the kernel cap and the ``_xsrf`` cookie."""

    async def get(self, path=None):
        self.xsrf_token  # noqa: B018 - reading it sets the _xsrf cookie the page's unload needs
        limit = self.settings["kpikit_max_kernels"]
        running = len(self.kernel_manager.list_kernel_ids())
        if running >= limit and not self._preheated_kernel_waiting(path):
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY_AFTER_S))
            self.set_header("Content-Type", "text/html")
            self.finish(BUSY_PAGE.format(count=html.escape(str(running))))
            return
        await super().get(path)

    def _preheated_kernel_waiting(self, path) -> bool:
        # A page served from the pool takes a kernel that already runs: it adds none now.
        try:
            return bool(self.kernel_manager.notebook_data.get(path))
        except AttributeError:
            return False


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
            settings["kpikit_max_kernels"] = max_kernels
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
