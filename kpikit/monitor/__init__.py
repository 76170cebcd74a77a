"""Intraday monitor: follow today's contact log as it grows and compare it with the forecast.

- :class:`LogFollower` reads only what is new in a CSV file, a Parquet file or a folder of
  drops.
- :class:`IntradayMonitor` keeps the day's contacts and, at each :meth:`~IntradayMonitor.refresh`,
  gives per interval the forecast and actual volume and AHT, service level, ASA and
  abandonment to date, the queue depth now, required and staffed agents, a reforecast of the
  rest of the day and alerts below the service-level target (:class:`MonitorView`).
- :func:`replay` writes a day of a contact log into a folder as an ACD would, in accelerated
  time (``kpikit replay``); :class:`BackgroundReplay` runs one in a thread.
- :func:`day_forecast` and :func:`day_staffed` (over :func:`channel_shares` and
  :func:`staffed_agents`) build the plan the monitor compares the day with, from the contact
  history and the agent intervals.
- :func:`monitor_dir`, :func:`list_sources` and :func:`resolve_source` say which logs a
  dashboard link may name (entries of ``KPIKIT_MONITOR_DIR``).

>>> import tempfile
>>> import kpikit as kk
>>> folder = tempfile.mkdtemp()
>>> replay(kk.load_sample(), folder, speed=43_200, drop_every_s=1, sleep=lambda s: None)
2
>>> view = IntradayMonitor(folder).refresh()
>>> view.queue_depth, view.contacts > 1000
(0, True)
"""

from kpikit.monitor._follow import LogFollower
from kpikit.monitor._plan import channel_shares, day_forecast, day_staffed, staffed_agents
from kpikit.monitor._replay import BackgroundReplay, live_events, replay
from kpikit.monitor._sources import (
    MONITOR_DIR_ENV,
    list_sources,
    monitor_dir,
    resolve_source,
)
from kpikit.monitor._state import IntradayMonitor, MonitorView

__all__ = [
    "MONITOR_DIR_ENV",
    "BackgroundReplay",
    "IntradayMonitor",
    "LogFollower",
    "MonitorView",
    "channel_shares",
    "day_forecast",
    "day_staffed",
    "list_sources",
    "live_events",
    "monitor_dir",
    "replay",
    "resolve_source",
    "staffed_agents",
]
