"""Which of a file's columns is which kpikit column: vendor names and the suggestion."""

import re
from collections.abc import Mapping
from types import MappingProxyType

from kpikit.schema import TABLES

_DURATION_UNITS = ("s", "sec", "secs", "seconds", "insec", "inseconds")


def _with_units(*bases: str) -> tuple[str, ...]:
    return tuple(base + unit for base in bases for unit in ("", *_DURATION_UNITS))


# Normalised vendor names (lower case, letters and digits only) per kpikit column, most
# specific first. Durations also match with a seconds suffix ("Queue Time (s)", "TalkSecs").
SYNONYMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "contact_id": (
            "contactid", "callid", "interactionid", "conversationid", "sessionid", "chatid",
            "ticketid", "caseid", "recordid", "callreference", "contactreference", "reference",
            "id",
        ),
        "arrived_at": (
            "arrivedat", "callstart", "callstarttime", "callstartdate", "starttime", "start",
            "startdate", "startdatetime", "arrival", "arrivaltime", "queuestart",
            "queuestarttime", "enqueuetime", "enqueuetimestamp", "initiationtimestamp",
            "offeredat", "offeredtime", "createdat", "created", "receivedat", "received",
            "calldate", "calltime", "datetime", "timestamp", "date",
        ),
        "answered": (
            "answered", "isanswered", "wasanswered", "callanswered", "handled", "connected",
        ),
        "wait_s": (
            *_with_units("wait", "waittime", "queuetime", "queueduration", "timeinqueue",
                         "queuewait", "queuewaittime", "speedofanswer"),
            "queueseconds", "queuesecs", "queuesec",
        ),
        "channel": ("channel", "media", "mediatype", "channeltype", "contacttype"),
        "queue": ("queue", "queuename", "skill", "skillname", "skillgroup", "split"),
        "team": ("team", "teamname", "group", "groupname", "department"),
        "agent_id": (
            "agentid", "agent", "agentname", "agentlogin", "agentcode", "userid", "user",
            "username", "employeeid", "employee", "operator", "handledby",
        ),
        "customer_id": (
            "customerid", "customer", "callerid", "caller", "ani", "callernumber",
            "customernumber", "accountid", "account", "clientid", "client",
        ),
        "reason": (
            "reason", "callreason", "contactreason", "disposition", "dispositioncode",
            "wrapupcode", "category", "topic", "intent",
        ),
        "talk_s": _with_units("talk", "talktime", "talkduration", "conversationtime",
                              "conversationduration"),
        "hold_s": _with_units("hold", "holdtime", "holdduration"),
        "acw_s": _with_units("acw", "acwtime", "aftercallwork", "aftercallworktime", "wrapup",
                             "wrapuptime", "wraptime"),
        "transferred": ("transferred", "istransferred", "wastransferred", "transfer"),
        "resolved": ("resolved", "isresolved", "firstcontactresolution", "fcr"),
        "csat": ("csat", "csatscore", "satisfaction", "customersatisfaction", "surveyscore"),
        "nps": ("nps", "npsscore", "likelihoodtorecommend", "recommend"),
        "qa_score": ("qascore", "qa", "quality", "qualityscore", "evaluationscore"),
    }
)  # fmt: skip
"""Vendor column names (normalised) that :func:`suggest_mapping` recognises per kpikit column."""


# ---- column names --------------------------------------------------------------------------


def _normalised(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name))
    return "".join(re.findall(r"[a-z0-9]+", spaced.lower()))


def suggest_mapping(columns, table: str = "contacts") -> dict[str, str]:
    """Suggest which of the file's columns is which kpikit column.

    Exact kpikit names win, then the same names in another case or spelling (``Wait_S``,
    ``ContactId``), then common vendor names (:data:`SYNONYMS`: ``CallStart``, ``Queue Time``,
    ``Agent``). Each column is used once.

    Parameters
    ----------
    columns : iterable of str
        The file's column names.
    table : str, default="contacts"

    Returns
    -------
    dict of str to str
        File column -> kpikit column, in the file's column order, names already right included.

    Examples
    --------
    >>> suggest_mapping(["CallStart", "Call ID", "Queue Time (s)", "Answered", "Agent", "Note"])
    {'CallStart': 'arrived_at', 'Call ID': 'contact_id', 'Queue Time (s)': 'wait_s', \
'Answered': 'answered', 'Agent': 'agent_id'}
    """
    columns = [str(column) for column in columns]
    targets = [spec.name for spec in TABLES[table]]
    chosen: dict[str, str] = {}
    passes = [
        lambda column, target: column == target,
        lambda column, target: _normalised(column) == _normalised(target),
        lambda column, target: _normalised(column) in SYNONYMS.get(target, ()),
    ]
    for matches in passes:
        for target in targets:
            if target in chosen.values():
                continue
            found = [c for c in columns if c not in chosen and matches(c, target)]
            if table == "contacts" and found and matches is passes[2]:
                ranks = SYNONYMS[target]
                found.sort(key=lambda column: ranks.index(_normalised(column)))
            if found:
                chosen[found[0]] = target
    return {column: chosen[column] for column in columns if column in chosen}


def check_mapping(mapping, present, table: str, label: str) -> None:
    """Refuse a ``mapping`` (file column -> kpikit column, None for none) naming columns not
    ``present`` in the file (``label``), names that are not ``table`` columns, a kpikit name
    twice, or a rename onto a column the file has."""
    if mapping is None:
        return
    present = list(present)
    unknown = [source for source in mapping if source not in present]
    if unknown:
        raise ValueError(
            f"Value of 'mapping' names columns that are not in {label}: "
            f"{', '.join(map(repr, unknown))}. Columns in the file: {', '.join(present)}."
        )
    valid = [spec.name for spec in TABLES[table]]
    foreign = [target for target in mapping.values() if target not in valid]
    if foreign:
        raise ValueError(
            f"Value of 'mapping' maps to names that are not {table} columns: "
            f"{', '.join(map(repr, foreign))}. Expected one of: {', '.join(valid)}."
        )
    targets = list(mapping.values())
    repeated = sorted({target for target in targets if targets.count(target) > 1})
    if repeated:
        raise ValueError(
            f"Value of 'mapping' maps several columns to {', '.join(map(repr, repeated))}; "
            "map one column to each kpikit name."
        )
    clashes = [t for s, t in mapping.items() if t in present and t != s and t not in mapping]
    if clashes:
        raise ValueError(
            f"Value of 'mapping' renames columns to {', '.join(map(repr, clashes))}, but {label} "
            "already has columns of those names; map or remove one of each pair."
        )
