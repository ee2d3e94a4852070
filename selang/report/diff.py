"""Semantic changes → text, Markdown and JSON (CONTRACT §7), for `selang diff` and `plan`.

Takes `Comparison`s from `selang.analysis.comparison`; each campaign's entry is anything with the
attributes of `Entry` (the `diff` use case's results have them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from selang.analysis import Comparison, Contact
from selang.core.diagnostics import Diagnostic
from selang.core.values import Date, DateTime, Scalar, decimal_shown, to_json
from selang.report import relative_path
from selang.syntax.names import is_plain_field
from selang.targets.cxone import dumps


class Entry(Protocol):
    @property
    def path(self) -> str: ...

    @property
    def campaign_id(self) -> str | None: ...

    @property
    def status(self) -> str: ...

    @property
    def comparison(self) -> Comparison | None: ...

    @property
    def findings(self) -> Sequence[Diagnostic]: ...


def finding_text(d: Diagnostic) -> str:
    """`warning[SEL040]: campaign `c` no longer excludes `list_dnc`; ...`."""
    return f"{d.severity.value}[{d.code}]: {d.message}"


_PLAIN = re.compile(r"[A-Za-z_][\w.@+-]*")
_LITERALS = frozenset({"null", "true", "false"})


def value_text(value: Scalar | None) -> str:
    """A witness value as a reviewer reads it: words bare, other strings quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return decimal_shown(value)
    if isinstance(value, Date | DateTime):
        return value.text
    if isinstance(value, str):
        plain = _PLAIN.fullmatch(value) and value not in _LITERALS
        return value if plain else dumps(value).strip()
    return str(value)


