"""Synthetic contact logs for the benchmarks, written to parquet once and cached.

Two shapes:

- ``real``: shaped like a real contact center's export. String ids (``C00000000042``,
  ``CU000001234``, ``AG0042``); about half the contacts without a known customer; contacts per
  customer heavy-tailed (Pareto weights: most customers call once or twice, a few call thousands
  of times, mostly about one reason); five channels with their own waits and answer rates;
  nulls where exports have them (talk, hold and after-contact work on abandons, hold on many
  answered contacts, transferred and resolved on abandons, resolved on a third of the answered,
  CSAT and NPS on most contacts, a few reasons unrecorded).
- ``uniform``: the benchmark's former shape: integer contact ids, customers spread evenly
  (integers written as strings), no nulls but the surveys'.

Files land in ``benchmarks/data/`` (git-ignored) under a name that holds the shape, the size and
the generator's version, so a change here makes new files. Large logs are written in chunks of
consecutive time (memory stays flat) into one file, or into a folder of ``files`` parquet files.
Their rows are in the order of time and of the contact ids; ``shuffled_path_for`` gives a copy
with the rows in a random order (ids out of order, as an export sorted by anything else has
them), read whole to be written.

    python benchmarks/contact_logs.py --rows 100000000 --files 50   # writes and prints the path
"""

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

VERSION = 2
DATA = Path(__file__).parent / "data"
START = np.datetime64("2026-01-01T00:00:00", "us")
DAYS = 90
CHUNK_ROWS = 2_000_000

CHANNELS = np.array(["phone", "chat", "email", "sms", "social"])
CHANNEL_SHARE = [0.55, 0.25, 0.12, 0.05, 0.03]
CHANNEL_MEAN_WAIT_S = np.array([35.0, 45.0, 5 * 3600.0, 600.0, 1800.0])
CHANNEL_ANSWER_RATE = np.array([0.88, 0.93, 0.99, 0.97, 0.96])
REASONS = np.array(
    ["billing", "card", "loan", "transfer", "fraud", "password", "address", "statement",
     "mortgage", "savings", "complaint", "account_closure", "fees", "app", "other"]
)  # fmt: skip
QUEUES = np.array(["retail", "premium", "business", "collections", "digital", "fraud_desk"])


def path_for(rows: int, shape: str = "real", files: int = 1) -> Path:
    """Where the log of ``rows`` contacts of ``shape`` lives; generated on first use."""
    name = f"contacts-{shape}-{rows}-v{VERSION}"
    path = DATA / (f"{name}-{files}files" if files > 1 else f"{name}.parquet")
    if not path.exists():
        write(rows, path, shape=shape, files=files)
    return path


def shuffled_path_for(rows: int, shape: str = "real", seed: int = 1) -> Path:
    """The log of :func:`path_for` with its rows in a random order (seeded), in row groups of
    the same size; generated on first use."""
    source = path_for(rows, shape)
    path = source.with_name(f"{source.stem}-shuffled.parquet")
    if not path.exists():
        table = pq.read_table(source)
        order = np.random.default_rng(seed).permutation(len(table))
        partial = path.with_name(path.name + ".partial")
        with pq.ParquetWriter(partial, table.schema) as writer:
            for first in range(0, len(table), CHUNK_ROWS):
                rows_here = table.take(order[first : first + CHUNK_ROWS])
                writer.write_table(rows_here, row_group_size=1_000_000)
        partial.rename(path)
    return path


