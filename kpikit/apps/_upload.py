"""The upload's mapping step: show what was detected in a file, let a manager confirm, then load.

After a file is chosen, :class:`UploadStep` runs :func:`kpikit.io.detect` on it. A file that
already has kpikit's column names, dates that read one way only and True/False flags loads at
once, as a manager expects. Otherwise the step shows, in the sidebar:

- one dropdown per kpikit column listing the file's columns, preset to the suggested mapping
  (the four required columns first, the others folded under "More columns");
- the date order (a choice between day first and month first when the values allow both);
- the words meaning true and false (``Y`` / ``N``), when the file does not use True/False;

and a Load button, enabled once every required column has a file column and the date order is
chosen. Names from the file are shown as plain text (dropdown options) or escaped HTML. Errors
from the reader are worded for the step ("set Date format to ...") and shown in the app's
message area; a file that fails to load at once opens the step, so the fix is at hand.
"""

import html
import re
import warnings
from collections.abc import Callable

import ipywidgets as widgets
import pandas as pd

from kpikit.io import MAX_BYTES, ReadWarning, detect
from kpikit.io._advice import UPLOAD_LABELS, advice_for
from kpikit.io._values import order_of
from kpikit.options import DEFAULT_SL_THRESHOLDS_S
from kpikit.schema import TABLES

__all__ = [
    "COLUMN_LABELS",
    "UPLOAD_CLASS",
    "UploadStep",
    "channel_variants",
    "notice_html",
    "upload_label_style",
]

COLUMN_LABELS = {
    "contact_id": "Contact id",
    "arrived_at": "Arrival time",
    "answered": "Answered",
    "wait_s": "Wait (s)",
    "channel": "Channel",
    "queue": "Queue",
    "team": "Team",
    "agent_id": "Agent",
    "customer_id": "Customer",
    "reason": "Reason",
    "talk_s": "Talk (s)",
    "hold_s": "Hold (s)",
    "acw_s": "After-call work (s)",
    "transferred": "Transferred",
    "resolved": "Resolved",
    "csat": "CSAT (1-5)",
    "nps": "NPS (0-10)",
    "qa_score": "QA score (0-100)",
    "site": "Site (provider)",
    "direction": "Direction (inbound/outbound)",
}
"""Labels of the contacts columns in the mapping step."""

NOT_IN_FILE = "(not in the file)"
CHOOSE_ORDER = "Choose the date order"

_SPECS = {spec.name: spec for spec in TABLES["contacts"]}
_REQUIRED = [name for name, spec in _SPECS.items() if spec.required]
_OPTIONAL = [name for name, spec in _SPECS.items() if not spec.required]
_BOOLEAN = [name for name, spec in _SPECS.items() if spec.kind == "bool"]
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1",
}
_DESCRIPTION = {"description_width": "118px"}


UPLOAD_CLASS = "kpikit-upload"
"""The class of an upload button whose label :func:`upload_label_style` writes."""


def upload_label_style(description: str) -> str:
    """A style that labels the upload buttons of class :data:`UPLOAD_CLASS` with
    ``description`` alone, without the file count ipywidgets 8 adds to it.

    The count is of the files the button holds, and the app forgets a file once read (so the
    same name can be uploaded again): next to "Loaded hand.csv." the button read "Upload data
    (0)". The button's own text is hidden (size 0); its icon and ``description`` are shown.

    Examples
    --------
    >>> 'content: "Upload data"' in upload_label_style("Upload data")
    True
    """
    label = description.replace("\\", "\\\\").replace('"', '\\"')
    button = f".{UPLOAD_CLASS}.widget-upload"
    size = "font-size: var(--jp-widgets-font-size, 13px)"
    return (
        f"<style>{button} {{ font-size: 0 !important; }}"
        f"{button} > i {{ {size}; }}"
        f'{button}::after {{ content: "{label}"; {size}; }}</style>'
    )


def notice_html(lines) -> str:
    """A neutral notice for the user (escaped text, one paragraph per line).

    Examples
    --------
    >>> "&lt;b&gt;" in notice_html(["<b>"])
    True
    """
    body = "".join(f"<p style='margin: 2px 0'>{html.escape(line)}</p>" for line in lines)
    return (
        "<div role='status' style='border-left: 4px solid #0072b2; padding: 4px 8px; "
        "background: rgba(0, 114, 178, 0.08); overflow-wrap: anywhere; line-height: 1.35'>"
        f"{body}</div>"
    )


