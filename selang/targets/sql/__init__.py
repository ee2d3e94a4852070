"""Program → SQL: the selection as sqlglot expressions, printed in the dialect of an engine.

`select_contacts` and `funnel` are CONTRACT §6's two queries; `to_sql` prints either. Engines
(`selang.data`) run this SQL; they never build their own.
"""

from __future__ import annotations

from selang.semantic.model import Selection

from .dialects import DIALECTS, to_sql
from .funnel import funnel
from .predicate import rule_predicate
from .queries import select_contacts
from .table import ContactsTable

NAME = "sql"

__all__ = [
    "DIALECTS",
    "NAME",
    "ContactsTable",
    "funnel",
    "render",
    "rule_predicate",
    "select_contacts",
    "to_sql",
]


def render(
    selection: Selection, dialect: str = "duckdb", table: ContactsTable | None = None
) -> str:
    """The `SELECT` of the selected contacts' keys, as `compile --target sql` prints it."""
    return to_sql(select_contacts(selection, table or ContactsTable()), dialect) + ";\n"