def write(rows: int, path: Path, *, shape: str = "real", files: int = 1, seed: int = 1) -> None:
    """Write ``rows`` contacts over 90 days to ``path`` (a folder of ``files`` files if > 1)."""
    make = {"real": _real_chunk, "uniform": _uniform_chunk}[shape]
    rng = np.random.default_rng(seed)
    customers = _customer_pool(rng, rows) if shape == "real" else None
    partial = path.with_name(path.name + ".partial")
    chunks = max(files, -(-rows // CHUNK_ROWS))
    chunks += -chunks % files  # whole chunks per file
    bounds = np.linspace(0, rows, chunks + 1).astype(np.int64)
    if files > 1:
        partial.mkdir(parents=True, exist_ok=True)
    writer = None
    for index in range(chunks):
        first, last = int(bounds[index]), int(bounds[index + 1])
        table = make(np.random.default_rng([seed, index]), first, last, rows, customers)
        if files > 1:
            if index % (chunks // files) == 0:
                if writer is not None:
                    writer.close()
                part = partial / f"part-{index // (chunks // files):04d}.parquet"
                writer = pq.ParquetWriter(part, table.schema)
        elif writer is None:
            partial.parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(partial, table.schema)
        writer.write_table(table, row_group_size=1_000_000)
    writer.close()
    partial.rename(path)


def _times(rng, first, last, rows):
    """Sorted arrival times (whole seconds) of contacts ``first..last``, spread evenly."""
    span_s = DAYS * 86400
    low, high = first * span_s // rows, last * span_s // rows
    seconds = np.sort(rng.integers(low, max(high, low + 1), last - first))
    return START + seconds.astype("timedelta64[s]")


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Fixed-width string ids (``prefix`` + zero-padded number) built without Python strings."""
    digits = numbers[:, None] // (10 ** np.arange(width - 1, -1, -1, dtype=np.int64)) % 10
    body = np.empty((len(numbers), len(prefix) + width), dtype=np.uint8)
    body[:, : len(prefix)] = np.frombuffer(prefix.encode(), dtype=np.uint8)
    body[:, len(prefix) :] = digits + ord("0")
    size = body.shape[1]
    offsets = np.arange(0, (len(numbers) + 1) * size, size, dtype=np.int32)
    return pa.StringArray.from_buffers(
        len(numbers), pa.py_buffer(offsets), pa.py_buffer(body.tobytes())
    )


def _with_nulls(array: pa.Array, missing: np.ndarray) -> pa.Array:
    return pa.compute.if_else(pa.array(missing), pa.scalar(None, array.type), array)


def _customer_pool(rng, rows):
    """Cumulative Pareto weights of ``rows // 5`` customers and each one's usual reason."""
    count = max(rows // 5, 10)
    weights = rng.pareto(1.2, count) + 1.0
    return np.cumsum(weights), rng.integers(0, len(REASONS), count)


def _real_chunk(rng, first, last, rows, customers):
    n = last - first
    cumulative, usual_reason = customers
    channel = rng.choice(len(CHANNELS), n, p=CHANNEL_SHARE)
    wait = rng.exponential(CHANNEL_MEAN_WAIT_S[channel]).round(1)
    answered = rng.random(n) < CHANNEL_ANSWER_RATE[channel]
    customer = np.searchsorted(cumulative, rng.random(n) * cumulative[-1])
    unknown = rng.random(n) < 0.5
    reason = np.where(rng.random(n) < 0.7, usual_reason[customer], rng.integers(0, len(REASONS), n))
    abandoned = ~answered
    talk = rng.gamma(2.5, 110, n).round(1)
    hold = rng.exponential(40, n).round(1)
    acw = rng.gamma(2, 25, n).round(1)
    surveyed = rng.random(n)
    columns = {
        "contact_id": _ids("C", np.arange(first, last, dtype=np.int64), 11),
        "arrived_at": pa.array(_times(rng, first, last, rows)),
        "answered": pa.array(answered),
        "wait_s": pa.array(wait),
        "channel": pa.array(CHANNELS[channel]),
        "queue": pa.array(QUEUES[rng.integers(0, len(QUEUES), n)]),
        "agent_id": _with_nulls(_ids("AG", rng.integers(0, 800, n), 4), abandoned),
        "customer_id": _with_nulls(_ids("CU", customer, 9), unknown),
        "reason": _with_nulls(pa.array(REASONS[reason]), rng.random(n) < 0.03),
        "talk_s": _with_nulls(pa.array(talk), abandoned),
        "hold_s": _with_nulls(pa.array(hold), abandoned | (rng.random(n) < 0.4)),
        "acw_s": _with_nulls(pa.array(acw), abandoned),
        "transferred": _with_nulls(pa.array(rng.random(n) < 0.08), abandoned),
        "resolved": _with_nulls(pa.array(rng.random(n) < 0.78), abandoned | (rng.random(n) < 0.35)),
        "csat": _with_nulls(pa.array(rng.integers(1, 6, n)), ~answered | (surveyed > 0.12)),
        "nps": _with_nulls(pa.array(rng.integers(0, 11, n)), ~answered | (surveyed < 0.94)),
        "qa_score": _with_nulls(pa.array(rng.integers(40, 101, n) * 1.0), rng.random(n) > 0.03),
    }
    return pa.table(columns)


def _uniform_chunk(rng, first, last, rows, customers):
    n = last - first
    answered = rng.random(n) < 0.93
    surveyed = rng.random(n)
    agent = np.where(answered, rng.integers(0, 600, n), -1).astype(str)
    columns = {
        "contact_id": pa.array(np.arange(first, last, dtype=np.int64)),
        "arrived_at": pa.array(_times(rng, first, last, rows)),
        "answered": pa.array(answered),
        "wait_s": pa.array(rng.exponential(25, n).round(1)),
        "channel": pa.array(rng.choice(["phone", "chat", "email"], n, p=[0.6, 0.3, 0.1])),
        "agent_id": _with_nulls(pa.array(agent), ~answered),
        "customer_id": pa.array(rng.integers(0, max(rows // 4, 1), n).astype(str)),
        "reason": pa.array(rng.choice(["billing", "orders", "tech", "account", "other"], n)),
        "talk_s": pa.array(np.where(answered, rng.gamma(4, 60, n).round(1), 0.0)),
        "hold_s": pa.array(np.where(answered, rng.exponential(15, n).round(1), 0.0)),
        "acw_s": pa.array(np.where(answered, rng.gamma(2, 20, n).round(1), 0.0)),
        "transferred": pa.array(answered & (rng.random(n) < 0.07)),
        "resolved": _with_nulls(pa.array(rng.random(n) < 0.8), ~answered | (rng.random(n) < 0.1)),
        "csat": _with_nulls(pa.array(rng.integers(1, 6, n)), surveyed >= 0.2),
        "nps": _with_nulls(pa.array(rng.integers(0, 11, n)), surveyed <= 0.9),
        "qa_score": _with_nulls(pa.array(rng.integers(40, 101, n) * 1.0), rng.random(n) >= 0.03),
    }
    return pa.table(columns)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--shape", choices=["real", "uniform"], default="real")
    parser.add_argument("--files", type=int, default=1)
    args = parser.parse_args()
    print(path_for(args.rows, args.shape, args.files))


if __name__ == "__main__":
    main()