def channel_variants(channels) -> dict[str, str]:
    """Channel values that differ from kpikit's channel names only by case or surrounding
    spaces, each with the name it resembles.

    Such contacts are not the channel they look like: kpikit matches channel names exactly.

    Examples
    --------
    >>> channel_variants(["Phone", " chat", "phone", "sms", None])
    {'Phone': 'phone', ' chat': 'chat'}
    """
    known = set(DEFAULT_SL_THRESHOLDS_S)
    return {
        value: value.strip().lower()
        for value in channels
        if isinstance(value, str) and value not in known and value.strip().lower() in known
    }


def channel_variants_note(contacts) -> str:
    """A notice naming the channel values of ``contacts`` written unlike kpikit's channel
    names ("Phone"), what follows and the fix; empty when there are none.

    Examples
    --------
    >>> channel_variants_note(pd.DataFrame({"channel": ["Chat", "phone", None]})).split(":")[0]
    'Channel "Chat" is not read as chat'
    """
    if "channel" not in contacts.columns:
        return ""
    variants = channel_variants(contacts["channel"].dropna().unique())
    if not variants:
        return ""
    written = ", ".join(f'"{value}"' for value in sorted(variants))
    meant = ", ".join(dict.fromkeys(variants[value] for value in sorted(variants)))
    subject = "Channel" if len(variants) == 1 else "Channels"
    verb = "is" if len(variants) == 1 else "are"
    return (
        f"{subject} {written} {verb} not read as {meant}: kpikit reads channel names in lower "
        "case. These contacts are judged by the phone service-level threshold and are not matched "
        f"to the benchmarks' channels. Write them in lower case (such as {meant}) in your "
        "file and upload it again."
    )


