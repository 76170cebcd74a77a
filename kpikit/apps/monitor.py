"""Intraday monitor dashboard: today's contacts against the forecast, refreshed as they come.

Where the live log comes from
-----------------------------
A link names its source (``?source=today``) among the entries of one folder the server's owner
chose: ``KPIKIT_MONITOR_DIR``, else ``~/kpikit-monitor`` (see :mod:`kpikit.monitor._sources`;
a name is never a path). An entry is a folder of drops, a growing ``.csv`` file or a rewritten
``.parquet`` file (:class:`kpikit.monitor.LogFollower`).

The default source, ``""``, is a demo: the last day of the dashboard's data (the sample unless
you upload a contact log) is replayed into a temporary folder from 10:00, an hour of the day
per minute, so the monitor can be watched at work without an ACD. The replay starts when the
dashboard is shown, stops and removes its folder when the app is closed, and ends at the
day's close.

How it refreshes
----------------
Shown in a kernel (JupyterLab, Voila), the app polls its source every ``poll_s`` seconds with
an asyncio task on the kernel's event loop: one refresh at a time (the next waits for the
previous one to end), one task per app however often it is displayed, and every failure shown
in the app's message area (the task keeps polling). :meth:`MonitorApp.close` ends the task and
the demo. Outside a kernel, call :meth:`MonitorApp.refresh`.

"Pause updates" freezes the view (WCAG 2.2.2): the source is still read at every poll, so
unchecking it shows the latest at once; a control changed while paused redraws with what was
last read. A link has no parameter for it: a page opened from a link should update.

What a screen reader hears: the tiles and the alerts change at every refresh and are not live
regions; a separate polite live region says an interval newly below target, once (its text
changes only when the set of intervals below target gains one).
"""

import asyncio
import functools
import html
import os
import time
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from kpikit._lazy_contacts import phone_by_default
from kpikit._validators import check_time_zone
from kpikit.apps import STATIC_ENV_VARIABLE
from kpikit.apps._background import Prefetch
from kpikit.apps._base import BaseApp, alert_html, static_html
from kpikit.apps._channels import ALL_CHANNELS, check_channel, data_channels, reset_channel_picker
from kpikit.apps._chart import Chart
from kpikit.apps._monitor_html import (
    LIVE_REGION_CLASS,
    STYLE,
    alerts_html,
    announcement_text,
    opening_hours,
    tiles_html,
)
from kpikit.apps.params import Param
from kpikit.calibrate import contacts_frame
from kpikit.monitor import (
    BackgroundReplay,
    IntradayMonitor,
    day_forecast,
    day_staffed,
    list_sources,
    monitor_dir,
    resolve_source,
)
from kpikit.options import DEFAULT_CHANNEL
from kpikit.plots import intraday_measure, intraday_volume

__all__ = ["MonitorApp"]

DEMO = ""
"""The ``source`` value of the demo replay."""

INTERVALS = {"15min": "15 minutes", "30min": "30 minutes", "hour": "1 hour"}
"""Interval lengths offered."""

CHARTS = {
    "service_level": "Service level",
    "asa": "Speed of answer (ASA)",
    "abandonment_rate": "Abandonment",
    "aht_s": "Handle time (AHT)",
    "agents": "Agents required vs staffed",
}
"""What the second chart shows (the first is always contacts against the forecast)."""

DEFAULT_POLL_S = 3.0
DEMO_SPEED = 60.0
"""Seconds of the demo day per real second (an hour a minute)."""
DEMO_START = "10:00"
DEMO_DROP_EVERY_S = 2.0
FORECAST_MODEL = "seasonal_average"
"""The forecast model of the day (the one the backtest picks on the sample, in seconds)."""

_CHART_HEIGHT = 330


