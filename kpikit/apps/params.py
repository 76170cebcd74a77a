"""Dashboard parameters: declared once per app, and read from URL query parameters safely.

Each app declares its parameters once, as a tuple of :class:`Param` (name, default, label,
unit, choices or bounds). From that one table come the app's constructor arguments (checked:
a value outside the choices or bounds is an error, never clamped), its controls, the link
parameters a shared URL may set, and the notebook's cell tagged ``parameters``
(:func:`parameters_cell`; the tests check every dashboard notebook against it). A link such as
``/voila/render/kpi_glossary.ipynb?kpi=fcr&sector=healthcare`` goes through
:func:`query_params`, which whitelists the keys, casts the values and checks them::

    app.set_from_link()        # kpikit.apps._base.BaseApp: query_params with the app's table

Policy for bad input: a dashboard link with a typo should still open, so an invalid value never
raises. The parameter keeps its value and the problem is reported visibly: as an escaped HTML
notice above the app when running in a kernel (Voila, JupyterLab, papermill), as a
:class:`QueryParamWarning` otherwise. A number outside a control's range is refused the same
way (never clamped to the nearest end). Keys that are not parameters are ignored with the same
notice, except Voila's own ``voila-*`` keys and ``token`` (the secret of a server listening
beyond loopback, which every link to it carries), which are ignored silently.
"""

import ast
import html
import inspect
import json
import math
import numbers
import os
import re
import textwrap
import warnings
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

__all__ = [
    "Param",
    "QueryParamWarning",
    "cast_value",
    "documented",
    "link_query_string",
    "notebook_parameters",
    "parameters_cell",
    "query_params",
    "report_ignored",
    "signature_with",
]

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_MAX_VALUE_CHARS = 200
_CELL_WIDTH = 100
_ECHO_CHARS = 40


class QueryParamWarning(UserWarning):
    """A URL query parameter was ignored or fell back to its default."""


