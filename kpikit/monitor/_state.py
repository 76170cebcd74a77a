"""The monitor's picture of today: per interval, forecast against what is happening."""

import difflib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpikit._lazy_contacts import phone_by_default
from kpikit._validators import (
    check_choice,
    check_number,
    check_percent,
    check_time_zone,
    check_timestamp,
)
from kpikit.calibrate import HANDLE_COLUMNS
from kpikit.catalog import kpi
from kpikit.forecast._series import FREQS
from kpikit.monitor._follow import LogFollower, checked_log_path, stacked
from kpikit.monitor._inputs import checked_filter, checked_forecast, checked_staffed, on_grid
from kpikit.monitor._log import (
    ambiguous_dates,
    blanks_as_empty,
    check_rows,
    checked_now,
    in_handling,
    outcomes,
    parsed_arrivals,
)
from kpikit.monitor._plan import check_intraday_freq
from kpikit.options import resolve
from kpikit.periods import day_bounds
from kpikit.queueing._inputs import MIN_SECONDS

_SHOWN_IDS = 5
"""Contact ids quoted in a note."""
_LOG_COLUMNS = (("contact_id", "arrived_at"), ("answered", "wait_s"))
_PARTS = ("within", "judged", "answered", "wait_s", "handle_s", "timed", "finished", "abandoned")
"""The sums each interval's figures divide (``timed``: answered contacts with a handle time;
``within, judged``: the service level's numerator and denominator, ``abandoned, finished`` the
abandonment's, under the engine's options)."""


@dataclass(frozen=True)
class MonitorView:
    """What the monitor shows after a refresh.

    Attributes
    ----------
    now : pandas.Timestamp
        The moment the figures describe: the time given to :meth:`IntradayMonitor.refresh`,
        else the log's latest event (NaT while the log has no contact to give one).
    intervals : pandas.DataFrame
        One row per interval of the day: ``period, volume, service_level, asa,
        abandonment_rate, aht_s, waiting, forecast_volume, forecast_aht_s, reforecast_volume,
        required_agents, staffed_agents, alert`` (see :class:`IntradayMonitor`); no rows but
        these columns before the first contact.
    queue_depth : int
        Contacts that arrived and have been neither answered nor abandoned yet.
    longest_wait_s : float
        How long the longest of them has waited (0 with an empty queue).
    alerts : pandas.DataFrame
        ``period, service_level, target``: intervals below the service-level target.
    contacts : int
        Contacts of the day seen so far.
    day : dict
        The day to date, summed over its intervals before dividing (never an average of the
        intervals' figures): ``volume, forecast_volume`` (forecast up to ``now``: the
        intervals over and the elapsed part of the current one), ``reforecast_volume`` (the
        whole day), ``service_level, asa, abandonment_rate, aht_s`` (NaN when nothing is
        judged, answered or finished yet).
    notes : tuple of str
        What the figures rest on that the log left open: contacts of the day followed whose
        arrival is a wall time a daylight-saving change repeats, and how it was read; text
        dates that read in more than one order (``02/03/2026``: 2 March or 3 February), and
        how they were read.
    """

    now: pd.Timestamp
    intervals: pd.DataFrame
    queue_depth: int
    longest_wait_s: float
    alerts: pd.DataFrame
    contacts: int
    day: dict
    notes: tuple = ()


INTERVAL_COLUMNS = (
    "period",
    "volume",
    "service_level",
    "asa",
    "abandonment_rate",
    "aht_s",
    "waiting",
    "forecast_volume",
    "forecast_aht_s",
    "reforecast_volume",
    "required_agents",
    "staffed_agents",
    "alert",
)


def _no_intervals(tz=None) -> pd.DataFrame:
    """The intervals before the first contact is followed: no day yet, so no rows, but the
    columns a view always has (``view.intervals["service_level"]`` is an empty column), with
    ``period`` in the zone ``tz`` the monitor reads the log in.

    >>> _no_intervals().shape, _no_intervals()["alert"].dtype.name
    ((0, 13), 'bool')
    >>> _no_intervals("Europe/Paris")["period"].dtype.name
    'datetime64[ns, Europe/Paris]'
    """
    frame = pd.DataFrame({column: pd.Series(dtype=float) for column in INTERVAL_COLUMNS})
    period = "datetime64[ns]" if tz is None else pd.DatetimeTZDtype("ns", tz)
    return frame.astype({"period": period, "alert": bool})


