"""The `preview`, `fields infer` and `compile --target sql` use cases: load, check, run, count.

Returns plain results; `selang.cli.preview` and `selang.cli.fields` print them. Engines are
opened here by name, the optional ones imported only when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from selang.core.diagnostics import Diagnostic, has_errors
from selang.data import DataError, Runner

if TYPE_CHECKING:
    from selang.data.preview import Preview
    from selang.semantic.model import Selection

ENGINES = ("duckdb", "spark")
SPARK_EXTRA = "pip install 'selang-cxone[spark]'"

OK, EMPTY, UNUSABLE = 0, 1, 2


def open_runner(engine: str, source: str, table: str = "contacts") -> Runner:
    """The runner of `engine` over `source`; raises `DataError` when it cannot be opened."""
    if engine == "duckdb":
        from selang.data.duckdb import DuckDBRunner

        return DuckDBRunner(source, table)
    if engine == "spark":
        try:
            from selang.data import spark

            return spark.SparkRunner(source, table)  # type: ignore[no-any-return]
        except ModuleNotFoundError as exc:
            if exc.name and (exc.name == "pyspark" or exc.name.startswith(("pyspark.", "selang."))):
                raise DataError(f"`--engine spark` needs pyspark: {SPARK_EXTRA}") from None
            raise
    raise DataError(f"unknown engine `{engine}` (engines: {', '.join(ENGINES)})")


@attrs.frozen
class PreviewRun:
    """Everything `preview` found: each campaign's funnel, and what to report."""

    previews: tuple[Preview, ...]
    diagnostics: tuple[Diagnostic, ...]
    code: int
    problem: str | None = None  # a message that stopped the run (exit 2)


def _config_for(path: str):  # type: ignore[no-untyped-def]
    from selang.checks.config import Finder

    return Finder().for_file(path)


def preview_files(
    paths: Sequence[str], source: str, table: str | None = None, engine: str = "duckdb"
) -> PreviewRun:
    """Check each campaign, then count it on `source`; SEL030 for a campaign selecting nobody."""
    from selang.app.loader import expand_paths, load_selections
    from selang.data.preview import data_problems, empty_campaign, preview, table_for

    results = load_selections(list(expand_paths(paths)))
    diagnostics = [d for r in results for d in r.diagnostics]
    if any(r.unreadable for r in results):
        return PreviewRun((), tuple(diagnostics), UNUSABLE)
    if any(not r.ok for r in results):
        return PreviewRun((), tuple(diagnostics), EMPTY)
    selections = [r.selection for r in results if r.selection is not None]
    try:
        runner = open_runner(engine, source, table or "contacts")
    except DataError as exc:
        return PreviewRun((), tuple(diagnostics), UNUSABLE, str(exc))
    previews: list[Preview] = []
    code = OK
    try:
        columns = runner.columns()
        for selection in selections:
            config = _config_for(selection.span.path)
            contacts = table_for(runner, config.contacts, config.fields, table)
            found = data_problems(selection, contacts, columns, source)
            diagnostics += found
            if has_errors(found):
                code = UNUSABLE
                continue
            result = preview(selection, runner, contacts)
            previews.append(result)
            empty = empty_campaign(selection, result)
            if empty is not None:
                diagnostics.append(empty)
                code = max(code, EMPTY)
    except DataError as exc:
        return PreviewRun(tuple(previews), tuple(diagnostics), UNUSABLE, str(exc))
    finally:
        runner.close()
    return PreviewRun(tuple(previews), tuple(diagnostics), code)


def infer_fields(source: str, table: str | None = None) -> str:
    """A `[tool.selang.fields]` table for the source's columns (the special columns left out)."""
    import os

    import tomli_w

    from selang.targets.sql import ContactsTable

    config = _config_for(os.path.join(os.getcwd(), "selang.toml"))
    runner = open_runner("duckdb", source, table or "contacts")
    try:
        columns = runner.columns()
    finally:
        runner.close()
    special = ContactsTable.configured(config.contacts)
    skip = {special.list_column, special.key_column, special.tier_column}
    kinds = {c: k for c, k in columns.items() if c not in skip}
    known = {
        c: k for c, k in kinds.items() if k in ("string", "number", "boolean", "date", "datetime")
    }
    text = tomli_w.dumps({"tool": {"selang": {"fields": known}}})
    odd = [
        f"# `{c}` holds `{k}`, which rules do not compare\n"
        for c, k in kinds.items()
        if c not in known
    ]
    return text + "".join(odd)


def compile_sql(selection: Selection, dialect: str, table: str | None) -> str:
    """`compile --target sql`: column kinds from `[tool.selang.fields]` where declared."""
    from selang.targets import sql

    config = _config_for(selection.span.path)
    contacts = sql.ContactsTable.configured(config.contacts, config.fields, name=table)
    return sql.render(selection, dialect, contacts)