@dataclass(frozen=True)
class Param:
    """One parameter of a dashboard: name, default, label, unit and the values it may take.

    Parameters
    ----------
    name : str
        Argument name of the app (and link parameter, and notebook variable); the same name
        and unit as the library uses for that quantity (``cost_per_agent_hour``,
        ``shrinkage`` as a fraction).
    default : bool, int, float or str
    label : str
        The control's description.
    help : str, default=""
        One sentence: what it is (tooltip, docstring, notebook comment).
    unit : str, default=""
        Unit in words ("seconds", "percent", "fraction", "currency", ...).
    choices : tuple, default=()
        Allowed values, or ``(label, value)`` pairs; empty for a number or free text.
    low, high : float, default=None
        Bounds of a number (inclusive).
    step : float, default=None
        Step of a number's slider.
    data_choices : bool, default=False
        The data narrows the choices (channels, teams, levels present): links are checked
        against the control's options of the moment.
    whole : bool, default=False
        The number counts things (agents, contacts): only whole numbers are taken, from the
        constructor and from a link, though the control is a float slider.

    Examples
    --------
    >>> sl = Param("target_sl", 80.0, "Target SL", unit="percent", low=50, high=99, step=1)
    >>> sl.check(90)
    90.0
    >>> sl.check(500)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'target_sl' must be between 50 and 99 (percent) but received: 500
    >>> sl.describe()
    'percent, 50 to 99'
    >>> Param("wait_s", 20.0, "Wait", unit="seconds", low=0).describe()
    'seconds, 0 or more'
    >>> Param("roster_agents", 0.0, "Roster", unit="agents", low=0, high=500, whole=True).check(3.5)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'roster_agents' must be a whole number (agents) but received: 3.5
    """

    name: str
    default: bool | int | float | str
    label: str
    help: str = ""
    unit: str = ""
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    step: float | None = None
    data_choices: bool = False
    whole: bool = False

    @property
    def values(self) -> list:
        """The allowed values (without labels); empty when any value of the type goes."""
        return [choice[1] if isinstance(choice, tuple) else choice for choice in self.choices]

    @property
    def options(self) -> list[tuple[str, object]]:
        """``(label, value)`` pairs for a dropdown."""
        return [
            choice if isinstance(choice, tuple) else (str(choice), choice)
            for choice in self.choices
        ]

    @property
    def bounds(self) -> tuple | None:
        """``(low, high)`` of a number, or None."""
        return None if self.low is None and self.high is None else (self.low, self.high)

    def check(self, value):
        """``value`` cast to the default's type, after checking its type, choices and bounds.

        Raises
        ------
        ValueError
            Naming the parameter, what is allowed and the value received.
        """
        kind = type(self.default)
        unit = f" ({self.unit})" if self.unit else ""
        if kind is bool:
            valid = isinstance(value, bool)
        elif kind in (int, float):
            # Any real number (numpy's too: a count from a frame is an np.int64), not a bool.
            valid = isinstance(value, numbers.Real) and not isinstance(value, bool)
            if valid and not isinstance(value, numbers.Integral):  # an int is finite and whole
                if not math.isfinite(value):  # NaN is a float: "must be a float" misled
                    raise ValueError(
                        f"Value of {self.name!r} must be a finite number{unit} but received: "
                        f"{value!r}"
                    )
                valid = kind is float or float(value).is_integer()
        else:
            valid = isinstance(value, str)
        if not valid:
            raise ValueError(
                f"Value of {self.name!r} must be a {kind.__name__} but received: {value!r}"
            )
        if self.whole and not isinstance(value, numbers.Integral) and not float(value).is_integer():
            raise ValueError(
                f"Value of {self.name!r} must be a whole number{unit} but received: {value!r}"
            )
        try:
            cast = kind(value)
        except OverflowError:  # an int beyond the largest float (about 1.8e308)
            expected = _range(self.bounds) if self.bounds else "a finite number"
            raise ValueError(
                f"Value of {self.name!r} must be {expected}{unit} but received an integer too "
                "large for a float"
            ) from None
        if self.choices and cast not in self.values:
            raise ValueError(
                f"Value of {self.name!r} is not valid. Expected one of {self.values} "
                f"but received: {value!r}"
            )
        if not within(cast, self.bounds):
            raise ValueError(
                f"Value of {self.name!r} must be {_range(self.bounds)}{unit} but received: "
                f"{value!r}"
            )
        return cast

    def link_default(self, value):
        """``value`` as the default a link's text is cast to (:func:`cast_value`): an int for
        a whole number, so that a link's ``3.5`` is refused as a non-whole number.

        >>> Param("volume", 120.0, "Contacts", whole=True).link_default(120.0)
        120
        """
        return int(value) if self.whole else value

    def describe(self) -> str:
        """Unit and allowed values in a few words (for the notebook comment and docs)."""
        parts = [self.unit] if self.unit else []
        if self.whole:
            parts.append("whole numbers")
        if self.choices and not self.data_choices:
            parts.append("one of " + ", ".join(repr(value) for value in self.values))
        elif self.data_choices:
            parts.append("a choice the data offers")
        if self.low is not None and self.high is not None:
            parts.append(f"{self.low:g} to {self.high:g}")
        elif self.bounds is not None:  # one end open: "0 or more", "up to 5"
            parts.append(_range(self.bounds))
        return ", ".join(parts)


def within(value, bounds) -> bool:
    """True when ``bounds`` is None or ``low <= value <= high`` (an open end is None).

    >>> within(5, (0, 10)), within(11, (0, 10)), within(-3, (None, 0)), within("x", None)
    (True, False, True, True)
    """
    if bounds is None:
        return True
    low, high = bounds
    return (low is None or value >= low) and (high is None or value <= high)


