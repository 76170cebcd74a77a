"""Forecasts of contacts offered and AHT per interval, with the backtest that chose the model."""

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpikit._validators import check_choice
from kpikit.forecast._backtest import LEADS, choose, rolling_origins, score_origin, summarise
from kpikit.forecast._minutes import LAST
from kpikit.forecast._models import MODELS, check_level, fit_predict, needed_observations
from kpikit.forecast._series import (
    SERIES_ID,
    Clock,
    arrivals,
    cutoff,
    duration,
    groups,
    horizon_steps,
    interval_series,
    real_intervals,
    special_dates,
    step,
)

TARGETS = ("volume", "aht")
"""What can be forecast: contacts offered, and AHT (seconds) of the contacts answered."""
MIN_BACKTEST_HISTORY = pd.Timedelta("14D")
"""Least data before a backtest origin for the origin to be scored."""


@dataclass(frozen=True)
class Forecast:
    """Volume and AHT forecasts per interval, and the backtest behind the model choice.

    Attributes
    ----------
    intervals : pandas.DataFrame
        One row per group and forecast interval: ``*by, period, interval_s, volume,
        volume_low, volume_high, aht_s, aht_low, aht_high`` (bounds of the ``level`` %
        prediction interval; AHT's are null for a group with answered contacts in one
        interval only, which shows no spread). :func:`kpikit.queueing.agents_required`
        takes it directly.
    backtest : pandas.DataFrame
        ``*by, target, lead, model, wape, mase, bias, gain_pct, intervals, origins, best,
        baseline, chosen`` (see :mod:`kpikit.forecast`); empty when the model was given.
    chosen : pandas.DataFrame
        ``*by, target, model``: the model each series was forecast with.
    freq : str
    level : float
        Coverage of the prediction intervals, percent.
    until : pandas.Timestamp
        Only contacts that arrived before it were used (in the contacts' zone, if any).
    """

    intervals: pd.DataFrame
    backtest: pd.DataFrame
    chosen: pd.DataFrame
    freq: str
    level: float
    until: pd.Timestamp

    def notes(self):
        """Sentences on where a baseline forecast as well as or better than the chosen model.

        Returns
        -------
        list of str
        """
        if self.backtest.empty:
            return []
        keys = [column for column in self.chosen.columns if column not in ("target", "model")]
        found = []
        for (*_, target, lead), rows in self.backtest.groupby(
            [*keys, "target", "lead"], sort=False, dropna=False
        ):
            winner = rows[rows["best"] & rows["baseline"]]  # on a tie, the baseline named
            chosen = rows[rows["chosen"]]
            if winner.empty or chosen.empty:
                continue
            where = ", ".join(str(rows[key].iloc[0]) for key in keys)
            used = chosen["model"].iloc[0]
            if used in set(winner["model"]):
                winner = winner[winner["model"] == used]
            name, wape = winner["model"].iloc[0], winner["wape"].iloc[0]
            found.append(
                f"{target} {lead}{' (' + where + ')' if where else ''}: the baseline {name} "
                f"wins with WAPE {wape:.1f} %"
                + (
                    "; it is the model used"
                    if used == name
                    else f" against {chosen['wape'].iloc[0]:.1f} % for {used}, the model used"
                )
            )
        return found