class UploadStep:
    """The confirmation step between choosing a file and loading it.

    Parameters
    ----------
    load : callable
        ``load(content, filename, **read_options) -> bool``: reads the file into the app
        (:meth:`kpikit.apps._base.BaseApp.load`), showing its own errors.
    message : ipywidgets.HTML
        Where notices go (the app's message area).
    show_error : callable
        ``show_error(text)`` shows an error in the app (escaped).
    load_notes : callable, default=None
        ``load_notes() -> list of str``: what the app changed to fit the data just loaded
        (a choice the data lacks), added to the "Loaded" notice.
    max_bytes : int, default=kpikit.io.MAX_BYTES
        The app's size limit, applied from the detection on: a gzip bigger than that once
        decompressed is refused before its rows are parsed.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The step, hidden until a file needs confirming.
    columns : dict of str to ipywidgets.Dropdown
        One dropdown per kpikit column; its value is a file column or ``""``.
    date_order : ipywidgets.Dropdown
        The date format to read the arrival time with (``""`` until chosen when ambiguous).
    date_help : ipywidgets.HTML
        The example date that shows the order, or the two ways it reads.
    true_words, false_words : ipywidgets.Text
        Comma-separated words meaning True and False.
    load_button, cancel_button : ipywidgets.Button

    Examples
    --------
    >>> loaded = []
    >>> step = UploadStep(lambda content, name, **options: loaded.append(options) or True,
    ...                   widgets.HTML(), print)
    >>> step.start(b"CallID;CallStart;Answered;Queue Time\\n"
    ...            b"c1;13/01/2026 09:00;Y;12,5\\n", "export.csv")
    >>> step.widget.layout.display, step.columns["arrived_at"].value, step.true_words.value
    (None, 'CallStart', 'Y')
    >>> step.load_button.click()
    >>> loaded[0]["datetime_format"], loaded[0]["decimal"], step.widget.layout.display
    ('%d/%m/%Y %H:%M', ',', 'none')
    """

    def __init__(
        self,
        load: Callable[..., bool],
        message: widgets.HTML,
        show_error: Callable[[str], None],
        load_notes: Callable[[], list[str]] | None = None,
        max_bytes: int = MAX_BYTES,
    ):
        self._load = load
        self._message = message
        self._show_error = show_error
        self._load_notes = load_notes or list
        self._max_bytes = max_bytes
        self._content: bytes | None = None
        self._filename = ""
        self._detection = None
        self.title = widgets.HTML()
        self.format_line = widgets.HTML()
        self.columns = {
            name: widgets.Dropdown(
                description=COLUMN_LABELS[name],
                style=_DESCRIPTION,
                layout=widgets.Layout(width="auto"),
            )
            for name in _SPECS
        }
        self.more = widgets.Accordion(
            children=[widgets.VBox([self.columns[name] for name in _OPTIONAL])],
            selected_index=None,
            layout=widgets.Layout(width="auto"),
        )
        self.date_order = widgets.Dropdown(
            description="Date format", style=_DESCRIPTION, layout=widgets.Layout(width="auto")
        )
        self.date_help = widgets.HTML()
        self.true_words = widgets.Text(
            description="True words", style=_DESCRIPTION, layout=widgets.Layout(width="auto")
        )
        self.false_words = widgets.Text(
            description="False words", style=_DESCRIPTION, layout=widgets.Layout(width="auto")
        )
        self.words = widgets.VBox([self.true_words, self.false_words])
        self.check = widgets.HTML()
        self.load_button = widgets.Button(description="Load", button_style="primary")
        self.cancel_button = widgets.Button(description="Cancel")
        self.load_button.on_click(lambda _: self.confirm())
        self.cancel_button.on_click(lambda _: self.cancel())
        for dropdown in self.columns.values():
            dropdown.observe(self._on_choice, names="value")
        self.date_order.observe(self._on_choice, names="value")
        self.widget = widgets.VBox(
            [
                self.title,
                self.format_line,
                *(self.columns[name] for name in _REQUIRED),
                self.more,
                self.date_order,
                self.date_help,
                self.words,
                self.check,
                widgets.HBox([self.load_button, self.cancel_button]),
            ],
            layout=widgets.Layout(display="none", margin="8px 0", padding="6px 0 0"),
        )
        self.widget.add_class("kpikit-upload-step")

    # ---- flow ---------------------------------------------------------------------------

    def start(self, content: bytes, filename: str) -> None:
        """Look at a chosen file: load it at once when nothing needs confirming, else ask."""
        self.cancel()
        try:
            with advice_for("upload"):
                detection = detect(content, filename=filename, rows=None, max_bytes=self._max_bytes)
        except ValueError as error:
            self._show_error(f"Could not use {filename}: {error}")
            return
        self._content, self._filename, self._detection = content, filename, detection
        if not detection.to_confirm:
            if self._read(detection.read_options()) or not self._fixable_here():
                self._forget()
                return
        if len(detection.missing) == len(_REQUIRED):
            listed = ", ".join(detection.columns[:8]) + (
                ", ..." if len(detection.columns) > 8 else ""
            )
            wanted = ", ".join(COLUMN_LABELS[name].lower() for name in _REQUIRED)
            self._show_error(
                f"Could not use {filename}: none of its columns ({listed}) looks like a contact "
                f"log's {wanted}. If they are there under other names, choose them below."
            )
        self._fill(detection)
        self.widget.layout.display = None

    def confirm(self) -> bool:
        """Load the file with the choices shown; the step closes when the data loads."""
        if self._content is None or self.load_button.disabled:
            return False
        if self._read(self.read_options()):
            self._forget()
            return True
        return False

    def cancel(self) -> None:
        """Close the step and forget the file; the app keeps its data."""
        self._forget()

    def read_options(self) -> dict:
        """The keyword arguments for :func:`kpikit.io.read_upload` from the current choices."""
        detection = self._detection
        options = {
            "mapping": {
                dropdown.value: name for name, dropdown in self.columns.items() if dropdown.value
            }
        }
        for name in ("encoding", "sep", "decimal"):
            if getattr(detection, name) is not None:
                options[name] = getattr(detection, name)
        if self.date_order.value:
            options["datetime_format"] = self.date_order.value
        true, false = _words(self.true_words.value), _words(self.false_words.value)
        if true or false:
            options["true_values"], options["false_values"] = true, false
        return options

    # ---- helpers ------------------------------------------------------------------------

    def _fixable_here(self) -> bool:
        """Whether the error shown names a field of the step (else the data itself is wrong)."""
        return any(label in self._message.value for label in UPLOAD_LABELS.values())

    def _read(self, options: dict) -> bool:
        with advice_for("upload"), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ReadWarning)
            loaded = self._load(self._content, self._filename, **options)
        notes = [f"Loaded {self._filename}.", *self._detection.notes]
        notes += [str(w.message) for w in caught if issubclass(w.category, ReadWarning)]
        if loaded:
            self._message.value = notice_html([*notes, *self._load_notes()])
        return loaded

    def _forget(self) -> None:
        self._content, self._detection = None, None
        self.widget.layout.display = "none"

    def _fill(self, detection) -> None:
        name = html.escape(self._filename)
        self.title.value = f"<b>Check how to read {name}</b>"
        self.format_line.value = f"<small>{html.escape(_format_text(detection))}</small>"
        choices = [(NOT_IN_FILE, "")] + [(column, column) for column in detection.columns]
        holding = self._detection
        self._detection = None  # no redraws while the dropdowns are filled
        for target, dropdown in self.columns.items():
            dropdown.options = choices
            dropdown.value = detection.column_for(target) or ""
        self._detection = holding
        found = sum(bool(self.columns[name].value) for name in _OPTIONAL)
        self.more.set_title(0, f"More columns ({found} found)")
        self._refresh_dates()
        self._refresh_words()
        self._refresh_check()

    def _on_choice(self, change) -> None:
        if self._detection is None:
            return
        if change["owner"] is self.columns["arrived_at"]:
            self._refresh_dates()
        if change["owner"] in [self.columns[name] for name in _BOOLEAN]:
            self._refresh_words()
        self._refresh_check()

    def _refresh_dates(self) -> None:
        guess = self._detection.dates.get(self.columns["arrived_at"].value)
        if guess is None:
            self.date_order.options = [("As stored in the file", "")]
            self.date_order.layout.display = "none"
            self.date_help.value = ""
            return
        formats = guess.candidates if guess.ambiguous else (guess.format,)
        options = [(_format_label(form), form) for form in formats]
        if guess.ambiguous:
            options = [(CHOOSE_ORDER, ""), *options]
        self.date_order.options = options
        self.date_order.value = "" if guess.ambiguous else guess.format
        self.date_order.layout.display = None
        self.date_help.value = f"<small>{html.escape(_date_help(guess))}</small>"

    def _refresh_words(self) -> None:
        words = [
            self._detection.words[column]
            for column in (self.columns[name].value for name in _BOOLEAN)
            if column in self._detection.words
        ]
        unusual = [pair for pair in words if not pair.is_standard]
        true = dict.fromkeys(word for pair in unusual for word in pair.true)
        false = dict.fromkeys(word for pair in unusual for word in pair.false)
        self.true_words.value = ", ".join(true)
        self.false_words.value = ", ".join(false)
        chosen = [self.columns[name].value for name in _BOOLEAN if self.columns[name].value]
        plain = all(pair.is_standard for pair in words) and len(words) == len(chosen)
        self.words.layout.display = "none" if plain else None

    def _refresh_check(self) -> None:
        problems = []
        missing = [COLUMN_LABELS[name] for name in _REQUIRED if not self.columns[name].value]
        if missing:
            problems.append(f"Choose a column for {', '.join(missing)}.")
        chosen: dict[str, list[str]] = {}
        for name, dropdown in self.columns.items():
            if dropdown.value:
                chosen.setdefault(dropdown.value, []).append(COLUMN_LABELS[name])
        for column, targets in chosen.items():
            if len(targets) > 1:
                problems.append(f"{column} is chosen for {' and '.join(targets)}; choose it once.")
        guess = self._detection.dates.get(self.columns["arrived_at"].value)
        if guess is not None and guess.ambiguous and not self.date_order.value:
            problems.append("Choose the date order.")
        self.check.value = notice_html(problems) if problems else ""
        self.load_button.disabled = bool(problems)