class MonitorApp(BaseApp):
    """Dashboard for a manager watching today, interval by interval, as the contacts come in.

    Shows, refreshed every few seconds from a live contact log: the queue now (contacts
    waiting and the longest wait), the day to date (contacts against the forecast, service
    level, ASA, abandonment, the reforecast of the day), an alert for every interval whose
    service level is below target (with the interval and the figure), contacts per interval
    against the forecast and the reforecast of the rest of the day, and one of service level,
    ASA, abandonment, handle time or agents required against staffed per interval.

    The forecast of the day (:func:`kpikit.monitor.day_forecast`) and the agents staffed
    (:func:`kpikit.monitor.day_staffed`) come from the app's data, the history: contacts
    before the monitored day and that day's agent intervals. Without them the app says so and
    shows the actuals alone. The agents required are Erlang C on the reforecast volume and
    the forecast AHT (:class:`kpikit.monitor.IntradayMonitor`).

    Parameters
    ----------
    data : Dataset or dataframe, default=None
        The history; ``None`` loads the sample data.
    sources_dir : str or Path, default=None
        The folder whose entries may be followed; default :func:`kpikit.monitor.monitor_dir`.
    poll_s : float, default=3.0
        Seconds between polls of the source.
    demo_speed : float, default=60.0
        Seconds of the demo day per second.
    **options
        Passed to :class:`kpikit.apps._base.BaseApp`.

    Attributes
    ----------
    source, channel, interval, chart : ipywidgets.Dropdown
    target_sl, threshold_s : ipywidgets.FloatSlider
    pause : ipywidgets.Checkbox
        "Pause updates": while checked, refreshes read the source but leave the view as it is.
    tiles : ipywidgets.HTML
        Queue now and the day to date.
    alerts : ipywidgets.HTML
        Intervals below the service-level target.
    announcement : ipywidgets.HTML
        A polite live region, visually hidden, saying the intervals newly below target.
    volume_chart, detail_chart : Chart
    view : kpikit.monitor.MonitorView or None
        What the last refresh saw.
    refresh_s : float
        How long the last refresh took (read, figures and redraw; while paused, read and
        figures alone), seconds.

    Examples
    --------
    >>> import tempfile
    >>> from kpikit.monitor import live_events
    >>> folder = Path(tempfile.mkdtemp())
    >>> contacts = pd.DataFrame({"contact_id": [1, 2], "channel": "phone",
    ...     "arrived_at": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:05"]),
    ...     "answered": [True, False], "wait_s": [10.0, 40.0], "talk_s": [200.0, 0.0]})
    >>> (folder / "today").mkdir()
    >>> live_events(contacts).to_csv(folder / "today" / "0001.csv", index=False)
    >>> app = MonitorApp(contacts, source="today", sources_dir=folder)
    >>> view = app.refresh()
    >>> view.day["service_level"], view.day["abandonment_rate"]  # 1 of 2 within 20 s; 1 of 2
    (50.0, 50.0)
    """

    title = "Intraday monitor"
    description = (
        "Today as it happens: contacts, service level, speed of answer, abandonment and the "
        "queue, interval by interval against the forecast, refreshed every few seconds."
    )

    PARAMETERS = (
        Param(
            "source",
            DEMO,
            "Source",
            help="An entry of the monitor folder (KPIKIT_MONITOR_DIR, default ~/kpikit-monitor): "
            'a folder of drops, a growing .csv or a rewritten .parquet file; "" replays the '
            "data's last day (demo)",
        ),
        Param(
            "channel",
            "phone",
            "Channel",
            help="Follow this channel ('all': every contact)",
            data_choices=True,
        ),
        Param(
            "interval",
            "30min",
            "Interval",
            help="Interval length",
            choices=tuple((label, key) for key, label in INTERVALS.items()),
        ),
        Param(
            "target_sl",
            80.0,
            "Target SL (%)",
            help="Service-level target; intervals below it raise an alert",
            unit="percent",
            low=50,
            high=99,
            step=1,
        ),
        Param(
            "threshold_s",
            20.0,
            "… within (s)",
            help="Answer-time threshold of the service level; 20 (the default) takes the "
            "channel's own (chat 30, email a day)",
            unit="seconds",
            low=5,
            high=120,
            step=5,
        ),
        Param(
            "chart",
            "service_level",
            "Chart",
            help="What the second chart shows",
            choices=tuple((label, key) for key, label in CHARTS.items()),
        ),
    )

    def __init__(
        self,
        data=None,
        *,
        sources_dir=None,
        poll_s=DEFAULT_POLL_S,
        demo_speed=DEMO_SPEED,
        **options,
    ):
        if not poll_s > 0 or not demo_speed > 0:
            raise ValueError(
                f"Values of 'poll_s' and 'demo_speed' must be > 0, but received: {poll_s!r}, "
                f"{demo_speed!r}"
            )
        super().__init__(data, **options)
        self.sources_dir = monitor_dir() if sources_dir is None else Path(sources_dir)
        source = self.values["source"]
        if source != DEMO:
            resolve_source(source, self.sources_dir)
        channels = data_channels(self.data.contacts)
        channel = self._starting_channel(channels)
        check_channel(channel, channels)
        self.poll_s = float(poll_s)
        self.demo_speed = float(demo_speed)
        # The folder, not the table, decides the sources: set() checks a link's against it.
        param = self._parameter("source")
        self.source = widgets.Dropdown(
            options=self._source_options(),
            value=source,
            description=param.label,
            tooltip=param.help,
        )
        self.channel = self.control("channel")
        reset_channel_picker(self.channel, channels, channel)
        self.interval = self.control("interval")
        self.target_sl = self.control("target_sl")  # its readout as precise as its value
        self.threshold_s = self.control("threshold_s")
        # The channel's own threshold (chat 30 s, email a day) until another is chosen: 20 s
        # for every channel judged a chat answered in 25 s late, where kk.compute counts it in
        # time. The dashboard's notebook passes the default, so that one follows the channel.
        default = self._parameter("threshold_s").default
        self._threshold_follows_channel = self.values["threshold_s"] == default
        self._follow_channel_threshold()
        self.threshold_s.observe(self._on_threshold_chosen, names="value")
        self.chart = self.control("chart")
        controls = [
            self.source,
            self.channel,
            self.interval,
            self.target_sl,
            self.threshold_s,
            self.chart,
        ]
        for control in controls:
            control.observe(self._on_change, names="value")
        self.pause = widgets.Checkbox(
            value=False,
            description="Pause updates",
            tooltip="Freeze the view; the source is still read, and unchecking shows the latest",
            indent=False,
        )
        self.pause.observe(self._on_pause, names="value")

        self.tiles = widgets.HTML()
        self.alerts = widgets.HTML()
        # Visually hidden (the alerts box shows the same), in the accessibility tree. The
        # widget's own element is the live region (accessibility.js gives it its role): it stays
        # on the page while its text changes, so each change is announced; a region inserted
        # together with its text, as it was before, is missed by some screen readers.
        self.announcement = widgets.HTML()
        self.announcement.add_class(LIVE_REGION_CLASS)
        self.volume_chart = Chart(height=_CHART_HEIGHT)
        self.detail_chart = Chart(height=_CHART_HEIGHT)
        self.widget = self._compose(
            controls=[*controls, self.pause],
            main=[
                widgets.HTML(STYLE),
                self.tiles,
                self.alerts,
                self.announcement,
                self.volume_chart,
                self.detail_chart,
            ],
        )
        self.widget.add_class("kpikit-monitor")

        self.view = None
        self.refresh_s = float("nan")
        self._read_at = ""  # the wall time of the last read, for the status line
        self._monitor = None
        self._replay = None
        self._path = None
        self._kept = {}
        self._opened = None
        self._plans = {}
        self._demo_day = None  # (the data's last day, its channels): _no_contacts_text
        self._plan_day = None
        self._notes = []
        self._link_note = ""
        self._poll_error = ""
        self._drawn = None
        self._alerted = frozenset()
        self._task = None
        self._ahead = Prefetch()
        self._data_changed()

    # -- data and controls ----------------------------------------------------------------

    def _source_options(self):
        names = list_sources(self.sources_dir)
        return [("Demo: replay of the data's last day", DEMO), *((name, name) for name in names)]

    def set(self, **values):
        """Set several controls with one refresh; a ``source`` is checked first.

        The source list is read again (the folder may have gained entries since the app was
        built); a source that is not an entry of it is ignored and said so in the app. A link's
        ``source`` (:meth:`set_from_link`) comes here unchecked: the table gives it no choices.
        """
        self._link_note = ""
        if "source" in values:
            self._holding = True
            try:
                self.source.options = self._source_options()
            finally:
                self._holding = False
            requested = values["source"]
            if requested != DEMO:
                try:
                    resolve_source(requested, self.sources_dir)
                except (TypeError, ValueError) as error:
                    values = {name: value for name, value in values.items() if name != "source"}
                    self._link_note = f"Ignored the link's source: {self._said(error)}"
        following = self._threshold_follows_channel
        self._threshold_follows_channel = self._follows_after(values)
        try:
            super().set(**values)
        except ValueError:
            self._threshold_follows_channel = following
            raise
        self._show_messages()

    def _follows_after(self, values) -> bool:
        """Whether the threshold follows the channel once ``values`` are set. A threshold given
        stays, whatever channel comes with it or after it, unless it is the default (the
        parameter's help: 20 takes the channel's own) or, while following, the one the slider
        shows: a link passes every control's value, those it leaves out included."""
        if "threshold_s" not in values:
            return self._threshold_follows_channel
        value = values["threshold_s"]
        shown = self._threshold_follows_channel and value == self.threshold_s.value
        return value == self._parameter("threshold_s").default or shown

    def _follow_channel_threshold(self):
        """Set the threshold to the chosen channel's (:meth:`kpikit.Options.sl_threshold_for`
        of the app's options; phone's for all channels, as :class:`IntradayMonitor` takes it),
        the slider widened to hold it, until a threshold is chosen: given to the app, by a
        link or on the slider."""
        if not self._threshold_follows_channel:
            return
        channel = None if self.channel.value == ALL_CHANNELS else self.channel.value
        seconds = float(self.engine_options.sl_threshold_for(channel))
        held, self._holding = self._holding, True
        try:
            self.threshold_s.max = max(self.threshold_s.max, seconds)
            self.threshold_s.min = min(self.threshold_s.min, seconds)
            self.threshold_s.value = seconds
        finally:
            self._holding = held

    def _judged_by_channel(self) -> bool:
        """Whether each contact is judged by its own channel's threshold: every channel shown
        and no threshold chosen (the slider then shows phone's)."""
        return self._threshold_follows_channel and self.channel.value == ALL_CHANNELS

    def _starting_channel(self, channels: list[str]) -> str:
        """The channel to follow first: the one asked for, but every contact ("all") in place
        of the default, phone, when the data has channels and phone is not one of them (a chat
        or email log, which refused to open with the default); as an upload does."""
        channel = self.values["channel"]
        default = self._parameter("channel").default
        if channel == default and channels and default not in channels:
            return ALL_CHANNELS
        return channel

    def _on_threshold_chosen(self, change):
        if not self._holding:  # moved on the slider
            self._threshold_follows_channel = False

    def _on_data(self):
        _last_day(self.data)  # fails early (ValueError) on data without contacts
        self._plans = {}
        self._demo_day = None
        self._ahead.cancel()
        self._close_source()
        self._holding = True
        try:
            reset_channel_picker(self.channel, data_channels(self.data.contacts), None)
        finally:
            self._holding = False
        self._redraw()

    def _update(self):
        self._ahead.touch()
        self._follow_channel_threshold()
        key = (self.source.value, self.channel.value, self.interval.value)
        if self._opened is not None and self._opened != key:
            if self._opened[0] == key[0]:
                self._switch_monitor(key)
            else:
                self._close_source()
        if self._monitor is None and self.source.value == DEMO and self._task is None:
            # The demo starts when the app is shown (start()), not when it is built: a
            # preheated kernel must not replay the day before anyone watches. Its plan is
            # ready before then, so the first view does not wait for the forecast.
            self._plan_for(_last_day(self.data))
            self._draw()
            return
        self._tick()
        if self.pause.value:  # a control the user changed redraws even while paused
            self._draw()

    def _on_pause(self, change):
        if change["new"]:
            self.set_status(
                f"Updates paused at {time.strftime('%H:%M:%S')}; the source is still read, "
                "and unchecking Pause updates shows the latest."
            )
        else:  # catch up at once, not at the next poll
            self._draw()
            if self._read_at:  # a read since the app opened
                self.set_status(self._status_text())

    # -- reading the source -----------------------------------------------------------------

    def refresh(self):
        """Read what is new in the source, recompute the day and redraw what changed (only
        read while "Pause updates" is checked).

        Returns
        -------
        kpikit.monitor.MonitorView

        Raises
        ------
        ValueError
            When the source cannot be opened or read; the app's timer shows it instead.
        """
        begin = time.perf_counter()
        if self._monitor is None:
            self._open_source()
        self._monitor.target_sl = float(self.target_sl.value)
        self._monitor.threshold_s = float(self.threshold_s.value)
        self._monitor.by_channel = self._judged_by_channel()
        view = self._monitor.refresh()
        # the day shown: a finished day read after midnight is still that day, not ``now``'s
        day = view.intervals["period"].iloc[0].normalize() if view.contacts else None
        if view.contacts and day != self._plan_day:
            self._set_plan(day)
            view = self._monitor.refresh()
        self.view = view
        self._poll_error = ""  # read again: the source recovered
        self._read_at = time.strftime("%H:%M:%S")
        if self.pause.value:
            # timed too: unpausing showed the time of a read before the pause ("nan ms" when
            # none), beside the time it was unpaused as the time read
            self.refresh_s = time.perf_counter() - begin
            self._show_messages()
            return view
        self._draw()
        self.refresh_s = time.perf_counter() - begin
        self._show_messages()
        self.set_status(self._status_text())
        return view

    def _open_source(self):
        key = (self.source.value, self.channel.value, self.interval.value)
        if self._path is None:
            if self.source.value == DEMO:
                self._replay = BackgroundReplay(
                    self.data,
                    speed=self.demo_speed,
                    drop_every_s=DEMO_DROP_EVERY_S,
                    start=DEMO_START,
                ).start()
                self._path = self._replay.folder
            else:
                self._path = resolve_source(self.source.value, self.sources_dir)
        channel = None if self.channel.value == ALL_CHANNELS else self.channel.value
        self._monitor = IntradayMonitor(
            self._path,
            freq=self.interval.value,
            channel=channel,
            target_sl=self.target_sl.value,
            threshold_s=self.threshold_s.value,
            options=self.engine_options,
            tz=_days_zone(self.data, self.engine_options),
        )
        self._opened = key
        self._plan_day = None
        self._notes = []
        self._drawn = None

    def _switch_monitor(self, key):
        """Another channel or interval of the same source: the source goes on (a demo is not
        replayed anew) and each channel and interval keeps its monitor, which reads only what
        is new when it is shown again."""
        self._kept[self._opened] = (self._monitor, self._plan_day, self._notes)
        self._monitor, self._plan_day, self._notes = self._kept.pop(key, (None, None, []))
        self._opened = key if self._monitor is not None else None
        self.view = None
        self._drawn = None
        self._poll_error = ""

    def _close_source(self):
        if self._replay is not None:
            self._replay.stop()
        self._replay = None
        self._path = None
        self._kept = {}
        self._monitor = None
        self._opened = None
        self.view = None
        self._plan_day = None
        self._notes = []
        self._poll_error = ""

    def _plan_for(self, day):
        """The day's forecast, staffing and notes, computed once per day, channel and interval
        (in a kernel, the other channels' are computed ahead while the page is idle)."""
        channel = None if self.channel.value == ALL_CHANNELS else self.channel.value
        key = (day, channel, self.interval.value)
        if key not in self._plans:
            ahead = self._ahead.take(key)
            self._plans[key] = ahead or _plan(self.data, *key)
        for _, other in self.channel.options:
            other = None if other == ALL_CHANNELS else other
            later = (day, other, self.interval.value)
            if later not in self._plans and later not in self._ahead:
                self._ahead.submit(later, functools.partial(_plan, self.data, *later))
        return self._plans[key]

    def _set_plan(self, day):
        """Attach the plan of ``day`` (the log's, in its zone) to the monitor; a plan that
        cannot be put on the log's clock is left out, said so, and the actuals shown alone."""
        forecast, staffed, notes = self._plan_for(day)
        unzoned = _zone_mismatch(day, forecast, staffed)
        if unzoned:
            forecast, staffed, notes = None, None, [*notes, unzoned]
        self._monitor.forecast = forecast
        self._monitor.staffed = staffed
        self._plan_day = day
        self._notes = notes

    # -- the timer ------------------------------------------------------------------------------

    def start(self):
        """Poll the source every ``poll_s`` seconds on the running event loop (a kernel's).

        Starting twice keeps one timer. Returns False where no event loop runs (plain Python:
        call :meth:`refresh` instead).
        """
        if self._task is not None and not self._task.done():
            return True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._task = loop.create_task(self._poll_forever())
        self._task.add_done_callback(self._on_timer_end)
        return True

    def stop(self):
        """Stop polling and end the demo replay (its temporary folder is removed)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._close_source()

    def close(self):
        """Stop, then close the app's widgets."""
        self.stop()
        self.widget.close()

    async def _poll_forever(self):
        while True:
            self._tick()
            await asyncio.sleep(self.poll_s)

    def _tick(self):
        try:
            self.refresh()
        # Nothing above the timer can catch an error: every failure is shown in the app and
        # the next poll tries again.
        except Exception as error:
            # Kept in view until a read succeeds, a newer error or another source: rows the
            # monitor could not use must not go unnoticed.
            self._poll_error = (
                f"Could not refresh at {time.strftime('%H:%M:%S')}: {self._said(error)}. "
                f"The monitor keeps reading every {self.poll_s:g} s."
            )
            self._show_messages()

    def _said(self, error):
        """``error`` as the page shows it: without the server's folders, a path in the monitor
        folder (or the demo's) named from it (``'live.csv'``), never from the server's root."""
        folders = [self.sources_dir.absolute(), self.sources_dir.resolve()]
        if self._replay is not None:
            folders.append(Path(self._replay.folder))
        return _without_folders(_error_text(error), folders)

    def _on_timer_end(self, task):
        if not task.cancelled() and task.exception() is not None:
            self._poll_error = f"Live updates stopped: {self._said(task.exception())}."
            self._show_messages()

    def _repr_mimebundle_(self, **kwargs):
        if os.environ.get(STATIC_ENV_VARIABLE) == "1":
            self._tick()
            self.stop()
            return {"text/html": static_html(self.widget), "text/plain": self.title}
        self.start()
        return self.widget._repr_mimebundle_(**kwargs)

    # -- drawing --------------------------------------------------------------------------------

    def _show_messages(self):
        notes = self.view.notes if self.view is not None else ()
        parts = [self._link_note, *self._notes, *notes, self._poll_error]
        if self._replay is not None and self._replay.error is not None:
            parts.append(f"The demo replay stopped: {self._said(self._replay.error)}.")
        text = "\n".join(part for part in parts if part)
        self.message.value = alert_html(text) if text else ""

    def _status_text(self):
        if self.source.value == DEMO:
            state = "running" if self._replay is not None and self._replay.running else "ended"
            source = f"demo replay of {self.data_label}'s last day ({state})"
        else:
            source = repr(self.source.value)
        return (
            f"Following {source}; read at {self._read_at} in {1000 * self.refresh_s:.0f} ms, "
            f"every {self.poll_s:g} s{self._quiet_text()}. Forecast and staffing from "
            f"{self.data_label}."
        )

    def _quiet_text(self):
        """How long the log has given no new row, once longer than ``max(60 s, 10 polls)``
        (a writer stopped, a feed cut); "" while rows come."""
        read_at = self._monitor.follower.rows_read_at
        if read_at is None:
            return ""
        quiet = time.time() - read_at
        if quiet < max(60.0, 10 * self.poll_s):
            return ""
        last = time.strftime("%H:%M", time.localtime(read_at))
        return f"; no new rows for {_duration_text(quiet)} (the last at {last})"

    def _draw(self):
        view = self.view
        drawn = (
            None if view is None else (view.now, view.contacts, view.queue_depth),
            self.target_sl.value,
            self.threshold_s.value,
            self.chart.value,
            self._plan_day,
        )
        if drawn == self._drawn:
            return
        self._drawn = drawn
        if view is None or not view.contacts:
            waiting = "Starting…" if self._monitor is None else self._no_contacts_text()
            self.tiles.value = (
                f"<div class='kpikit-tiles'><div class='kpikit-tile'>{waiting}</div></div>"
            )
            self.alerts.value = ""
            self._alerted = frozenset()
            empty = pd.DataFrame({"period": pd.to_datetime([]), "volume": []})
            self.volume_chart.draw(intraday_volume(empty), height=_CHART_HEIGHT)
            self.detail_chart.draw(
                intraday_measure(
                    empty.assign(service_level=[]), measure="service_level", target=None
                ),
                height=_CHART_HEIGHT,
            )
            return
        target = float(self.target_sl.value)
        threshold_s = None if self._judged_by_channel() else self.threshold_s.value
        self.tiles.value = tiles_html(view, target, threshold_s)
        self.alerts.value = alerts_html(view, target)
        self._announce(view, target)
        shown = opening_hours(view.intervals)
        along = {"now": view.now, "interval_s": self._monitor.length.total_seconds()}
        self.volume_chart.draw(intraday_volume(shown, **along), height=_CHART_HEIGHT)
        self.detail_chart.draw(
            intraday_measure(shown, measure=self.chart.value, target=target, **along),
            height=_CHART_HEIGHT,
        )

    def _no_contacts_text(self):
        """What the tiles say (as HTML) while the source has given no contact of the channel
        followed: waiting for the first ones, unless the demo's day (the data's last) has none
        of it: "Waiting for the first contacts" stayed on for good there."""
        if self.source.value != DEMO:
            return "Waiting for the first contacts…"
        if self._demo_day is None:  # read once per data, not at every tick of the replay
            self._demo_day = _last_day_channels(self.data)
        day, channels = self._demo_day
        channel = None if self.channel.value == ALL_CHANNELS else self.channel.value
        if channel is None or channel in channels:
            return "Waiting for the first contacts…"
        return html.escape(
            f"No {channel} contacts on {day:%a %d %b %Y}, the data's last day, which the demo "
            "replays: choose another channel, or a live source"
        )

    def _announce(self, view, target):
        """Say the intervals newly below target in the live region: its text changes only
        when the set of intervals below target gains one (one that recovers says nothing)."""
        alerted = frozenset(view.alerts["period"])
        new = alerted - self._alerted
        self._alerted = alerted
        if new:
            text = announcement_text(new, self._monitor.length, target, len(alerted))
            self.announcement.value = html.escape(text)


