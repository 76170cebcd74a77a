"""Forecasts of contacts offered and AHT per interval, with rolling-origin backtests.

The models (``pip install 'kpikit[forecast]'``, for statsforecast): a weekly seasonal naive
and a historical average as baselines, the average of the same interval over the last four
weeks, AutoETS, and MSTL with a daily and a weekly season (:data:`MODELS`). With
``model="auto"`` each series (queue, channel, ...) gets the model that forecast best in a
backtest at past origins, the way workforce tools pick a "best method"; the backtest is kept
with the forecast, and says where a baseline wins.

- :func:`volume`: contacts offered per interval (the DESIGN contract).
- :func:`aht`: average handle time per interval.
- :func:`forecast`: both, with the backtest and the models chosen (:class:`Forecast`); its
  ``intervals`` go straight into :func:`kpikit.queueing.agents_required`.
- :func:`backtest`: the scores alone.

Scores (per series, model and lead; see :data:`LEADS`), sums over origins then ratios::

    WAPE = 100 sum|F - A| / sum A       bias = 100 sum(F - A) / sum A
    MASE = mean(|F - A| / s)            gain_pct = 100 (1 - WAPE / WAPE of seasonal naive)

with ``s`` the mean absolute week-on-week change in the training window. A zero denominator
gives NaN.

Only contacts that arrived before ``until`` are used; the first forecast interval is the one
that holds ``until`` (it is not complete yet).

>>> import kpikit as kk
>>> data = kk.load_sample()
>>> table = kk.forecast.volume(data, freq="hour", horizon="1D", model="seasonal_naive")
>>> list(table.columns)
['period', 'forecast', 'ci_low', 'ci_high']
"""

from kpikit.forecast._backtest import LEADS
from kpikit.forecast._forecast import TARGETS, Forecast, forecast
from kpikit.forecast._models import BASELINES, MODELS
from kpikit.forecast._series import FREQS

__all__ = [
    "BASELINES",
    "FREQS",
    "LEADS",
    "MODELS",
    "TARGETS",
    "Forecast",
    "aht",
    "backtest",
    "forecast",
    "volume",
]


def _single(target, data, freq, horizon, by, until, options):
    result = forecast(
        data, freq=freq, horizon=horizon, by=by, until=until, targets=(target,), **options
    )
    value = {"volume": "volume", "aht": "aht_s"}[target]
    low, high = {"volume": ("volume_low", "volume_high"), "aht": ("aht_low", "aht_high")}[target]
    keys = [
        column
        for column in result.intervals.columns
        if column not in ("period", "interval_s", value, low, high)
    ]
    return result.intervals[[*keys, "period", value, low, high]].rename(
        columns={value: "forecast", low: "ci_low", high: "ci_high"}
    )


def volume(data, *, freq="30min", horizon="1D", by=None, until=None, **options):
    """Contacts offered per interval after ``until``, with a prediction interval.

    Parameters
    ----------
    data : Dataset, dataframe or parquet files (a path, folder or glob)
        Contacts with ``arrived_at`` and ``answered``.
    freq : {"15min", "30min", "hour", "day"}, default="30min"
    horizon : str, default="1D"
        A duration with a unit (``"90min"``), at most 35,136 intervals of ``freq`` (a leap
        year of 15-minute intervals).
    by : str or list of str, default=None
    until : datetime-like, default=None
        Learn only from contacts that arrived before it (default: the last arrival). On
        contacts with a time zone, a ``until`` with a zone is converted to theirs and one
        without is their wall time; on contacts without a zone, one with a zone is refused.
    **options
        ``level, special_days, model, models, history, origins, spacing, choose_by`` as in
        :func:`forecast`.

    Returns
    -------
    pandas.DataFrame
        ``*by, period, forecast, ci_low, ci_high`` (contacts, never below 0); ``period`` is in
        the zone of ``arrived_at`` (naive when it has none), cut as :func:`kpikit.compute`
        cuts it (see :func:`forecast`). The first period is the one holding ``until`` (at
        ``until="10:10"`` and ``freq="30min"``, 10:00-10:30, forecast whole): the contacts of
        an interval ``until`` cuts short are not learnt from.

    Raises
    ------
    ValueError
        When no contact arrived before ``until`` in a complete interval, or a group (``by``)
        has none there (a queue opened after ``until``): nothing tells what to forecast.
    """
    return _single("volume", data, freq, horizon, by, until, options)


def aht(data, *, freq="30min", horizon="1D", by=None, until=None, **options):
    """Average handle time (seconds) per interval after ``until``, with a prediction interval.

    Parameters and returns as :func:`volume`; ``forecast`` is in seconds. Needs ``talk_s``.
    ``forecast, ci_low, ci_high`` are NaN for a group (``by``), or a log, where nothing was
    answered before ``until``: its AHT is unknown.
    """
    return _single("aht", data, freq, horizon, by, until, options)


def backtest(data, *, freq="30min", by=None, until=None, targets=("volume",), **options):
    """Rolling-origin backtest scores of every candidate model.

    Parameters
    ----------
    data, freq, by, until, targets
        As in :func:`forecast` (a ``until`` with a zone is converted to that of the
        contacts, one without is their wall time).
    **options
        ``level, special_days, models, history, origins, spacing, choose_by``.

    Returns
    -------
    pandas.DataFrame
        ``*by, target, lead, model, wape, mase, bias, gain_pct, intervals, origins, best,
        baseline, chosen``: ``best`` marks the lowest WAPE of each lead, ``baseline`` the
        baselines, ``chosen`` the model :func:`forecast` would pick.
    """
    return forecast(
        data, freq=freq, horizon="1D", by=by, until=until, targets=targets, model="auto", **options
    ).backtest
