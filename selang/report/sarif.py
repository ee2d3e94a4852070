"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning, with every known rule described.

Fingerprints hash the code, the path and the whitespace-normalised text of the flagged line with
an occurrence count, so an alert keeps its identity when lines above it move.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from selang import __version__
from selang.core import jsonio
from selang.core.diagnostics import Diagnostic, Severity, Span
from selang.report import PLAIN, Context, relative_path

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/selang/"
FINGERPRINT = "selangFingerprint/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(diagnostics: Sequence[Diagnostic], context: Context = PLAIN) -> str:
    return jsonio.dumps(document(diagnostics, context), indent=2) + "\n"


def document(diagnostics: Sequence[Diagnostic], context: Context = PLAIN) -> dict[str, Any]:
    rules = _rules(diagnostics)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    seen: dict[tuple[str, str, str], int] = {}
    texts: dict[str, list[str]] = {}
    results = []
    for d in diagnostics:
        line_text = _normalised_line(d.span, texts, context)
        key = (d.code, relative_path(d.span.path), line_text)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        results.append(_result(d, index[d.code], _fingerprint(*key, occurrence)))
    return {
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "selang",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def failed_run(message: str) -> str:
    """A document for a run that could not check anything (invalid settings): no results, and
    an invocation that says why, so a code-scanning upload shows the failure, not silence."""
    doc = document(())
    doc["runs"][0]["invocations"] = [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [{"level": "error", "message": {"text": message}}],
        }
    ]
    return jsonio.dumps(doc, indent=2) + "\n"


def _rules(diagnostics: Sequence[Diagnostic]) -> list[dict[str, Any]]:
    from selang.checks import summary
    from selang.checks.docs import body, section
    from selang.checks.registry import registry

    rules = []
    for entry in registry().policies:
        p = entry.policy
        docs = body(p)
        rules.append(
            {
                "id": p.code,
                "name": p.name,
                "shortDescription": {"text": summary(p)},
                "fullDescription": {"text": _unwrap(section(p, "What it does")) or summary(p)},
                "help": {"text": docs or summary(p), "markdown": docs or summary(p)},
                "defaultConfiguration": {"level": _LEVEL[p.severity]},
            }
        )
    known = {r["id"] for r in rules}
    # A code no installed policy documents (a plugin that failed to load) still needs an entry.
    for code in sorted({d.code for d in diagnostics} - known):
        rules.append(
            {
                "id": code,
                "name": code.lower(),
                "shortDescription": {"text": code},
                "fullDescription": {"text": code},
                "help": {"text": code, "markdown": code},
                "defaultConfiguration": {"level": "error"},
            }
        )
    return rules


def _unwrap(text: str) -> str:
    """Paragraphs on one line each: viewers wrap plain text themselves."""
    return "\n\n".join(" ".join(p.split()) for p in text.split("\n\n"))


def artifact_uri(path: str) -> str:
    """A URI reference for `path` (SARIF §3.10): relative to the working folder where it can
    be, percent-encoded so that a space, `#`, `%` or `é` in a file name points at that file."""
    from urllib.parse import quote

    relative = relative_path(path)
    if os.path.isabs(relative) or relative[1:3] == ":/":
        return Path(os.path.abspath(path)).as_uri()
    # A byte of the name that is not UTF-8 (a lone surrogate here) is percent-encoded as itself.
    return quote(relative, safe="/", errors="surrogateescape")


def _location(span: Span) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(span.path)},
            "region": {
                "startLine": span.line,
                "startColumn": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
            },
        }
    }


def _result(d: Diagnostic, rule_index: int, fingerprint: str) -> dict[str, Any]:
    text = d.message + (f"\nhelp: {d.help}" if d.help else "")
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[d.severity],
        "message": {"text": text},
        "locations": [_location(d.span)],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    }
    if d.related:
        result["relatedLocations"] = [
            {"id": i, **_location(r.span), "message": {"text": r.message}}
            for i, r in enumerate(d.related, start=1)
        ]
    return result


def _normalised_line(span: Span, texts: dict[str, list[str]], context: Context) -> str:
    """The flagged line with runs of whitespace made one space; files are read once per call."""
    if span.path not in texts:
        texts[span.path] = context.lines(span.path) or []
    lines = texts[span.path]
    if not 1 <= span.line <= len(lines):
        return ""
    return " ".join(lines[span.line - 1].split())


def _fingerprint(code: str, path: str, line_text: str, occurrence: int) -> str:
    data = "\0".join((code, path, line_text, str(occurrence)))
    # A path can hold a lone surrogate (a byte of its name that is not UTF-8).
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]