def _words(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()]


def _format_text(detection) -> str:
    """One line on how the file is written, for the step's header."""
    rows = f"{detection.rows:,} row{'' if detection.rows == 1 else 's'}"
    if detection.encoding is None:
        return f"Parquet file, {rows}."
    separator = _SEPARATOR_NAMES.get(detection.sep, repr(detection.sep))
    mark = "decimal comma" if detection.decimal == "," else "decimal point"
    encoding = _ENCODING_NAMES.get(detection.encoding, detection.encoding)
    return f"{encoding} text, {separator}-separated, {mark}, {rows}."


def _order(form: str) -> str:
    return order_of(form).capitalize()


def _format_label(form: str) -> str:
    """A date format in a few words: "Day first (dd/mm)"; a weekday name before the date
    (``%a %d/%m/%Y``) is passed over.

    >>> _format_label("%d/%m/%Y %H:%M"), _format_label("%a %m-%d-%Y"), _format_label("ISO8601")
    ('Day first (dd/mm)', 'Month first (mm-dd)', 'Year first (ISO)')
    """
    order = _order(form)
    if order == "Year first":
        return "Year first (ISO)" if form == "ISO8601" else f"Year first ({form})"
    separator = re.search(r"%[dm](\W)", form)[1]
    day_month = f"dd{separator}mm" if order == "Day first" else f"mm{separator}dd"
    return f"{order} ({day_month})"


def _read_as(example: str, form: str) -> str | None:
    """How ``example`` reads in ``form``, as "13 June 2026"; None when it does not."""
    try:
        when = pd.to_datetime(example, format=form)
    except ValueError:
        return None
    return f"{when.day} {when:%B %Y}"


def _date_help(guess) -> str:
    """Why the date order is what it is, with the example that shows it."""
    if guess.example is None:
        return ""
    readings = [(_order(form), _read_as(guess.example, form)) for form in guess.candidates]
    readings = [(order, when) for order, when in readings if when]
    if guess.ambiguous:
        both = ", ".join(f"{when} {order.lower()}" for order, when in readings)
        return f"{guess.example} is {both}: choose the order of your system."
    if guess.order in ("day first", "month first") and readings:
        return f"{guess.example} can only be {readings[0][1]}: {guess.order}."
    return ""