def _names(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _field(name: str) -> str:
    return name if is_plain_field(name) else f"`{name}`"


def contact_text(contact: Contact) -> str:
    """`age 17, state CA in list_a`."""
    fields = ", ".join(f"{_field(name)} {value_text(value)}" for name, value in contact.fields)
    lists = f"in {_names(contact.lists)}"
    return f"{fields} {lists}" if fields else lists


def verdict_text(comparison: Comparison) -> str:
    """One line: the verdict, then whom the change gains and loses."""
    parts = []
    if comparison.gained is not None:
        also = "also " if comparison.lost is None else ""
        parts.append(f"now {also}dials contacts like {contact_text(comparison.gained)}")
    if comparison.lost is not None:
        parts.append(f"no longer dials contacts like {contact_text(comparison.lost)}")
    if not parts:
        parts.append("the same contacts")
    return f"{comparison.verdict}: {'; '.join(parts)}"


_LIST_CHANGES = (
    ("target_added", "+ target", "target list added"),
    ("target_removed", "- target", "target list removed"),
    ("exclusion_added", "+ exclusion", "exclusion list added"),
    ("exclusion_removed", "- exclusion", "exclusion list removed"),
)


def change_lines(comparison: Comparison, words: bool = False) -> list[str]:
    """The list and priority changes, one per line: `- exclusion list_dnc`, or with `words`,
    Markdown's `exclusion list removed: `list_dnc``."""
    lines = [
        f"{said}: `{list_id}`" if words else f"{sign} {list_id}"
        for attr, sign, said in _LIST_CHANGES
        for list_id in getattr(comparison, attr)
    ]
    if comparison.priority_changed:
        lines.append("priority order changed")
    return lines


def _heading(entry: Entry) -> str:
    campaign = f" (campaign `{entry.campaign_id}`)" if entry.campaign_id else ""
    return f"{relative_path(entry.path)}{campaign}"


_STATUS_TEXT = {"added": "new file, not at the revision", "deleted": "file deleted"}


def text(entries: Sequence[Entry], headed: bool) -> str:
    """Plain text; `headed` names each file (more than one campaign, or `--git`)."""
    out: list[str] = []
    for entry in entries:
        comparison = entry.comparison
        said = _STATUS_TEXT.get(entry.status) if comparison is None else verdict_text(comparison)
        out.append(f"{_heading(entry)}: {said}" if headed else str(said))
        if comparison is not None:
            out.extend(f"  {line}" for line in change_lines(comparison))
        counted = _counts(entry)
        if counted:
            out.append(f"  {counted}")
        out.extend(f"  {finding_text(d)}" for d in entry.findings)
    if headed:
        differ = sum(1 for e in entries if e.comparison is None or not e.comparison.same)
        out.append(f"{differ} of {len(entries)} campaign(s) would select other contacts")
    return "".join(f"{line}\n" for line in out)


def _counts(entry: Entry) -> str | None:
    gained = getattr(entry, "gained_count", None)
    lost = getattr(entry, "lost_count", None)
    if gained is None or lost is None:
        return None
    return f"in the contact data: {gained} gained, {lost} lost"


# --- Markdown -----------------------------------------------------------------------------


def _cell(text: str) -> str:
    return "`" + text.replace("|", "\\|") + "`" if text else ""


def _witness_table(comparison: Comparison) -> list[str]:
    found = [("gained", comparison.gained), ("lost", comparison.lost)]
    rows = [(label, c) for label, c in found if c is not None]
    if not rows:
        return []
    fields = [name for name, _ in rows[0][1].fields]
    head = ["contact", "lists", *(f"`{f}`".replace("|", "\\|") for f in fields)]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for label, contact in rows:
        values = [_cell(value_text(v)) for _, v in contact.fields]
        lists = ", ".join(_cell(x) for x in contact.lists)
        lines.append("| " + " | ".join([label, lists, *values]) + " |")
    return lines


_VERDICT_WORDS = {
    "equivalent": "selects the same contacts",
    "narrower": "dials fewer contacts",
    "broader": "dials more contacts",
    "incomparable": "dials some new contacts and drops others",
}


def markdown(entries: Sequence[Entry]) -> str:
    """A GitHub step summary or pull-request comment: a table of verdicts, then each change."""
    out = ["## Contact selection changes", "", "| file | campaign | verdict |"]
    out.append("| --- | --- | --- |")
    for entry in entries:
        c = entry.comparison
        verdict = f"**{c.verdict}**" if c is not None else _STATUS_TEXT[entry.status]
        campaign = _cell(entry.campaign_id or "")
        out.append(f"| {_cell(relative_path(entry.path))} | {campaign} | {verdict} |")
    for entry in entries:
        c = entry.comparison
        if c is None or (c.same and not change_lines(c) and not entry.findings):
            continue
        name = entry.campaign_id or relative_path(entry.path)
        out += ["", f"### `{name}`: {c.verdict}", ""]
        out.append(f"The new selection {_VERDICT_WORDS[c.verdict]}.")
        table = _witness_table(c)
        if table:
            out += ["", "For example:", "", *table]
        changes = change_lines(c, words=True)
        if changes:
            out += ["", *(f"- {line}" for line in changes)]
        counted = _counts(entry)
        if counted:
            out += ["", counted[0].upper() + counted[1:] + "."]
        for d in entry.findings:
            out += ["", f"> **{d.severity.value} {d.code}**: {d.message}"]
    return "\n".join(out) + "\n"


# --- JSON ---------------------------------------------------------------------------------


def contact_json(contact: Contact | None) -> dict[str, Any] | None:
    if contact is None:
        return None
    fields = {name: None if v is None else to_json(v) for name, v in contact.fields}
    return {"lists": list(contact.lists), "fields": fields}


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """Exactly CONTRACT §7's object."""
    return {
        "verdict": comparison.verdict,
        "gained": contact_json(comparison.gained),
        "lost": contact_json(comparison.lost),
        "lists": {attr: list(getattr(comparison, attr)) for attr, _, _ in _LIST_CHANGES},
        "priority_changed": comparison.priority_changed,
    }


def _count_json(entry: Entry) -> dict[str, int]:
    gained = getattr(entry, "gained_count", None)
    lost = getattr(entry, "lost_count", None)
    if gained is None or lost is None:
        return {}
    return {"gained_count": gained, "lost_count": lost}


def json_text(entries: Sequence[Entry], single: bool) -> str:
    """§7's object for one comparison; with `--git`, an array with each file's path and status."""
    if single:
        (entry,) = entries
        assert entry.comparison is not None, "a single diff always compares"
        return dumps({**comparison_json(entry.comparison), **_count_json(entry)})
    items = []
    for entry in entries:
        item: dict[str, Any] = {
            "path": relative_path(entry.path),
            "campaign": entry.campaign_id,
            "status": entry.status,
        }
        if entry.comparison is not None:
            item.update(comparison_json(entry.comparison))
            item.update(_count_json(entry))
        items.append(item)
    return dumps(items)