def parameters_cell(params, values=None) -> str:
    """Source of a notebook's ``parameters`` cell for a table of :class:`Param`.

    One literal assignment per parameter, in table order, with its unit and allowed values as
    a comment; ``values`` overrides defaults (a dashboard may start on another view than the
    app's defaults) and is checked like the app's arguments.

    Examples
    --------
    >>> table = (Param("kpi", "aht", "KPI", choices=("aht", "fcr")),
    ...          Param("threshold_s", 20.0, "Threshold", unit="seconds", low=5, high=120))
    >>> print(parameters_cell(table, {"kpi": "fcr"}))
    kpi = "fcr"  # KPI: one of 'aht', 'fcr'
    threshold_s = 20.0  # Threshold: seconds, 5 to 120
    """
    values = values or {}
    unknown = set(values) - {param.name for param in params}
    if unknown:
        raise ValueError(f"Not parameters of the table: {sorted(unknown)}")
    lines = []
    for param in params:
        value = param.check(values.get(param.name, param.default))
        # A str between double quotes, its quotes, backslashes and line breaks escaped.
        literal = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)
        line = f"{param.name} = {literal}"
        comment = param.help or param.label
        if param.describe():
            comment += f": {param.describe()}"
        comment = " ".join(comment.split())  # a line break in a help text would end the comment
        if comment and len(line) + len(comment) + 4 <= _CELL_WIDTH:
            line += f"  # {comment}"
        elif comment:  # too long for the end of the line: above it, wrapped
            lines += textwrap.wrap(
                comment, _CELL_WIDTH, initial_indent="# ", subsequent_indent="# "
            )
        lines.append(line)
    return "\n".join(lines)


def query_params(
    defaults: Mapping[str, bool | int | float | str],
    query_string: str | None = None,
    *,
    choices: Mapping[str, Collection] | None = None,
    bounds: Mapping[str, tuple] | None = None,
) -> dict:
    """Merge URL query parameters into a notebook's parameter defaults.

    Only keys present in ``defaults`` are taken; each value is cast to the type of its default
    (``bool``, ``int``, ``float`` or ``str``) and, when ``choices`` lists allowed values for the
    key, checked against them, and when ``bounds`` gives a range, checked against it.

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
    bounds : mapping of str to (low, high), default=None
        Inclusive range per number key (an open end is None); a value outside is refused,
        not clamped to the nearest end.

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
    finite, and not so small that they read as 0 (``1e-400``). When a key is repeated the last
    valid value wins; a value refused is reported with the value finally kept, whichever came
    first. Invalid values keep the default and are reported (see the module docstring); values
    are echoed escaped and shortened. ``voila-*`` keys and ``token`` are Voila's, not the
    dashboard's: they are skipped without a word.

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

    A number outside the control's range is refused, not clamped:

    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     query_params({"target_sl": 80.0}, "target_sl=500", bounds={"target_sl": (50, 99)})
    {'target_sl': 80.0}
    >>> print(caught[0].message)
    Ignored 'target_sl=500' (expected a value between 50 and 99); kept target_sl=80.0.
    """
    for key, default in defaults.items():
        if not isinstance(default, bool | int | float | str):
            raise TypeError(
                f"Value of 'defaults[{key!r}]' must be a bool, int, float or str so that a query "
                f"value can be cast to it, but received: {default!r}"
            )
    if query_string is None:
        query_string = link_query_string()
    choices = choices or {}
    bounds = bounds or {}
    result = dict(defaults)
    # (text, key): a refused value's notice names the value kept once the whole query is read,
    # as a later repeat of the key may still set it.
    problems = []
    for key, raw in parse_qsl(query_string.lstrip("?"), keep_blank_values=True):
        if key.startswith("voila-") or key == "token":
            continue
        if key not in defaults:
            unknown = (
                f"Ignored unknown parameter {_echo(key)} (expected one of {sorted(defaults)})."
            )
            problems.append((unknown, None))
            continue
        value, refusal = _checked(raw, defaults[key], choices.get(key), bounds.get(key))
        if refusal is None:
            result[key] = value
        else:
            problems.append((f"Ignored '{key}={_echo(raw, quote=False)}' ({refusal})", key))
    notices = [
        text if key is None else f"{text}; kept {key}={result[key]!r}." for text, key in problems
    ]
    if notices:
        report_ignored(list(dict.fromkeys(notices)))  # a repeated key is said once
    return result