def _duration_text(seconds):
    """``seconds`` in the unit a manager reads them in.

    >>> _duration_text(90), _duration_text(720), _duration_text(9000)
    ('90 s', '12 min', '2.5 h')
    """
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _plan(data, day, channel, freq):
    """A day's forecast and staffing of one channel at one interval length, with notes for
    what could not be made."""
    notes = []
    forecast = staffed = None
    # Without a plan the monitor still shows the day's actuals: any failure becomes a note.
    try:
        forecast = day_forecast(data, day, channel=channel, freq=freq, model=FORECAST_MODEL)
    except Exception as error:
        notes.append(f"No forecast for {day:%Y-%m-%d}: {_error_text(error)}.")
    try:
        staffed = day_staffed(data, day, channel=channel, freq=freq)
    except Exception as error:
        notes.append(f"No staffing: {_error_text(error)}.")
    else:
        if staffed.empty:
            notes.append(f"No staffing: the data's agent intervals have no row on {day:%Y-%m-%d}.")
            staffed = None
    return forecast, staffed, notes


def _zone_mismatch(day, forecast, staffed) -> str:
    """Why the plan (the ``forecast`` frame and the ``staffed`` series by period, either None)
    cannot be compared with a log whose day is ``day``: one has a zone and the other none; ""
    when they can.

    >>> day = pd.Timestamp("2024-03-04", tz="UTC")
    >>> plan = pd.DataFrame({"period": pd.to_datetime(["2024-03-04 09:00"])})
    >>> _zone_mismatch(day, plan, None)
    "The history's times have no zone while the live log's are in UTC: the forecast and \
staffing are left out."
    >>> _zone_mismatch(day.tz_localize(None), plan, None)
    ''
    """
    if forecast is None and staffed is None:
        return ""
    plan_zone = forecast["period"].dt.tz if forecast is not None else staffed.index.tz
    if (plan_zone is None) == (day.tz is None):
        return ""
    history = "have no zone" if plan_zone is None else f"are in {plan_zone}"
    log = "have no zone" if day.tz is None else f"are in {day.tz}"
    return (
        f"The history's times {history} while the live log's {log}: the forecast and "
        "staffing are left out."
    )