def _target(table, target):
    """``unique_id, ds, y, scored`` for a target: offered contacts, or AHT where answered.

    An interval where nothing was answered has no AHT; it takes the AHT of its time of day
    in the series (or of the series, or of every series) over the intervals of ``table`` (the
    stretch the models read), so that the models see no gap. ``scored`` is False there; a
    series never scored is forecast as null (:func:`forecast`). When no series answered
    anything, ``y`` is 0 throughout and nothing is scored: every AHT is null.
    """
    frame = table[[SERIES_ID, "ds"]].copy()
    if target == "volume":
        frame["y"] = table["offered"].to_numpy()
        frame["scored"] = True
        return frame
    answered = table["answered"].to_numpy()
    if not (answered > 0).any():  # a lone series was refused, where a group got NaN
        return frame.assign(y=0.0, scored=False)
    slot = table["ds"] - table["ds"].dt.normalize()
    sums = table[["handle_s", "answered"]]
    by_slot = sums.groupby([table[SERIES_ID], slot]).transform("sum")
    by_series = sums.groupby(table[SERIES_ID]).transform("sum")
    overall = sums.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        candidates = [
            table["handle_s"].to_numpy() / answered,
            (by_slot["handle_s"] / by_slot["answered"]).to_numpy(),
            (by_series["handle_s"] / by_series["answered"]).to_numpy(),
            np.full(len(table), overall["handle_s"] / overall["answered"]),
        ]
    value = candidates[-1]
    for candidate in reversed(candidates[:-1]):
        value = np.where(np.isfinite(candidate) & (candidate > 0), candidate, value)
    if not np.isfinite(value).all() or not (value > 0).all():
        raise ValueError(
            "Value of 'data' has no answered contact with a handle time (talk_s, hold_s, "
            "acw_s) before 'until', so AHT cannot be forecast"
        )
    frame["y"] = value
    frame["scored"] = answered > 0
    return frame


