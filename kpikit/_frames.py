"""Turning any dataframe narwhals supports into pandas, for code that needs pandas."""

import narwhals as nw
import numpy as np
import pandas as pd
import pyarrow as pa


def to_pandas(frame, argument="data"):
    """``frame`` as a pandas DataFrame; lazy frames (polars, DuckDB, Spark) are collected.

    Raises a TypeError naming ``argument`` when ``frame`` is not a dataframe.

    >>> import polars as pl
    >>> to_pandas(pl.DataFrame({"x": [1, 2]}))["x"].tolist()
    [1, 2]
    >>> to_pandas([1, 2], "table")
    Traceback (most recent call last):
    ...
    TypeError: Value of 'table' must be a dataframe (pandas, polars, ...), but received: list
    """
    if isinstance(frame, pd.DataFrame):
        return frame
    native = nw.from_native(frame, pass_through=True)
    zones = {}
    if isinstance(native, nw.LazyFrame):
        forget_session_zone(native)
        zones = {
            name: dtype.time_zone
            for name, dtype in native.collect_schema().items()
            if isinstance(dtype, nw.Datetime) and dtype.time_zone is not None
        }
        native = native.collect()
    if not isinstance(native, nw.DataFrame):
        raise TypeError(
            f"Value of {argument!r} must be a dataframe (pandas, polars, ...), "
            f"but received: {type(frame).__name__}"
        )
    return _in_zones(native.to_pandas(), zones)


def collected(frame):
    """A narwhals ``frame`` as an eager one: a lazy frame (polars, DuckDB, Spark) is collected,
    an eager one returned as it is.

    >>> import polars as pl
    >>> collected(nw.from_native(pl.LazyFrame({"x": [1, 2]})))["x"].to_list()
    [1, 2]
    """
    return frame.collect() if isinstance(frame, nw.LazyFrame) else frame


def forget_session_zone(frame) -> None:
    """Have narwhals read a Spark frame's session zone afresh when it next reads its schema
    (``frame`` a narwhals frame; any other than Spark is left alone).

    narwhals keeps the first zone it reads for a session (``fetch_session_time_zone``), as if
    it were fixed, but ``spark.conf.set("spark.sql.session.timeZone", ...)`` changes it on a
    running session: the schema would then name the old zone, pandas would be shown the times
    on the old zone's clock while Spark cuts days in the new one, and :func:`kpikit.compute`
    would compare its ``tz`` with the old zone. The price is one read of the setting from Spark.
    """
    implementation = frame.implementation
    if not (implementation.is_pyspark() or implementation.is_pyspark_connect()):
        return
    try:
        from narwhals._spark_like.utils import fetch_session_time_zone
    except ImportError:  # another narwhals release: nothing of this kind to forget
        return
    getattr(fetch_session_time_zone, "cache_clear", lambda: None)()


def _in_zones(frame: pd.DataFrame, zones: dict) -> pd.DataFrame:
    """``frame`` with each column of ``zones`` shown in its zone there.

    A Spark frame shows its times in the session's zone (``spark.sql.session.timeZone``), which
    its schema names and :func:`kpikit.compute` cuts periods in, but comes to pandas in UTC:
    a forecast or a day plan would have read a Paris center's day an hour or two early.

    >>> utc = pd.DataFrame({"t": pd.to_datetime(["2024-03-30 08:00"]).tz_localize("UTC")})
    >>> _in_zones(utc, {"t": "Europe/Paris"})["t"].iloc[0]
    Timestamp('2024-03-30 09:00:00+0100', tz='Europe/Paris')
    """
    moved = {
        name: frame[name].dt.tz_convert(zone)
        for name, zone in zones.items()
        if name in frame
        and getattr(frame[name].dt, "tz", None) is not None
        and str(frame[name].dt.tz) != zone
    }
    return frame.assign(**moved) if moved else frame