class IntradayMonitor:
    """Follows today's contact log and compares it with the forecast, interval by interval.

    A live log holds one row per contact event: the contact's row is written when it
    arrives, with ``answered`` (and ``wait_s``) empty, and written again with its outcome
    when it is answered or abandoned. A log may write an answered contact's outcome row with
    ``talk_s``, ``hold_s`` and ``acw_s`` empty (it is in talk) and the whole row a third time
    when its handling ends, at answer + ``talk_s + hold_s + acw_s``
    (:func:`~kpikit.monitor.live_events`); a log of two rows, whose outcome row gives the
    handle times, is read as ever. The last row of each ``contact_id`` wins. So:

    - *seen by now*: contacts that arrived at or before ``now``; an outcome whose wait ends
      after ``now`` is not known yet (the contact is still waiting then), nor is the handle
      time of a handling (written as a row of its own) that ends after ``now``;
    - *queue depth now*: contacts whose last row has no ``answered`` yet, those that arrived
      before midnight included;
    - *service level interval to date*: :func:`kpikit.compute`'s service level under the
      same options (``sl_abandoned``, ``sl_denominator``, ``short_abandon_s``; the sums of
      :func:`kpikit.kpi`) with each contact's threshold T (``threshold_s``), over the
      contacts judged so far: the finished ones plus those still waiting beyond T (already a
      miss) and beyond ``short_abandon_s`` (no longer a short abandon). By default
      ``100 within / (finished + waiting longer than T)``;
    - *ASA*: mean ``wait_s`` of answered contacts; *abandonment*: abandoned over finished,
      short abandons (abandoned with ``wait_s < short_abandon_s``) left out of both;
      *AHT*: ``talk_s + hold_s + acw_s`` over answered contacts with any of them whose
      handling is known to have ended by ``now`` (NaN for a log without these columns): a
      contact still in talk counts in the service level and ASA, not in the AHT;
    - *reforecast*: the forecast of each interval not yet over, times the ratio of actual to
      forecast contacts over the intervals already over that have a forecast (1 before any).
      An interval in progress is never reforecast below what has arrived in it: its
      reforecast is ``max(arrived so far, forecast * ratio)`` (what has arrived when it has no
      forecast); an interval over keeps its actual volume;
    - *required agents*: :func:`kpikit.queueing.agents_required` on the reforecast (the
      actual volume for intervals over) and the forecast AHT.

    The day is the calendar day of ``now`` on the log's clock: in a time zone a
    daylight-saving day has 46 or 50 half hours (its intervals keep their local start times).
    The monitor reads what the log already holds when it is made; rows it cannot read (an
    ``arrived_at`` that is no date, a row without ``contact_id`` (which no later row can
    correct), an ``answered`` that is not true or false, a finished
    contact without a wait >= 0, a talk, hold or wrap-up time given but not >= 0) make
    :meth:`refresh` raise, naming them, until a later row of the same contact corrects them.

    Parameters
    ----------
    source : str or Path
        CSV file, Parquet file or folder of drops (see :class:`LogFollower`).
    forecast : pandas.DataFrame, default=None
        ``period, volume, aht_s`` (a Forecast's ``intervals`` for one series): one row per
        period, volumes and AHTs not negative nor infinite (NaN: no forecast). Its periods
        are the monitor's interval starts, ``freq`` apart: coarser or finer ones are refused
        at :meth:`refresh` (a half hour's volume is not a quarter hour's).
    freq : {"15min", "30min", "hour"}, default="30min"
    target_sl : float, default=80.0
        Percent, in [1, 100) as for :func:`kpikit.queueing.agents_required`; intervals below
        it raise an alert.
    threshold_s : float, default=None
        Seconds, >= 0, for every contact; None: each contact's channel's threshold in
        ``options``, as :func:`kpikit.compute` uses it (by default phone 20 s, chat 30 s, email
        24 h; a contact without a channel: phone's). ``threshold_s`` then holds the followed
        ``channel``'s threshold (phone's when every channel is followed), for the required
        agents, and ``by_channel`` is True while every channel is followed.
    short_abandon_s, sl_abandoned, sl_denominator : default=None
        The engine's options of the service level and abandonment (:class:`kpikit.Options`);
        None: the value in ``options``.
    options : kpikit.Options, default=None
        The engine's options; None: those in force when the monitor is made
        (``kk.options``, a ``kk.options.context`` block included).
    patience_s : float, default=None
        For the required agents (Erlang A), seconds > 0; None: Erlang C.
    staffed : pandas.Series, default=None
        Agents on the phones per interval start (index: period, once each, spaced as the
        forecast's periods are), not negative nor infinite (NaN: unknown).
    channel, queue : str, default=None
        Follow only the contacts of this channel or queue, as their last row gives it (an
        empty one: the contact's last row that gives one). The log must have the column. A
        value the first rows read (at construction, or at the first refresh that finds rows
        when the log is still empty) lack but nearly spell (``"phon"`` beside ``"phone"``) is
        refused; any other is followed, as a channel that has had no contact yet.
    tz : str, default=None
        The time zone the days are counted in (``"Europe/Paris"``). Needed for a log whose
        arrival times carry UTC offsets that change with daylight saving; with it, times with
        an offset are converted to it and naive times are read as its wall-clock times.

    Raises
    ------
    TypeError, ValueError
        For an option out of its range or of the wrong kind, a source that is not an
        existing folder, ``.csv`` or ``.parquet`` file, or a ``channel`` or ``queue`` that
        nearly spells one of the log's (with the values it holds).

    Examples
    --------
    >>> import tempfile
    >>> IntradayMonitor(tempfile.mkdtemp(), target_sl=150)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'target_sl' is a percent on the 0..100 scale (80 means 80 %) and must be
    in [1, 100), but received: 150
    """

    def __init__(
        self,
        source,
        *,
        forecast=None,
        freq="30min",
        target_sl=80.0,
        threshold_s=None,
        patience_s=None,
        staffed=None,
        channel=None,
        queue=None,
        tz=None,
        short_abandon_s=None,
        sl_abandoned=None,
        sl_denominator=None,
        options=None,
    ):
        self.length = pd.Timedelta(FREQS[check_intraday_freq(freq)])
        self.target_sl = check_percent("target_sl", target_sl, low=1, high=100, open=True)
        self.options = resolve(
            options,
            short_abandon_s=short_abandon_s,
            sl_abandoned=sl_abandoned,
            sl_denominator=sl_denominator,
        )
        # every channel followed: each contact judged by its own channel's threshold (20 s
        # for an email made its service level fall where kk.compute's stays)
        self.by_channel = threshold_s is None and not isinstance(channel, str)
        if threshold_s is None:  # 20 s for chat too made its service level 50 %, not 75 %
            threshold_s = self.options.sl_threshold_for(
                channel if isinstance(channel, str) else "phone"
            )
        self.threshold_s = float(check_number("threshold_s", threshold_s, minimum=0))
        self.patience_s = (
            None
            if patience_s is None
            else float(check_number("patience_s", patience_s, minimum=0, above_minimum=True))
        )
        if self.patience_s is not None and self.patience_s < MIN_SECONDS:
            # taken, it failed every refresh on Erlang A's refusal
            raise ValueError(
                f"Value of 'patience_s' must be at least {MIN_SECONDS:g} s (the shortest "
                f"patience the queueing models take) but received: {self.patience_s:g}"
            )
        self.forecast = checked_forecast(forecast)
        self.staffed = checked_staffed(staffed)
        self.filters = {
            "channel": checked_filter("channel", channel),
            "queue": checked_filter("queue", queue),
        }
        self._filters_checked = False
        self.tz = None if tz is None else check_time_zone("tz", tz)
        self.follower = LogFollower(checked_log_path(source, "source"), _LOG_COLUMNS)
        self._contacts = pd.DataFrame()
        self._followed = pd.DataFrame()
        self._repeated = set()  # contact ids read at a wall time a daylight-saving change repeats
        self._latest_repeated = None  # the latest such wall time read
        self._month_first = None  # (text, as read) of a date that reads in several orders
        self._handled_later = set()  # contact ids answered on a row without handle times
        self._skipped = {}  # contact id -> its arrival text, a wall time the DST change skips
        self._unread = pd.DataFrame()  # new rows refused, read again at the next refresh
        self._ingest()

    def _ingest(self):
        """Read what is new in the log into the day's contacts. New rows refused (a column
        missing, a change of time zone, no column for the channel followed) are kept, the
        monitor as it was, and read again at the next refresh: read once, they were lost, and
        the next refresh showed the day without them and no error."""
        fresh = self.follower.poll()
        if len(self._unread):
            fresh = stacked([self._unread, fresh])
        if fresh.empty:
            return
        self._unread = fresh
        self._take(fresh.copy())
        self._unread = pd.DataFrame()

    def _take(self, fresh):
        """Merge the new rows ``fresh`` into the contacts; every check that may refuse them
        runs before the monitor's state changes."""
        for columns in _LOG_COLUMNS:  # the keys first: a drop of another table lacks both
            missing = [column for column in columns if column not in fresh]
            if missing:
                raise ValueError(
                    f"The live log is missing column(s) {missing}; it has {list(fresh.columns)}"
                )
        fresh = blanks_as_empty(fresh)
        raw = fresh["arrived_at"]
        fresh["arrived_at"], repeated, skipped = parsed_arrivals(
            raw, self.tz, self._latest_repeated
        )
        if not self._contacts.empty:
            zones = (self._contacts["arrived_at"].dt.tz, fresh["arrived_at"].dt.tz)
            if str(zones[0]) != str(zones[1]):
                raise ValueError(
                    f"Column 'arrived_at' of the live log changed its time zone from {zones[0]} "
                    f"to {zones[1]} between two reads; give the monitor tz= to read both"
                )
        fresh = fresh.assign(contact_id=_id_text(fresh["contact_id"]))
        fresh["arrived_at"] = _first_readings(
            fresh["contact_id"], fresh["arrived_at"], repeated, self._contacts
        )
        merged = self._filled(stacked([self._contacts, fresh]))
        # the last row of a contact wins, but an arrival row never over its outcome (an
        # arrival written late, or a drop repeated, made an answered contact wait again), nor
        # an answer without handle times over the end of its handling (its AHT was lost)
        finished = merged["answered"].notna().to_numpy()
        order = np.argsort(2 * finished - in_handling(merged), kind="stable")
        ordered = merged.take(order)
        # a row without a contact id is no contact's row: kept apart, for check_rows to refuse
        # (dropped as duplicates of one another, three contacts without ids were counted as one)
        named = ordered["contact_id"].notna().to_numpy()
        latest = pd.concat(
            [ordered[named].drop_duplicates("contact_id", keep="last"), ordered[~named]]
        )
        contacts = latest.sort_index().reset_index(drop=True)
        # filtered once each contact is one row: filtering rows first lost the outcome row of
        # a contact that arrived in the queue followed (written with an empty queue), and it
        # waited forever
        self._followed = self._filtered(contacts)
        self._contacts = contacts
        self._note_month_first(raw, fresh["arrived_at"])
        if repeated.any():  # the order of the rows tells a repeated hour's two passes apart,
            wall = fresh.loc[repeated, "arrived_at"].dt.tz_localize(None).max()  # across
            if self._latest_repeated is None or wall > self._latest_repeated:  # reads too
                self._latest_repeated = wall
        if skipped.any() or self._skipped:  # a later row with a real time clears a contact
            for contact, text, skips in zip(fresh["contact_id"], raw, skipped, strict=True):
                if skips and contact is not None:
                    self._skipped[contact] = str(text)
                else:
                    self._skipped.pop(contact, None)
        self._repeated.update(fresh.loc[repeated, "contact_id"].dropna())
        self._handled_later.update(fresh.loc[in_handling(fresh), "contact_id"].dropna())

    def _filled(self, rows):
        """``rows`` with an empty channel or queue (of those followed) taken from the
        contact's last row that gives one: an outcome row written without its queue stays in
        the arrival's queue."""
        for column, value in self.filters.items():
            if value is not None and column in rows:
                known = rows.groupby("contact_id")[column].transform("last")
                rows[column] = rows[column].where(rows[column].notna(), known)
        return rows

    def _filtered(self, fresh):
        """The rows of ``fresh`` (one per contact) of the channel and queue followed. A value
        the first rows read lack but spell nearly (``"phon"`` beside ``"phone"``) is refused
        with the known ones; any other may simply have had no contact yet, and is followed."""
        for column, value in self.filters.items():
            if value is None:
                continue
            if column not in fresh:
                raise ValueError(
                    f"Value of {column!r} is {value!r} but the live log has no {column} column; "
                    f"it has {list(fresh.columns)}"
                )
            if not self._filters_checked:
                known = sorted(fresh[column].dropna().unique(), key=str)
                names = [str(name) for name in known]
                if value not in known and difflib.get_close_matches(str(value), names, cutoff=0.8):
                    check_choice(column, value, known, f"a {column} of the live log")
            if column == "channel":  # a contact without a channel is a phone call, as planned
                fresh = phone_by_default(fresh)
            fresh = fresh[fresh[column] == value]
        self._filters_checked = True
        return fresh

    def refresh(self, now=None):
        """Read what is new and recompute the day.

        Parameters
        ----------
        now : datetime-like, default=None
            The current time; None takes the latest event in the log (an arrival, the end
            of a wait or of a handling written as a row of its own), which follows a replay's
            clock as well as a live one, and shows the day of the latest arrival (a wait that
            ends after midnight starts no day); an event later than this machine's clock is
            refused (:func:`_refuse_events_ahead`). An earlier time shows the day as it stood
            then. With a time zone when the log's arrivals have one.

        Returns
        -------
        MonitorView

        Raises
        ------
        TypeError, ValueError
            For a ``now`` that is not a date and time (or whose zone disagrees with the
            log's), or rows of the log it cannot read (see :class:`IntradayMonitor`).
        """
        self._ingest()
        contacts = self._followed
        if contacts.empty:  # no contact yet: the time given (NaT without one), nothing seen
            empty = pd.DataFrame(columns=["period", "service_level", "target"])
            return MonitorView(
                self._empty_now(now), _no_intervals(self.tz), 0, 0.0, empty, 0, _day_totals()
            )
        self._refuse_skipped(contacts)
        check_rows(contacts)
        arrived = contacts["arrived_at"]
        finished, answered = outcomes(contacts)
        wait = pd.to_numeric(contacts["wait_s"], errors="coerce").to_numpy(dtype=float)
        handle = _handle_times(contacts)
        # a contact answered on a row without handle times has its handling's end as an event
        # of its own (a log written as live_events writes it): its handle time is known then
        later = contacts["contact_id"].isin(self._handled_later).to_numpy() & ~np.isnan(handle)
        waited_s = np.where(finished, wait, 0.0)
        handled = _after(contacts["contact_id"], arrived, waited_s + np.where(later, handle, 0.0))
        ends = arrived + pd.to_timedelta(waited_s, unit="s")  # no later than handled
        if now is None:  # the log's own clock, which one stray row must not move
            _refuse_events_ahead(contacts["contact_id"], arrived, handled)
        # by default the day of the last arrival: a wait ending after midnight starts no day
        now, anchor = (
            (handled.max(), arrived.max())
            if now is None
            else (checked_now(now, arrived.dt.tz),) * 2
        )
        seen = (arrived <= now).to_numpy()
        finished = finished & (ends <= now).to_numpy()  # an outcome after now is not known yet
        answered = answered & finished
        day, end = day_bounds(anchor if anchor.tzinfo else anchor.normalize(), arrived.dt.tz)
        today = seen & (arrived >= day).to_numpy() & (arrived < end).to_numpy()
        waited = (now - arrived).dt.total_seconds().to_numpy()
        in_queue = ~finished & seen  # arrived yesterday and still waiting, too
        waiting = in_queue & today
        # in talk at now: answered (service level, ASA) but no handle time yet (AHT)
        timed = answered & ~np.isnan(handle) & (handled <= now).to_numpy()
        slot = ((arrived - day) // self.length).to_numpy()
        # 46 or 50 half hours on a daylight-saving day; rounded up, as a change of half an
        # hour (Lord Howe Island) leaves a day of 23.5 or 24.5 hours whose last half hour
        # was dropped, contacts and all
        slots = math.ceil((end - day) / self.length)
        keep = today & (slot >= 0) & (slot < slots)

        def count(mask, weights=None):
            values = None if weights is None else np.where(mask, weights, 0.0)[keep]
            if values is None:
                return np.bincount(slot[keep & mask], minlength=slots).astype(float)
            return np.bincount(slot[keep], values, minlength=slots)

        table = pd.DataFrame({"period": day + self.length * np.arange(slots)})
        table["volume"] = count(np.ones(len(contacts), dtype=bool))
        thresholds = self._thresholds(contacts)
        judged_after = np.maximum(thresholds, self.options.short_abandon_s)
        components = _components(
            finished, answered, wait, waiting & (waited > judged_after), thresholds, self.options
        )
        parts = {
            **{name: count(True, weights) for name, weights in components.items()},
            "answered": count(answered),
            "wait_s": count(answered, np.nan_to_num(wait)),
            "handle_s": count(timed, handle),
            "timed": count(timed),
        }
        table = table.assign(**_ratios(parts))
        table["waiting"] = count(waiting)
        self._add_plan(table, now)
        table["alert"] = table["service_level"] < self.target_sl
        alerts = table.loc[table["alert"], ["period", "service_level"]].assign(
            target=self.target_sl
        )
        depth = int(in_queue.sum())
        elapsed = self._elapsed(table, now)
        return MonitorView(
            now=now,
            intervals=table[list(INTERVAL_COLUMNS)],
            queue_depth=depth,
            longest_wait_s=float(waited[in_queue].max()) if depth else 0.0,
            alerts=alerts.reset_index(drop=True),
            contacts=int(keep.sum()),
            day=_day_totals(
                {name: values.sum() for name, values in parts.items()},
                volume=int(keep.sum()),
                forecast_volume=_sum(table["forecast_volume"].to_numpy() * elapsed),
                reforecast_volume=_sum(table["reforecast_volume"].to_numpy()),
            ),
            notes=self._repeated_note(contacts["contact_id"][keep]) + self._month_first_note(),
        )

    def _refuse_skipped(self, contacts):
        """Refuse the contacts whose (last) arrival is a wall time the daylight-saving change
        of ``tz`` skips, naming them: such a time never happened on that clock, and
        :func:`~kpikit.monitor._log.check_rows` said only that the text was no date and time.

        >>> import tempfile
        >>> monitor = IntradayMonitor(tempfile.mkdtemp(), tz="Europe/Paris")
        >>> monitor._skipped = {"c7": "2026-03-29 02:30"}
        >>> monitor._refuse_skipped(pd.DataFrame({"contact_id": ["c7"], "arrived_at": [pd.NaT]}))
        Traceback (most recent call last):
        ...
        ValueError: Column 'arrived_at' of the live log has 1 row(s) at a wall time the \
daylight-saving change skips in Europe/Paris, so no such time happened there (contact_id c7 at \
'2026-03-29 02:30'): a time written wrong, or a log not on that clock (give the monitor its \
zone as tz); mend the rows
        """
        skipped = contacts["arrived_at"].isna() & contacts["contact_id"].isin(self._skipped)
        if not skipped.any():
            return
        ids = contacts.loc[skipped, "contact_id"].tolist()
        times = [f"{contact} at {self._skipped[contact]!r}" for contact in ids[:_SHOWN_IDS]]
        shown, more = ", ".join(times), ", ..." if len(ids) > _SHOWN_IDS else ""
        raise ValueError(
            f"Column 'arrived_at' of the live log has {len(ids)} row(s) at a wall time the "
            f"daylight-saving change skips in {self.tz}, so no such time happened there "
            f"(contact_id {shown}{more}): a time written wrong, or a log not on that clock "
            "(give the monitor its zone as tz); mend the rows"
        )

    def _empty_now(self, now):
        """The time a view of a log without contacts describes: ``now`` as given (in the zone
        ``tz`` the days are counted in, which a zoned ``now`` is converted to), NaT without one
        (the log has no clock yet); it was NaT even with ``now`` given.

        >>> import tempfile
        >>> monitor = IntradayMonitor(tempfile.mkdtemp(), tz="Europe/Paris")
        >>> monitor._empty_now(pd.Timestamp("2026-03-02 07:00", tz="UTC"))
        Timestamp('2026-03-02 08:00:00+0100', tz='Europe/Paris')
        """
        if now is None:
            return pd.NaT
        if self.tz is None:
            return check_timestamp("now", now)
        return checked_now(now, self.tz)

    def _note_month_first(self, raw, parsed):
        """Keep the first text of ``raw`` that reads in more than one order
        (:func:`ambiguous_dates`) with its reading in ``parsed``, for :meth:`_month_first_note`."""
        read = parsed.notna()
        if self._month_first is not None or not read.any() or not ambiguous_dates(raw):
            return
        first = read.idxmax()
        self._month_first = (str(raw[first]), parsed[first])

    def _month_first_note(self):
        """The note on arrival dates that read in more than one order (:func:`ambiguous_dates`),
        and how the first was read (none without them)."""
        if self._month_first is None:
            return ()
        text, read = self._month_first
        return (
            "Column 'arrived_at' of the live log has dates that read in more than one order of "
            f"day, month and year (such as {text!r}): they are read as {read:%d %B %Y}, so a log "
            "written in another order is shown on another day; write its dates year first "
            "(2026-03-02 09:00) to leave no doubt",
        )

    def _repeated_note(self, ids):
        """The note on the contacts of ``ids`` whose arrival is a repeated wall time (none
        without them): they are counted, read as :func:`kpikit.monitor._log.parsed_arrivals`
        says."""
        repeated = ids[ids.isin(self._repeated)]
        if repeated.empty:
            return ()
        more = ", ..." if len(repeated) > _SHOWN_IDS else ""
        shown = ", ".join(repeated.head(_SHOWN_IDS))
        return (
            f"{len(repeated)} contact(s) arrived at a wall time the daylight-saving change "
            f"repeats (contact_id {shown}{more}): each is read as the first occurrence (summer "
            "time) unless the log's row order shows the second (a repeated time earlier than "
            "one on a row before it); a contact's later rows keep its first row's reading",
        )

    def _elapsed(self, table, now):
        """The share of each interval of ``table`` elapsed at ``now``: 1 over, 0 to come."""
        return ((now - table["period"]) / self.length).clip(0, 1).to_numpy()

    def _thresholds(self, contacts) -> np.ndarray:
        """Each contact's service-level threshold T in seconds: its channel's in ``options``
        while ``by_channel`` (phone's without a channel), else ``threshold_s``."""
        if not self.by_channel or "channel" not in contacts:
            return np.full(len(contacts), self.threshold_s)
        channels = contacts["channel"].astype(object).where(contacts["channel"].notna(), None)
        by_name = {name: self.options.sl_threshold_for(name) for name in channels.unique()}
        return channels.map(by_name).to_numpy(dtype=float)

    def _add_plan(self, table, now):
        """Forecast, reforecast, required and staffed agents per interval (in place)."""
        over = (table["period"] + self.length <= now).to_numpy()
        if self.forecast is None:
            for column in (
                "forecast_volume",
                "forecast_aht_s",
                "reforecast_volume",
                "required_agents",
            ):
                table[column] = np.nan
        else:
            periods = on_grid("forecast", self.forecast["period"], table["period"], self.length)
            plan = self.forecast.set_index(periods)
            table["forecast_volume"] = _floats(table["period"].map(plan["volume"]))
            table["forecast_aht_s"] = _floats(table["period"].map(plan["aht_s"]))
            # only the intervals over that have a forecast compare actual with forecast
            known = over & table["forecast_volume"].notna().to_numpy()
            expected = table["forecast_volume"].to_numpy()[known].sum()
            ratio = table["volume"].to_numpy()[known].sum() / expected if expected > 0 else 1.0
            table["reforecast_volume"] = _reforecast(table, ratio, self._elapsed(table, now))
            from kpikit.queueing import agents_required

            aht = table["forecast_aht_s"].fillna(table["aht_s"])
            if table["forecast_aht_s"].notna().any():  # else no mean: left as it is
                aht = aht.fillna(table["forecast_aht_s"].mean())
            usable = (aht > 0) & table["reforecast_volume"].notna()  # no AHT, no agents
            table["required_agents"] = np.nan
            if usable.any():
                need = agents_required(
                    table.loc[usable, "reforecast_volume"].to_numpy(),
                    aht[usable].to_numpy(),
                    self.length.total_seconds(),
                    target_sl=self.target_sl,
                    threshold_s=self.threshold_s,
                    patience_s=self.patience_s,
                )
                table.loc[usable, "required_agents"] = need["raw_agents"].to_numpy()
        if self.staffed is None:
            table["staffed_agents"] = np.nan
            return
        periods = on_grid("staffed", self.staffed.index, table["period"], self.length)
        staffed = self.staffed.set_axis(periods)
        table["staffed_agents"] = _floats(table["period"].map(staffed))


def _floats(values: pd.Series) -> np.ndarray:
    """``values`` as floats, a nullable type's <NA> as NaN: a plan in Int64 or Float64 maps
    the intervals it does not cover to <NA>, which pandas 2.2 refused to turn into floats.

    >>> _floats(pd.Series([4, None], dtype="Int64")).tolist()
    [4.0, nan]
    """
    return values.to_numpy(dtype=float, na_value=np.nan)


def _reforecast(table, ratio, elapsed):
    """Each interval's reforecast (:class:`IntradayMonitor`): its volume once over, the
    forecast times ``ratio`` while to come (NaN without a forecast), and in progress the
    larger of the two, what has arrived when there is no forecast.

    >>> table = pd.DataFrame({"volume": [12.0, 200.0, 1.0, 0.0, 0.0],
    ...                       "forecast_volume": [10.0, 10.0, np.nan, 10.0, np.nan]})
    >>> _reforecast(table, 1.2, np.array([1.0, 0.5, 0.5, 0.0, 0.0])).tolist()
    [12.0, 200.0, 1.0, 12.0, nan]
    """
    volume = table["volume"].to_numpy(dtype=float)
    scaled = table["forecast_volume"].to_numpy(dtype=float) * ratio
    in_progress = np.fmax(volume, scaled)
    return np.where(elapsed >= 1, volume, np.where(elapsed > 0, in_progress, scaled))


def _components(finished, answered, wait, late, thresholds, options):
    """Per contact, the weights of the service level's numerator and denominator (``within,
    judged``) and of the abandonment's (``abandoned, finished``): the sums :func:`kpikit.kpi`
    gives for ``options``, each contact judged by its threshold in ``thresholds``, so the
    figures are :func:`kpikit.compute`'s. Offered contacts are those judged so far: finished,
    or ``late`` (still waiting past their threshold and ``short_abandon_s``: they can no longer
    be answered in time, nor be a short abandon) for the service level; finished for
    abandonment.

    >>> from kpikit.options import Options
    >>> flags = np.array([True, True, True, False])
    >>> parts = _components(flags, np.array([True, False, False, False]),
    ...                     np.array([10.0, 2.0, 30.0, np.nan]), ~flags, np.full(4, 20.0),
    ...                     Options(short_abandon_s=5))
    >>> {name: weights.tolist() for name, weights in parts.items()}  # the 2 s abandon is short
    {'within': [1.0, 0.0, 0.0, 0.0], 'judged': [1.0, 0.0, 1.0, 1.0], \
'abandoned': [0.0, 0.0, 1.0, 0.0], 'finished': [1.0, 0.0, 1.0, 0.0]}
    """
    abandoned = finished & ~answered
    short = abandoned & (wait < options.short_abandon_s)
    in_time = wait <= thresholds
    rows = {
        "answered": answered,
        "short_abandons": short,
        "answered_within_threshold": answered & in_time,
        "abandoned_within_threshold": abandoned & in_time & ~short,
    }
    weights = {}
    for kpi_id, offered, names in (
        ("service_level", finished | late, ("within", "judged")),
        ("abandonment_rate", finished, ("abandoned", "finished")),
    ):
        values = {**rows, "offered": offered}
        for name, terms in zip(names, kpi(kpi_id).sums(options), strict=True):
            weights[name] = sum(term.sign * values[term.component].astype(float) for term in terms)
    return weights


def _ratios(parts):
    """Service level, ASA, abandonment and AHT from their summed parts (NaN over zero)."""
    parts = {name: np.asarray(value, dtype=float) for name, value in parts.items()}
    with np.errstate(divide="ignore", invalid="ignore"):
        figures = {
            "service_level": 100 * parts["within"] / parts["judged"],
            "asa": parts["wait_s"] / parts["answered"],
            "abandonment_rate": 100 * parts["abandoned"] / parts["finished"],
            "aht_s": parts["handle_s"] / parts["timed"],
        }
    denominators = ("judged", "answered", "finished", "timed")
    return {
        name: np.where(parts[denominator] > 0, value, np.nan)
        for (name, value), denominator in zip(figures.items(), denominators, strict=True)
    }


def _first_readings(ids, arrived, repeated, earlier) -> pd.Series:
    """``arrived`` with each row at a wall time the daylight-saving change repeats (mask
    ``repeated``) read as the instant the contact's first row was read as (``earlier``: the
    contacts of the reads before, then these rows in order), when both give the same wall
    time. Every row of a contact repeats its arrival; read by row order alone, the outcome row
    of a contact that arrived at 02:58 summer time, written after a row of 02:59, was read as
    02:58 winter time, an hour later: the contact, answered, vanished past ``now``.

    >>> ids = pd.Series(["x", "y", "x"])
    >>> arrived = pd.Series(pd.to_datetime(["2026-10-25 02:58+02:00", "2026-10-25 02:59+02:00",
    ...                                     "2026-10-25 02:58+01:00"], utc=True))
    >>> local = arrived.dt.tz_convert("Europe/Paris")
    >>> _first_readings(ids, local, np.ones(3, bool), pd.DataFrame()).dt.strftime("%z").tolist()
    ['+0200', '+0200', '+0200']
    """
    if not repeated.any():
        return arrived
    rows = pd.DataFrame({"contact_id": ids, "arrived_at": arrived})
    if len(earlier):
        rows = pd.concat([earlier[["contact_id", "arrived_at"]], rows], ignore_index=True)
    first = rows.dropna().drop_duplicates("contact_id").set_index("contact_id")["arrived_at"]
    taken = first.reindex(ids.to_numpy()).set_axis(ids.index)
    wall = arrived.dt.tz_localize(None)
    same = repeated & (taken.dt.tz_localize(None) == wall).to_numpy()
    return arrived.mask(same, taken)


def _id_text(ids: pd.Series) -> pd.Series:
    """Contact ids as text, whole numbers without a decimal part: one contact's rows read
    from two drops (7 in one, read as a number; "7" beside "A9" in the other, as text) are
    then one contact.

    >>> _id_text(pd.Series([7, None])).tolist(), _id_text(pd.Series([7.0, "A9"])).tolist()
    (['7', None], ['7', 'A9'])
    """

    def text(value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if isinstance(value, float | np.floating) and float(value).is_integer():
            return str(int(value))
        return str(value)

    return pd.Series([text(value) for value in ids.tolist()], index=ids.index, dtype=object)


def _handle_times(contacts) -> np.ndarray:
    """``talk_s + hold_s + acw_s`` of each contact, of the columns the log has; NaN where all
    of them are empty (a log without any: no handle time to average).

    >>> _handle_times(pd.DataFrame({"talk_s": [200.0, None, None], "acw_s": [30.0, 20.0, None]}))
    array([230.,  20.,  nan])
    """
    columns = [column for column in HANDLE_COLUMNS if column in contacts]
    times = contacts[columns].apply(pd.to_numeric, errors="coerce")
    return times.sum(axis=1, min_count=1).to_numpy(dtype=float)


def _sum(values):
    """Sum ignoring NaN; NaN when every value is NaN (no forecast)."""
    values = np.asarray(values, dtype=float)
    return float(np.nansum(values)) if np.isfinite(values).any() else np.nan


def _day_totals(parts=None, **counts):
    """:attr:`MonitorView.day` from the day's summed parts (all NaN before any contact)."""
    if parts is None:
        parts = dict.fromkeys(_PARTS, 0.0)
        counts = {"volume": 0, "forecast_volume": np.nan, "reforecast_volume": np.nan}
    return {**counts, **{name: float(value) for name, value in _ratios(parts).items()}}


CLOCK_SLACK = {"zoned": pd.Timedelta(minutes=5), "naive": pd.Timedelta(days=1)}
"""How far past this machine's clock the log's latest event may lie: minutes for times with a
zone (clocks that drift), a day for wall times without one (the log's zone is not known)."""


def _after(ids, arrived, seconds):
    """``arrived`` plus ``seconds`` (a wait, and a handle time written as a row of its own),
    refusing the contacts whose sum lies past the last time pandas holds (2262-04-11): a wait
    of 1e12 s was a raw OutOfBoundsDatetime.

    >>> _after(pd.Series(["c1", "c2"]), pd.Series(pd.to_datetime(["2026-03-02 09:00"] * 2)),
    ...        np.array([5.0, 1e12]))
    Traceback (most recent call last):
    ...
    ValueError: Columns 'wait_s', 'talk_s', 'hold_s', 'acw_s' of the live log end the wait or \
handling of 1 contact(s) past 2262-04-11, the last time pandas holds (contact_id c2): a time \
written wrong; mend the rows
    """
    naive = arrived if arrived.dt.tz is None else arrived.dt.tz_convert(None)
    room = (pd.Timestamp.max - naive).dt.total_seconds().to_numpy()
    beyond = seconds >= np.minimum(room, pd.Timedelta.max.total_seconds()) - 1
    if beyond.any():
        shown = ", ".join(str(contact) for contact in ids[beyond][:_SHOWN_IDS])
        more = ", ..." if beyond.sum() > _SHOWN_IDS else ""
        raise ValueError(
            "Columns 'wait_s', 'talk_s', 'hold_s', 'acw_s' of the live log end the wait or "
            f"handling of {int(beyond.sum())} contact(s) past {pd.Timestamp.max.date()}, the "
            f"last time pandas holds (contact_id {shown}{more}): a time written wrong; mend the "
            "rows"
        )
    return arrived + pd.to_timedelta(seconds, unit="s")


def _refuse_events_ahead(ids, arrived, ends) -> None:
    """Refuse contacts whose arrival or end of wait (or of handling, written as a row of its
    own) lies past this machine's clock (beyond :data:`CLOCK_SLACK`): taken as "now", one such
    row (tomorrow's date, a wait of 1e9 s) moved the monitor's day and clock there, and every
    interval of today read as over.

    >>> ids = pd.Series(["c1", "c9"])
    >>> arrived = pd.Series(pd.to_datetime(["2026-03-02 09:00", "2126-03-03 08:00"]))
    >>> _refuse_events_ahead(ids, arrived, arrived)
    Traceback (most recent call last):
    ...
    ValueError: The live log has 1 contact(s) whose arrival or end of wait or handling is \
later than this machine's clock (contact_id c9 at 2126-03-03 08:00:00): a date, a wait or a \
handle time written wrong, which would move the monitor's day there; mend the rows, or give \
refresh() the time now
    """
    zone = arrived.dt.tz
    clock = pd.Timestamp.now(tz=zone) if zone is not None else pd.Timestamp.now()
    latest = clock + CLOCK_SLACK["zoned" if zone is not None else "naive"]
    ahead = (ends > latest).to_numpy()
    if ahead.any():
        shown = ", ".join(
            f"{contact} at {time}"
            for contact, time in zip(ids[ahead][:_SHOWN_IDS], ends[ahead][:_SHOWN_IDS], strict=True)
        )
        raise ValueError(
            f"The live log has {int(ahead.sum())} contact(s) whose arrival or end of wait or "
            f"handling is later than this machine's clock (contact_id {shown}): a date, a wait or "
            "a handle time written wrong, which would move the monitor's day there; mend the "
            "rows, or give refresh() the time now"
        )
