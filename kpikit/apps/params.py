"""URL query parameters for dashboards: whitelisted, cast to the parameter's type, validated.

A dashboard notebook declares its parameters once, in the cell tagged ``parameters`` (papermill
overrides them in batch runs), then passes them here so a shared link such as
``/voila/render/kpi_glossary.ipynb?kpi=fcr&sector=healthcare`` can override them too::

    params = query_params({"kpi": kpi, "sector": sector}, choices={"sector": SECTORS})

Policy for bad input: a dashboard link with a typo should still open, so an invalid value never
raises. The parameter keeps its default and the problem is reported visibly: as an escaped HTML
notice above the app when running in a kernel (Voila, JupyterLab, papermill), as a
:class:`QueryParamWarning` otherwise. Keys that are not parameters are ignored with the same
notice, except Voila's own ``voila-*`` keys, which are ignored silently.
"""

import ast
import html
import math
import os
import warnings
from collections.abc import Collection, Mapping
from urllib.parse import parse_qsl

__all__ = ["QueryParamWarning", "cast_value", "notebook_parameters", "query_params"]

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_MAX_VALUE_CHARS = 200
_ECHO_CHARS = 40


class QueryParamWarning(UserWarning):
    """A URL query parameter was ignored or fell back to its default."""


def query_params(
    defaults: Mapping[str, bool | int | float | str],
    query_string: str | None = None,
    *,
    choices: Mapping[str, Collection] | None = None,
) -> dict:
    """Merge URL query parameters into a notebook's parameter defaults.

    Only keys present in ``defaults`` are taken; each value is cast to the type of its default
    (``bool``, ``int``, ``float`` or ``str``) and, when ``choices`` lists allowed values for the
    key, checked against them.

    Parameters
    ----------
    defaults : mapping of str to bool, int, float or str
        The notebook's parameters and their values (from the ``parameters`` cell).
    query_string : str, default=None
        Query string such as ``"kpi=fcr&sector=healthcare"`` (a leading ``?`` is allowed).
        ``None`` reads Voila's ``QUERY_STRING`` environment variable; in a preheated Voila kernel
        it first waits for the page request with ``voila.utils.wait_for_request()``. Outside
        Voila the variable is unset and the defaults are returned unchanged.
    choices : mapping of str to collection, default=None
        Allowed values per key, compared after casting.

    Returns
    -------
    dict
        Every key of ``defaults``, overridden by the valid query values.

    Raises
    ------
    TypeError
        If a default is not a bool, int, float or str: the query cannot be cast to it.

    Notes
    -----
    Booleans accept ``1/0``, ``true/false``, ``yes/no``, ``on/off`` (any case). Floats must be
    finite. When a key is repeated the last value wins. Invalid values keep the default and are
    reported (see the module docstring); values are echoed escaped and shortened.

    Examples
    --------
    >>> query_params({"kpi": "aht", "threshold": 20}, "kpi=fcr&threshold=30")
    {'kpi': 'fcr', 'threshold': 30}

    A bad value keeps the default and says why:

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     query_params({"kpi": "aht"}, "kpi=ahtt", choices={"kpi": ["aht", "fcr"]})
    {'kpi': 'aht'}
    >>> print(caught[0].message)
    Ignored 'kpi=ahtt' (expected one of ['aht', 'fcr']); kept kpi='aht'.
    """
    for key, default in defaults.items():
        if not isinstance(default, bool | int | float | str):
            raise TypeError(
                f"Value of 'defaults[{key!r}]' must be a bool, int, float or str so that a query "
                f"value can be cast to it, but received: {default!r}"
            )
    if query_string is None:
        query_string = _voila_query_string()
    choices = choices or {}
    result = dict(defaults)
    problems = []
    for key, raw in parse_qsl(query_string.lstrip("?"), keep_blank_values=True):
        if key.startswith("voila-"):
            continue
        if key not in defaults:
            problems.append(
                f"Ignored unknown parameter {_echo(key)} (expected one of {sorted(defaults)})."
            )
            continue
        try:
            value = cast_value(raw, defaults[key])
        except ValueError as error:
            problems.append(
                f"Ignored '{key}={_echo(raw, quote=False)}' ({error}); kept {key}={result[key]!r}."
            )
            continue
        allowed = choices.get(key)
        if allowed is not None and value not in allowed:
            problems.append(
                f"Ignored '{key}={_echo(raw, quote=False)}' (expected one of {list(allowed)}); "
                f"kept {key}={result[key]!r}."
            )
            continue
        result[key] = value
    if problems:
        _report(problems)
    return result


