"""The contacts table the SQL target reads: its name, its three special columns, field kinds.

CONTRACT §6: one row per (list, contact). Names come from `[tool.selang.contacts]`; a column's
kind comes from `[tool.selang.fields]` when declared, else from the data's schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

KINDS = ("string", "number", "boolean", "date", "datetime")

# `[tool.selang.contacts]` keys → attribute names.
SETTINGS = {
    "list-column": "list_column",
    "key-column": "key_column",
    "tier-column": "tier_column",
}


@attrs.frozen
class ContactsTable:
    """Where the contacts are and what kind each column holds.

    `types` maps a column to the kind selang compares it as. `data_types` is what the data's
    schema says (empty when only the SQL is printed); where a declared kind differs from it, the
    column is cast to the declared kind, and a value that does not convert is null.
    """

    name: str = "contacts"
    list_column: str = "list_id"
    key_column: str = "contact_id"
    tier_column: str | None = "priority_tier"
    types: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    data_types: Mapping[str, str] = attrs.field(factory=dict, hash=False)

    @classmethod
    def configured(
        cls,
        contacts: Mapping[str, Any] | None = None,
        fields: Mapping[str, str] | None = None,
        data_types: Mapping[str, str] | None = None,
        name: str | None = None,
    ) -> ContactsTable:
        """The table as settings describe it; `name` (from `--table`) wins over the settings."""
        values: dict[str, Any] = {
            SETTINGS[key]: value for key, value in (contacts or {}).items() if key in SETTINGS
        }
        if name is not None:
            values["name"] = name
        data = dict(data_types or {})
        types = {column: kind for column, kind in data.items() if kind in KINDS}
        types.update(fields or {})
        return cls(**values, types=types, data_types=data)

    def kind(self, column: str) -> str | None:
        return self.types.get(column)

    def cast_needed(self, column: str) -> bool:
        """Whether the data holds `column` as another kind than the one declared for it."""
        held = self.data_types.get(column)
        return held is not None and self.types.get(column) not in (None, held)