def _actuals(real, target):
    """What a backtest scores a target's forecasts against: ``unique_id, ds, actual, scored,
    share`` per interval of real time (:func:`~kpikit.forecast._series.real_intervals`), the
    contacts offered in it or the AHT of those answered (``scored`` where something was).
    ``share`` scales a forecast volume per wall interval to the real one; AHT keeps it whole.
    """
    frame = real[[SERIES_ID, "ds"]].copy()
    if target == "volume":
        frame["actual"] = real["offered"].to_numpy()
        frame["scored"] = True
        frame["share"] = real["share"].to_numpy()
        return frame
    answered = real["answered"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["actual"] = real["handle_s"].to_numpy() / answered
    frame["scored"] = answered > 0
    frame["share"] = 1.0
    return frame


def _check_models(model, models):
    if isinstance(models, str) or not hasattr(models, "__iter__"):
        raise TypeError(
            f"Value of 'models' must be a sequence of model names such as "
            f"('seasonal_naive', 'mstl'), but received: {models!r}"
        )
    names = tuple(models)
    repeated = sorted({name for name in names if names.count(name) > 1}, key=str)
    if repeated:
        raise ValueError(f"Value of 'models' names {repeated} more than once: {list(names)}")
    if model != "auto" and model not in MODELS:
        raise ValueError(
            f"Value of 'model' is not a model. Expected 'auto' or one of {list(MODELS)} but "
            f"received: {model!r}"
        )
    if model == "auto" and "seasonal_naive" not in names:
        raise ValueError(
            "Value of 'models' must include 'seasonal_naive': the backtest scores every model "
            f"against it, but received: {list(names)}"
        )
    return names


def _backtest_target(
    frame, actuals, keys_frame, *, freq, history, level, names, special, origins, spacing
):
    start, end = frame["ds"].min(), frame["ds"].max() + step(freq)
    found = rolling_origins(
        start, end, freq, count=origins, spacing=spacing, min_history=MIN_BACKTEST_HISTORY
    )
    scored = [
        score_origin(
            frame,
            origin,
            freq=freq,
            history=history,
            level=level,
            names=names,
            special=special,
            actuals=actuals,
        )
        for origin in found
    ]
    scored = [errors for errors in scored if errors is not None and not errors.empty]
    if not scored:
        raise ValueError(
            f"The data is too short for a backtest: it needs at least 16 days before 'until' "
            f"(found {_span_text(end - start)}). Give a model "
            f"(model={_fitting_model(min(end - start, history), freq, names)!r}) to skip it"
        )
    errors = pd.concat(scored, ignore_index=True).merge(keys_frame, on=SERIES_ID)
    return summarise(errors, [SERIES_ID, *keys_frame.columns.drop(SERIES_ID)])


def _span_text(span):
    """A stretch of data in words: hours under two days, else days with a decimal (a floor of
    whole days said "0 days" for 23 hours).

    >>> _span_text(pd.Timedelta("22.5h")), _span_text(pd.Timedelta("4D 21h"))
    ('22.5 hours', '4.9 days')
    """
    if span < pd.Timedelta("2D"):
        return f"{span / pd.Timedelta('1h'):g} hours"
    return f"{span / pd.Timedelta('1D'):.1f} days"


def _fitting_model(window, freq, names):
    """The model to advise when the backtest cannot run: the first of MSTL, seasonal naive and
    the historic average whose minimum (:func:`~kpikit.forecast._models.needed_observations`)
    the training ``window`` holds, preferring those among ``names``.

    >>> _fitting_model(pd.Timedelta("22.5h"), "30min", MODELS)
    'historic_average'
    >>> _fitting_model(pd.Timedelta("45.5h"), "30min", MODELS)
    'seasonal_naive'
    >>> _fitting_model(pd.Timedelta("4D"), "30min", MODELS)
    'mstl'
    """
    observations = window // step(freq)
    needed = needed_observations(freq)
    order = ("mstl", "seasonal_naive", "historic_average")
    for name in sorted(order, key=lambda name: name not in names):
        if observations >= needed[name]:
            return name
    return "historic_average"


def _check_targets(targets):
    """``targets`` as a tuple of names from :data:`TARGETS` (read once: it may be a generator)."""
    if isinstance(targets, str) or not hasattr(targets, "__iter__"):
        raise TypeError(
            f"Value of 'targets' must be a sequence of names such as ('volume',), but "
            f"received: {targets!r}"
        )
    targets = tuple(targets)
    if not targets:
        raise ValueError(
            f"Value of 'targets' names nothing to forecast. Expected names from {list(TARGETS)} "
            f"but received: {targets!r}"
        )
    for target in targets:
        if target not in TARGETS:
            raise ValueError(
                f"Value of 'targets' holds {target!r}. Expected names from {list(TARGETS)}"
            )
    return targets


def _history(history, freq):
    """The training window: a duration of at least one interval."""
    window = duration(history, "history", "56D")
    if window < step(freq):
        raise ValueError(
            f"Value of 'history' must hold at least one {freq} interval ({step(freq)}), but "
            f"received: {history!r}"
        )
    return window


def _check_origins(origins):
    if isinstance(origins, bool) or not isinstance(origins, numbers.Integral):
        raise TypeError(
            f"Value of 'origins' must be a whole number of backtest origins such as 6, but "
            f"received: {origins!r}"
        )
    if origins < 1:
        raise ValueError(f"Value of 'origins' must be at least 1, but received: {origins!r}")


def _spacing(spacing):
    """Time between backtest origins: a whole number of days (origins stay at noon)."""
    length = duration(spacing, "spacing", "5D")
    if length % pd.Timedelta("1D"):
        raise ValueError(
            f"Value of 'spacing' must be a whole number of days such as '5D' (each origin is "
            f"a planning moment of a past day), but received: {spacing!r}"
        )
    return length


def _check_lead(choose_by, freq):
    """A daily backtest has no ``intraday`` lead: its origins stand for the end of a day, so
    every forecast lies a day or more ahead, and the choice fell silently to the other leads.

    >>> _check_lead("intraday", "day")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'choose_by' is 'intraday', but at freq='day' the backtest forecasts
    from the end of a day, so no forecast is intraday: use one of ['next_day', 'next_week',
    'next_month'], or a freq shorter than a day
    """
    if choose_by == "intraday" and step(freq) >= pd.Timedelta("1D"):
        later = [lead for lead in LEADS if lead != "intraday"]
        raise ValueError(
            f"Value of 'choose_by' is 'intraday', but at freq={freq!r} the backtest forecasts "
            f"from the end of a day, so no forecast is intraday: use one of {later}, or a "
            "freq shorter than a day"
        )


def forecast(
    data,
    *,
    freq="30min",
    horizon="1D",
    by=None,
    until=None,
    targets=TARGETS,
    level=95,
    special_days=None,
    model="auto",
    models=MODELS,
    history="56D",
    origins=6,
    spacing="5D",
    choose_by="next_day",
):
    """Forecast contacts offered and AHT per interval, choosing each series' model by backtest.

    For each group (``by``) the contact log is counted into complete intervals up to
    ``until``. With ``model="auto"`` every candidate model is scored by a rolling-origin
    backtest (:mod:`kpikit.forecast`) and the one with the lowest WAPE at lead ``choose_by``
    forecasts the series (a baseline wins ties; a series the backtest cannot score, with no
    contact or nothing answered at its origins, gets ``seasonal_naive``). Models are fitted on
    the last ``history`` of data. The AHT of a series where nothing was answered before
    ``until`` is unknown: NaN (its volume is forecast as usual).

    Parameters
    ----------
    data : Dataset, dataframe or parquet files (a path, folder or glob)
        Contacts with ``arrived_at`` and ``answered``; ``talk_s`` (``hold_s``, ``acw_s``) for
        AHT.
    freq : {"15min", "30min", "hour", "day"}, default="30min"
    horizon : str, default="1D"
        How far ahead, from the first interval not complete at ``until``: a duration with a
        unit (``"1D"``, ``"90min"``; ``"1"`` is refused), of at most 35,136 intervals of
        ``freq`` (a leap year of 15-minute intervals, see
        :data:`~kpikit.forecast._series.MAX_STEPS`). It is elapsed time: ``"1D"`` is 24
        hours, so 24 hourly intervals even on a day of 23 or 25 hours.
    by : str or list of str, default=None
        Columns that define the series (``"queue"``, ``["channel", "queue"]``).
    until : datetime-like, default=None
        Learn only from contacts that arrived before it; None: the last arrival. At most 4
        days after the last arrival before it (a longer gap would read as no contacts). On
        contacts with a time zone, a ``until`` with a zone is that instant, one without is
        wall time in the contacts' zone; on contacts without a zone, a ``until`` with one is
        refused (see Notes).
    targets : sequence of {"volume", "aht"}, default=("volume", "aht")
    level : float, default=95
        Coverage of the prediction intervals, percent, in [1, 100): 95, not 0.95.
    special_days : list of dates or dict of date -> factor, default=None
        Holidays and other special days. Their history is replaced by the week before when
        fitting; their forecast is a usual day times the factor (given, a number in [0, 100];
        or learnt from special days in the history; 1 when neither).
    model : str, default="auto"
        ``"auto"`` chooses by backtest; a name skips the backtest: ``"seasonal_naive"``,
        ``"historic_average"``, ``"seasonal_average"``, ``"auto_ets"`` or ``"mstl"``
        (:data:`MODELS`).
    models : sequence of str, default=all five (:data:`MODELS`)
        Candidates for ``"auto"`` (must include ``seasonal_naive``, the reference).
    history : str, default="56D"
        Length of the training window (at least one interval; each model needs a minimum,
        see :func:`~kpikit.forecast._models.needed_observations`).
    origins : int, default=6
        Backtest origins; ``spacing`` (default ``"5D"``, whole days) apart.
    choose_by : str, default="next_day"
        Lead at which the backtest picks the model (see :data:`LEADS`); ``"intraday"`` is
        refused at ``freq="day"``, whose backtest forecasts from the end of a day.

    Returns
    -------
    Forecast
        Its ``intervals``' ``period`` and its ``until`` are in the zone of ``arrived_at``
        (naive when it has none).

    Notes
    -----
    Times with a zone are cut into intervals on the zone's clock, as :func:`kpikit.compute`
    cuts them: a day is a calendar day (23 or 25 hours when the clocks change), and hours,
    half hours and quarters are the zone's, so the day the clocks go forward has 23 hourly
    periods and the day they go back 25 (its repeated hour twice, with two offsets). The
    models read the zone's wall clock, where demand keeps its times of day across the change
    (a peak at 10:00 stays at 10:00); a wall interval the clocks repeat counts half its
    contacts (per hour of real time) and one they skip the mean of its neighbours, and the
    forecast of a repeated interval is given to both of its instants. Likewise a calendar
    day's contacts are read per 24 hours of real time (a 25-hour day's count times 24/25)
    and each forecast day gets that volume times its hours over 24; its ``interval_s`` is its
    real length (82,800 or 90,000 s when the clocks change, else 86,400), so that
    :func:`kpikit.queueing.agents_required` spreads its volume over the hours it has.

    Days without any contact count as days of zero volume; more than
    :data:`~kpikit.forecast._series.MAX_HISTORY_GAP` of them in a row in the history read give
    a UserWarning naming them (missing data would be forecast as a quiet week); so does a
    group (``by``) whose last contact comes more than that before ``until``.
    """
    keys = groups(by)
    steps = horizon_steps(horizon, freq)
    names = _check_models(model, models)
    targets = _check_targets(targets)
    check_level(level)
    window = _history(history, freq)
    if model == "auto":
        _check_origins(origins)
        spacing = _spacing(spacing)
    check_choice("choose_by", choose_by, LEADS, "a lead")
    if model == "auto":
        _check_lead(choose_by, freq)
    special = special_dates(special_days)
    contacts = arrivals(data, keys, freq=freq, handle="aht" in targets, until=until)
    moment = cutoff(contacts, until)
    clock = Clock.of(contacts["arrived_at"], freq)
    # the backtest scores each pass of a repeated wall time apart (real_intervals)
    later = clock.second_pass(contacts["arrived_at"]) if model == "auto" else None
    if clock.zone is not None:
        # on the wall clock an arrival after `until` may read earlier (in an hour repeated):
        # it is left out (NaT), as interval_series leaves out those after the end
        before = (contacts["arrived_at"] < moment).to_numpy()
        for column in {"arrived_at", LAST} & set(contacts.columns):
            contacts[column] = clock.naive(contacts[column]).where(before)
    span = steps * step(freq)  # the horizon in real time, which the table is cut to
    steps = clock.wall_steps(moment, steps, step(freq))
    table = interval_series(
        contacts,
        freq=freq,
        by=keys,
        until=clock.history_end(moment),
        reach=_reach(window, model, origins, spacing),
        closed=special,
        clock=clock,
        later=later,
    )
    keys_frame = table[[SERIES_ID, *keys]].drop_duplicates(SERIES_ID)
    end = table["ds"].max() + step(freq)
    real = real_intervals(table, clock) if model == "auto" else None

    backtests, chosen, predictions = [], [], {}
    for target in targets:
        frame = _target(table, target)
        if model == "auto" and frame["scored"].any():
            scores = _backtest_target(
                frame,
                _actuals(real, target),
                keys_frame,
                freq=freq,
                history=window,
                level=level,
                names=names,
                special=special,
                origins=origins,
                spacing=spacing,
            )
            picked = choose(scores, [SERIES_ID, *keys], choose_by)[[SERIES_ID, "model"]]
            unscored = keys_frame.loc[~keys_frame[SERIES_ID].isin(picked[SERIES_ID]), [SERIES_ID]]
            picked = pd.concat([picked, unscored.assign(model="seasonal_naive")])
            scores = scores.merge(picked.assign(chosen=True), on=[SERIES_ID, "model"], how="left")
            scores["chosen"] = scores["chosen"].eq(True)
            backtests.append(scores.assign(target=target))
        else:  # a model given, or nothing answered in any series: no AHT to score, all null
            picked = keys_frame[[SERIES_ID]].assign(
                model=model if model != "auto" else "seasonal_naive"
            )
        chosen.append(picked.assign(target=target))
        train = frame[frame["ds"] >= end - window]
        predicted = fit_predict(
            train[[SERIES_ID, "ds", "y"]],
            freq=freq,
            steps=steps,
            level=level,
            names=tuple(picked["model"].unique()),
            special=special,
        )
        predicted = predicted.merge(picked, on=[SERIES_ID, "model"])
        scored = frame.groupby(SERIES_ID)["scored"].sum()
        unknown = predicted[SERIES_ID].isin(scored.index[scored == 0]).to_numpy()
        predicted.loc[unknown, ["forecast", "low", "high"]] = np.nan
        # One interval with answered contacts gives a series of its AHT alone (the others
        # filled with it, _target): no spread to measure, not an interval of zero width.
        if target == "aht":
            lone = predicted[SERIES_ID].isin(scored.index[scored == 1]).to_numpy()
            predicted.loc[lone, ["low", "high"]] = np.nan
        predictions[target] = predicted
    return Forecast(
        intervals=_intervals(predictions, keys_frame, keys, freq, clock, moment, span),
        backtest=_backtest_table(backtests, keys),
        chosen=pd.concat(chosen, ignore_index=True).merge(keys_frame, on=SERIES_ID)[
            [*keys, "target", "model"]
        ],
        freq=freq,
        level=float(level),
        until=moment,
    )


def _reach(window, model, origins, spacing):
    """How far before the end of the series the models read: the training ``window``, and with
    ``model="auto"`` the backtest's too, before its oldest origin (``origins - 1`` times
    ``spacing`` before the last, on the day two days before the end's day, hence 3 days; see
    :func:`~kpikit.forecast._backtest.rolling_origins`). None when that outruns pandas' dates.
    """
    if model != "auto":
        return window
    try:
        return max(window, MIN_BACKTEST_HISTORY) + pd.Timedelta("3D") + (origins - 1) * spacing
    except (OverflowError, pd.errors.OutOfBoundsTimedelta):  # origins=10**12: read it all
        return None


def _intervals(predictions, keys_frame, keys, freq, clock, until, span):
    """The forecast table: a row per group and interval, from the interval holding ``until``
    for ``span`` of real time.

    A wall interval the clocks repeat has two instants (:meth:`Clock.aware`); with ``until``
    in the second, the first is over and left out: 02:10 in Paris after the clocks went back
    (01:10 UTC) forecasts hours from 02:00+01:00, not from 02:00+02:00 (00:00 UTC) as well.
    With ``until`` in the first, the wall intervals of the repeat before it are forecast for
    their second instant alone (:meth:`Clock.history_end`): 02:15+02:00 at 15 minutes
    forecasts 02:15, 02:30 and 02:45+02:00, then 02:00+01:00.
    Instants past the span are left out too: 3 hours from 00:00+02:00 on that day are 00:00,
    01:00 and 02:00+02:00, not 02:00+01:00 as well.
    A calendar day's ``interval_s`` is its real length (:meth:`Clock.day_seconds`) and its
    volume (and bounds), forecast per 24 hours, is scaled to it; AHT is not.
    """
    names = {
        "volume": ("volume", "volume_low", "volume_high"),
        "aht": ("aht_s", "aht_low", "aht_high"),
    }
    merged = None
    for target, predicted in predictions.items():
        columns = dict(zip(("forecast", "low", "high"), names[target], strict=True))
        part = predicted[[SERIES_ID, "ds", "forecast", "low", "high"]].rename(columns=columns)
        merged = part if merged is None else merged.merge(part, on=[SERIES_ID, "ds"])
    merged = merged.merge(keys_frame, on=SERIES_ID).rename(columns={"ds": "period"})
    naive = merged["period"].to_numpy()
    merged = clock.aware(merged, "period")
    if not clock.daily:  # a calendar day of the zone may last 25 hours: one row a day
        merged = merged[merged["period"] + step(freq) > until]
        merged = merged[merged["period"] < merged["period"].min() + span]
    if clock.daily:
        # a calendar day lasts 23 or 25 hours when the clocks change: the models forecast
        # per 24 hours (Clock.exposure), the day gets that volume times its hours over 24
        merged["interval_s"] = clock.day_seconds(naive)
        share = merged["interval_s"].to_numpy() / step(freq).total_seconds()
        for column in set(names["volume"]) & set(merged.columns):
            merged[column] = merged[column].to_numpy() * share
    else:
        merged["interval_s"] = step(freq).total_seconds()
    values = [column for target in predictions for column in names[target]]
    merged = merged.sort_values([*keys, "period"]).reset_index(drop=True)
    return merged[[*keys, "period", "interval_s", *values]]


def _backtest_table(backtests, keys):
    columns = [
        *keys,
        "target",
        "lead",
        "model",
        "wape",
        "mase",
        "bias",
        "gain_pct",
        "intervals",
        "origins",
        "best",
        "baseline",
        "chosen",
    ]
    if not backtests:
        return pd.DataFrame(columns=columns)
    return pd.concat(backtests, ignore_index=True)[columns]