def notebook_parameters(notebook) -> dict[str, bool | int | float | str]:
    """The parameters a notebook declares: literal assignments of its cell tagged ``parameters``.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The notebook (``nbformat.read(path, as_version=4)``).

    Returns
    -------
    dict
        Name -> default value, in cell order; assignments whose value is not a bool, int, float
        or str literal are left out (they cannot be set from a link or a command line).

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell('sector = "all"\\nthreshold_s = 20  # seconds')
    >>> cell.metadata["tags"] = ["parameters"]
    >>> notebook_parameters(nbformat.v4.new_notebook(cells=[cell]))
    {'sector': 'all', 'threshold_s': 20}
    """
    for cell in notebook.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            found = {}
            for node in ast.parse(cell.source).body:
                if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)):
                    continue
                try:
                    value = ast.literal_eval(node.value)
                except ValueError:
                    continue
                if isinstance(value, bool | int | float | str):
                    found[node.targets[0].id] = value
            return found
    return {}


def _voila_query_string() -> str:
    # A preheated kernel runs the notebook before any page is requested: the request (and its
    # query string) only reaches the kernel through wait_for_request. Importing voila is skipped
    # everywhere else, so papermill and JupyterLab do not need it.
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        from voila.utils import wait_for_request

        wait_for_request()
    return os.environ.get("QUERY_STRING", "")


def cast_value(raw: str, default: bool | int | float | str) -> bool | int | float | str:
    """Cast text (from a URL or a command line) to the type of a parameter's default.

    Parameters
    ----------
    raw : str
        The text.
    default : bool, int, float or str
        The parameter's default; only its type is used.

    Returns
    -------
    bool, int, float or str

    Raises
    ------
    ValueError
        When the text is not a value of that type (the message says what was expected), or is
        longer than 200 characters.

    Examples
    --------
    >>> cast_value("yes", False), cast_value("30", 20), cast_value("2.5", 1.0)
    (True, 30, 2.5)
    >>> cast_value("x", 20)
    Traceback (most recent call last):
    ...
    ValueError: expected a whole number
    """
    if len(raw) > _MAX_VALUE_CHARS:
        raise ValueError(f"longer than {_MAX_VALUE_CHARS} characters")
    text = raw.strip()
    if isinstance(default, bool):
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError("expected true or false")
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise ValueError("expected a whole number") from None
    if isinstance(default, float):
        try:
            value = float(text)
        except ValueError:
            raise ValueError("expected a number") from None
        if not math.isfinite(value):
            raise ValueError("expected a finite number")
        return value
    return raw


def _echo(text: str, *, quote: bool = True) -> str:
    short = text if len(text) <= _ECHO_CHARS else text[:_ECHO_CHARS] + "..."
    return repr(short) if quote else short


def _report(problems: list[str]) -> None:
    message = " ".join(problems)
    shell = _kernel_shell()
    if shell is None:
        warnings.warn(message, QueryParamWarning, stacklevel=3)
        return
    from IPython.display import HTML, display

    items = "".join(f"<li>{html.escape(problem)}</li>" for problem in problems)
    display(
        HTML(
            '<div class="kpikit-notice" role="alert" style="border-left: 4px solid #d55e00; '
            'padding: 4px 12px; margin: 4px 0; background: rgba(213, 94, 0, 0.08)">'
            f"<strong>Link parameters ignored</strong><ul>{items}</ul></div>"
        )
    )


def _kernel_shell():
    # Only a kernel (Voila, JupyterLab, papermill) can show HTML; plain Python gets a warning.
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return None
    return shell
