"""Time ``kpikit.io.read_contacts`` against plain pandas reading the same files.

Three files of the same synthetic contacts: kpikit's own layout (commas, ISO times, True/False),
a European vendor export (semicolons, decimal commas, day-first dates, Y/N, vendor names) and a
Parquet file (against ``pd.read_parquet``, pandas' default types).
kpikit detects the format, converts every column, reports unreadable cells and validates; the
pandas baseline is what a careful user writes by hand for each file (read_csv with the right
options, to_datetime with the right format, Y/N mapped), without validation. The tables are
checked equal before timing. Contenders alternate inside each round; medians are printed.

    .venv/bin/python benchmarks/bench_read.py                      # 1M contacts, 3 rounds
    .venv/bin/python benchmarks/bench_read.py --rows 200000 --rounds 5
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kpikit.io import read_contacts

VENDOR = {
    "contact_id": "Call ID",
    "arrived_at": "CallStart",
    "answered": "Answered",
    "wait_s": "Queue Time",
    "queue": "Queue",
    "agent_id": "Agent",
    "talk_s": "Talk Time",
}


def synthetic_contacts(rows: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-01-01").value // 10**9
    seconds = np.sort(rng.integers(0, 90 * 86400, rows)) + start
    answered = rng.random(rows) < 0.9
    return pd.DataFrame(
        {
            "contact_id": np.arange(1, rows + 1).astype(str),
            "arrived_at": pd.to_datetime(seconds, unit="s"),
            "answered": answered,
            "wait_s": np.round(rng.exponential(30, rows), 1),
            "queue": rng.choice(["NA", "EU", "APAC"], rows),
            "agent_id": np.where(answered, rng.choice([f"A{i}" for i in range(200)], rows), None),
            "talk_s": np.where(answered, np.round(rng.exponential(240, rows), 1), 0.0),
        }
    )


def write_files(contacts: pd.DataFrame, folder: Path) -> tuple[Path, Path, Path]:
    parquet = folder / "contacts.parquet"
    contacts.to_parquet(parquet, index=False)
    ours = folder / "contacts.csv"
    contacts.to_csv(ours, index=False)
    vendor = contacts.copy()
    vendor["arrived_at"] = vendor["arrived_at"].dt.strftime("%d/%m/%Y %H:%M:%S")
    vendor["answered"] = vendor["answered"].map({True: "Y", False: "N"})
    theirs = folder / "export.csv"
    vendor.rename(columns=VENDOR).to_csv(theirs, index=False, sep=";", decimal=",")
    return ours, theirs, parquet


def kpikit_ours(path):
    return read_contacts(path)


def pandas_ours(path):
    frame = pd.read_csv(
        path, dtype={"contact_id": str, "queue": str, "agent_id": str}, keep_default_na=False,
        na_values=[""],
    )  # fmt: skip
    frame["arrived_at"] = pd.to_datetime(frame["arrived_at"], format="ISO8601")
    return frame


def kpikit_vendor(path):
    mapping = {source: target for target, source in VENDOR.items()}
    return read_contacts(path, mapping=mapping, true_values=["Y"], false_values=["N"])


def pandas_vendor(path):
    frame = pd.read_csv(
        path, sep=";", decimal=",", dtype={"Call ID": str, "Queue": str, "Agent": str},
        keep_default_na=False, na_values=[""],
    ).rename(columns={source: target for target, source in VENDOR.items()})  # fmt: skip
    frame["arrived_at"] = pd.to_datetime(frame["arrived_at"], format="%d/%m/%Y %H:%M:%S")
    frame["answered"] = frame["answered"].map({"Y": True, "N": False}).astype(bool)
    return frame


def assert_same_values(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    """The same values in the same places, whatever types hold them (kpikit keeps Parquet
    text in Arrow's buffers, pandas 2 makes Python objects of it)."""
    pd.testing.assert_frame_equal(ours.isna(), theirs.isna())
    pd.testing.assert_frame_equal(
        ours.astype(object).where(ours.notna(), None),
        theirs.astype(object).where(theirs.notna(), None),
        check_dtype=False,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    contacts = synthetic_contacts(args.rows)
    with tempfile.TemporaryDirectory() as scratch:
        ours, theirs, parquet = write_files(contacts, Path(scratch))
        pairs = {
            "kpikit layout": (ours, kpikit_ours, pandas_ours),
            "vendor export": (theirs, kpikit_vendor, pandas_vendor),
            "parquet": (parquet, read_contacts, pd.read_parquet),
        }
        for path, kpikit_reader, pandas_reader in pairs.values():
            assert_same_values(kpikit_reader(path), pandas_reader(path))
        print(f"{args.rows:,} contacts, {args.rounds} rounds, median seconds")
        print(f"{'file':<15} {'kpikit':>8} {'pandas':>8} {'x pandas':>9}")
        for name, (path, kpikit_reader, pandas_reader) in pairs.items():
            times = {"kpikit": [], "pandas": []}
            for _ in range(args.rounds):
                for label, reader in (("kpikit", kpikit_reader), ("pandas", pandas_reader)):
                    started = time.perf_counter()
                    reader(path)
                    times[label].append(time.perf_counter() - started)
            ours_s, theirs_s = (statistics.median(times[k]) for k in ("kpikit", "pandas"))
            print(f"{name:<15} {ours_s:>8.2f} {theirs_s:>8.2f} {ours_s / theirs_s:>9.2f}")


if __name__ == "__main__":
    main()