def _checked(raw: str, default, allowed: Collection | None, bounds: tuple | None):
    """A query value cast to its default's type, and why it is refused (None when it is not)."""
    try:
        value = cast_value(raw, default)
    except ValueError as error:
        return None, str(error)
    if allowed is not None and value not in allowed:
        return value, f"expected one of {list(allowed)}"
    if not within(value, bounds):
        return value, f"expected a value {_range(bounds)}"
    return value, None


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
        or str literal are left out (they cannot be set from a link or a command line). An
        annotated one (``days: int = 30``, as papermill reads them) counts; IPython's own lines
        (``%matplotlib inline``, ``!ls``) are read as the kernel reads them.

    Raises
    ------
    ValueError
        If the cell is not Python, naming the line and the problem.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell('sector = "all"\\nthreshold_s = 20  # seconds')
    >>> cell.metadata["tags"] = ["parameters"]
    >>> notebook_parameters(nbformat.v4.new_notebook(cells=[cell]))
    {'sector': 'all', 'threshold_s': 20}
    >>> cell.source = "%matplotlib inline\\ndays: int = 30"
    >>> notebook_parameters(nbformat.v4.new_notebook(cells=[cell]))
    {'days': 30}
    """
    for cell in notebook.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            found = {}
            for node in _statements(cell.source):
                if isinstance(node, ast.Assign):
                    names = [target.id for target in node.targets if isinstance(target, ast.Name)]
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    names = [node.target.id] if isinstance(node.target, ast.Name) else []
                else:
                    continue
                try:
                    value = ast.literal_eval(node.value)
                except ValueError:
                    continue
                if isinstance(value, bool | int | float | str):
                    found.update(dict.fromkeys(names, value))
            return found
    return {}


def _statements(source: str) -> list:
    """The statements of a cell's source, IPython's lines (magics, ``!``) read as IPython
    reads them; a ValueError naming the line when it is not Python."""
    try:
        return ast.parse(source).body
    except (SyntaxError, ValueError) as error:  # ValueError: a NUL, on some Python versions
        problem = error
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return ast.parse(TransformerManager().transform_cell(source)).body
    except (ImportError, SyntaxError, ValueError):
        pass  # the plain reading's problem is the one to name: its lines are the cell's
    line = f"line {problem.lineno}: " if getattr(problem, "lineno", None) else ""
    reason = getattr(problem, "msg", None) or str(problem)
    raise ValueError(
        f"The cell tagged 'parameters' is not Python ({line}{reason}); it should hold one "
        "assignment of a literal per line, such as days = 30"
    )


def link_query_string() -> str:
    """The page's query string in Voila (``""`` elsewhere); what ``query_string=None`` reads."""
    # A preheated kernel runs the notebook before any page is requested: the request (and its
    # query string) only reaches the kernel through wait_for_request. Importing voila is skipped
    # everywhere else, so papermill and JupyterLab do not need it.
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        from voila.utils import wait_for_request

        wait_for_request()
    return os.environ.get("QUERY_STRING", "")


_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_NAMED = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)
"""Numbers as a link writes them: ASCII digits, a point, an exponent; Python's own readers
also take ``1_0`` (as 10) and other scripts' digits (``٣٠`` as 30)."""
_SMALLEST = math.ulp(0.0)
"""The smallest float above 0 (5e-324): a number written smaller in size reads as 0."""


def _number(text: str) -> float:
    """``text`` read as a decimal number (:data:`_DECIMAL`, or nan and inf by name); nan for
    anything else."""
    return float(text) if _DECIMAL.fullmatch(text) or _NAMED.fullmatch(text) else math.nan


