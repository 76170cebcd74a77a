"""The path argument check shared by the readers and the exports."""

import os


def as_path(value, argument: str):
    if not isinstance(value, str | os.PathLike):
        raise TypeError(
            f"Value of '{argument}' must be a str or path; received {type(value).__name__}."
        )
    return value