def pandas_frame(frame, argument="data") -> pd.DataFrame:
    """``frame`` (any dataframe narwhals supports) as pandas with its times held by NumPy
    (:func:`numpy_times`); a TypeError naming ``argument`` when it is not a dataframe."""
    return numpy_times(to_pandas(frame, argument))


def numpy_times(frame: pd.DataFrame) -> pd.DataFrame:
    """A pandas ``frame`` whose Arrow-backed times (``dtype_backend="pyarrow"``) are held by NumPy.

    pandas 2 reads an Arrow-backed zoned time's wall clock in UTC (``.dt.tz_localize(None)``,
    ``.dt.hour``), has no ``%`` for it, and does not merge it with NumPy-backed times; the same
    times held by NumPy behave as any other. Other columns are shared, not copied.

    >>> times = pd.to_datetime(["2026-03-02 09:00"]).tz_localize("Europe/Paris")
    >>> arrow = pd.DataFrame({"t": times}).convert_dtypes(dtype_backend="pyarrow")
    >>> numpy_times(arrow)["t"].dt.hour.tolist()   # Arrow-backed, pandas 2 says 8 (UTC)
    [9]
    """
    arrow = [
        column
        for column, dtype in frame.dtypes.items()
        if isinstance(dtype, pd.ArrowDtype) and pa.types.is_timestamp(dtype.pyarrow_dtype)
    ]
    if not arrow:
        return frame
    converted = frame.copy(deep=False)
    for column in arrow:
        kind = frame[column].dtype.pyarrow_dtype
        zone = getattr(kind, "tz", None)
        converted[column] = frame[column].astype(
            pd.DatetimeTZDtype(kind.unit, zone) if zone else f"datetime64[{kind.unit}]"
        )
    return converted


def as_datetimes(series: pd.Series) -> pd.Series:
    """``series`` as pandas datetimes (dates become midnights); one held as NumPy datetimes
    already is returned as it is.

    ``pandas.to_datetime`` of a Series looks each distinct value up in a cache when values
    repeat, even when they are datetimes already: 4 s for the 10M arrivals of a real-shaped
    log, whose times repeat within each second.

    >>> import datetime as dt
    >>> as_datetimes(pd.Series([dt.date(2026, 3, 2)])).tolist()
    [Timestamp('2026-03-02 00:00:00')]
    >>> times = pd.Series(pd.to_datetime(["2026-03-02 09:00"]))
    >>> as_datetimes(times) is times
    True
    """
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype) and dtype.kind == "M"):
        return series
    return pd.to_datetime(series)


def add_columns(frame: nw.DataFrame, columns: dict) -> nw.DataFrame:
    """An eager ``frame`` with more columns (NumPy arrays or Series of its length), shared.

    pandas 2 copies every column of a frame to add one (``assign``, narwhals' ``with_columns``);
    a shallow copy of the frame takes the new columns and shares the others. Other engines add
    columns without copying anyway.

    >>> import numpy as np, pandas as pd, narwhals as nw
    >>> frame = nw.from_native(pd.DataFrame({"x": [1, 2]}))
    >>> add_columns(frame, {"y": np.array([3.0, 4.0])}).to_native().values.tolist()
    [[1.0, 3.0], [2.0, 4.0]]
    """
    if frame.implementation.is_pandas():
        native = frame.to_native().copy(deep=False)
        for name, values in columns.items():
            native[name] = values
        return nw.from_native(native)
    backend = nw.get_native_namespace(frame)
    return frame.with_columns(
        nw.new_series(name, values, backend=backend) for name, values in columns.items()
    )


def one_null(values: pd.Series) -> pd.Series:
    """``values`` with every null as None where they are Python objects: pandas 2's object
    text may hold both None and NaN, which group apart and show apart. Other values are
    returned as they are.

    >>> one_null(pd.Series(["x", np.nan, None], dtype=object)).tolist()
    ['x', None, None]
    """
    if values.dtype != object or not values.isna().any():
        return values
    return values.where(values.notna(), None)