def _underflows(text: str, value: float) -> bool:
    """Whether ``value``, read from ``text``, is 0 although the text is not: a number too small
    in size for a float (``1e-400``), which Python reads as 0 without a word.

    >>> _underflows("1e-400", float("1e-400")), _underflows("0.0e-400", 0.0)
    (True, False)
    """
    return value == 0 and any(digit in "123456789" for digit in re.split("[eE]", text)[0])


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
    >>> cast_value("30.0", 20)  # a whole number written as a float slider writes it
    30
    >>> cast_value("x", 20)
    Traceback (most recent call last):
    ...
    ValueError: expected a whole number
    >>> cast_value("1_0", 20)  # Python's int reads 10
    Traceback (most recent call last):
    ...
    ValueError: expected a whole number
    >>> cast_value("٣٠", 1.0)  # Arabic-Indic digits: Python's float reads 30.0
    Traceback (most recent call last):
    ...
    ValueError: expected a number
    >>> cast_value("1e-400", 1.0)  # Python's float reads 0.0
    Traceback (most recent call last):
    ...
    ValueError: expected 0 or a number of at least 5e-324 in size: smaller ones read as 0
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
        if _WHOLE.fullmatch(text):
            return int(text)
        value = _number(text)  # "3.0", as a float slider writes a whole number
        if math.isfinite(value) and value.is_integer() and not _underflows(text, value):
            return int(value)
        raise ValueError("expected a whole number")
    if isinstance(default, float):
        value = _number(text)
        if math.isnan(value) and not _NAMED.fullmatch(text):
            raise ValueError("expected a number")
        if not math.isfinite(value):
            raise ValueError("expected a finite number")
        if _underflows(text, value):
            raise ValueError(
                f"expected 0 or a number of at least {_SMALLEST!r} in size: smaller ones read as 0"
            )
        return value
    return raw


def _range(bounds) -> str:
    low, high = bounds
    if high is None:
        return f"{low:g} or more"
    if low is None:
        return f"up to {high:g}"
    return f"between {low:g} and {high:g}"


def _echo(text: str, *, quote: bool = True) -> str:
    short = text if len(text) <= _ECHO_CHARS else text[:_ECHO_CHARS] + "..."
    return repr(short) if quote else short


def report_ignored(problems: list[str]) -> None:
    """Show what a link asked for and did not get: an escaped notice above the app in a kernel
    (Voila, JupyterLab, papermill), a :class:`QueryParamWarning` elsewhere."""
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


def signature_with(init, params) -> inspect.Signature:
    """``init``'s signature with the parameters of the table as keyword-only arguments."""
    signature = inspect.signature(init)
    explicit = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    variadic = [p for p in signature.parameters.values() if p.kind is p.VAR_KEYWORD]
    names = {p.name for p in explicit}
    declared = [
        inspect.Parameter(param.name, inspect.Parameter.KEYWORD_ONLY, default=param.default)
        for param in params
        if param.name not in names
    ]
    return signature.replace(parameters=[*explicit, *declared, *variadic])


def documented(doc: str | None, params) -> str | None:
    """A class docstring with an entry per parameter of the table it does not document.

    The entries go before ``**options`` in the Parameters section (or at its end).
    """
    if not doc or "\n    Parameters\n    ----------\n" not in doc:
        return doc
    head, section = doc.split("\n    Parameters\n    ----------\n", 1)
    following = re.search(r"\n(?=    \w+\n    -+\n)", section)
    parameters = section[: following.start()] if following else section
    documented = set(re.findall(r"^    (\w+)(?=[ ,:]|$)", parameters, re.MULTILINE))
    entries = []
    for param in params:
        if param.name in documented:
            continue
        kind = type(param.default).__name__
        default = f'"{param.default}"' if isinstance(param.default, str) else repr(param.default)
        text = param.help or param.label
        if param.describe():
            text += f" ({param.describe()})"
        body = textwrap.fill(text, 92, initial_indent=" " * 8, subsequent_indent=" " * 8)
        entries.append(f"    {param.name} : {kind}, default={default}\n{body}\n")
    marker = re.search(r"^    \*\*\w+\n|\n(?=    \w+\n    -+\n)", section, re.MULTILINE)
    cut = marker.start() if marker else len(section)
    if marker and not marker.group().startswith("    **"):
        cut += 1
    return (
        head
        + "\n    Parameters\n    ----------\n"
        + section[:cut]
        + "".join(entries)
        + section[cut:]
    )