def _days_zone(data, options):
    """The zone the monitor counts the live log's days in: the app's ``tz`` option, else the
    zone of the history's arrivals when it is a named zone (a log written across a
    daylight-saving change carries two UTC offsets and cannot be read without it); None for
    naive arrivals or a fixed UTC offset, which has no daylight-saving rules to follow.

    >>> history = pd.DataFrame({"arrived_at": pd.to_datetime(["2024-10-26 09:00"])})
    >>> from kpikit.options import Options
    >>> _days_zone(history, Options()), _days_zone(history.assign(
    ...     arrived_at=history["arrived_at"].dt.tz_localize("Europe/Paris")), Options())
    (None, 'Europe/Paris')
    """
    if options.tz is not None:
        return options.tz
    zone = pd.to_datetime(contacts_frame(data, ["arrived_at"])["arrived_at"]).dt.tz
    try:
        return None if zone is None else check_time_zone("tz", str(zone))
    except ValueError:  # a fixed offset such as UTC+01:00
        return None


def _last_day(data):
    """The day of the data's last arrival (the day the demo replays).

    Raises
    ------
    ValueError
        When the data holds no arrival: there is no day to replay or to forecast from.
    """
    last = pd.to_datetime(contacts_frame(data, ["arrived_at"])["arrived_at"]).max()
    if pd.isna(last):
        raise ValueError(
            "The data holds no contacts: the monitor forecasts the day from the contacts before "
            "it and the demo replays the data's last day, so it needs at least one contact."
        )
    return last.normalize()


def _last_day_channels(data):
    """The day of the data's last arrival (:func:`_last_day`) and the channels with a contact
    on it (a contact without a channel is a phone call).

    >>> history = pd.DataFrame({"channel": ["chat", None],
    ...     "arrived_at": pd.to_datetime(["2024-03-03 09:00", "2024-03-04 09:00"])})
    >>> day, channels = _last_day_channels(history)
    >>> f"{day:%Y-%m-%d}", sorted(channels)
    ('2024-03-04', ['phone'])
    """
    day = _last_day(data)
    contacts = phone_by_default(contacts_frame(data, ["arrived_at"], optional=["channel"]))
    on_day = pd.to_datetime(contacts["arrived_at"]).dt.normalize() == day
    channels = contacts["channel"][on_day] if "channel" in contacts else [DEFAULT_CHANNEL]
    return day, frozenset(channels)


def _without_folders(text, folders):
    """``text`` with the paths of ``folders`` taken out: a path in one named from it, the
    folder itself quoted left out, unquoted called "the monitor folder".

    >>> _without_folders("No such file: '/srv/m/live.csv'; not in the folder '/srv/m': 'x'",
    ...                  [Path("/srv/m")])
    "No such file: 'live.csv'; not in the folder: 'x'"
    """
    for folder in map(str, folders):
        text = text.replace(folder + os.sep, "").replace(f" {folder!r}", "")
        text = text.replace(folder, "the monitor folder")
    return text


def _error_text(error):
    return str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"
