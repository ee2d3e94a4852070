"""Printing the SQL target per dialect, with the few rewrites a dialect needs for §2's meaning.

Strings must order by code point: DuckDB, Spark, Trino, BigQuery and Snowflake compare text by
its UTF-8 bytes (the same order) unless told otherwise; PostgreSQL follows the database's
locale, so its string comparisons get `COLLATE "C"`. PostgreSQL has no `ENDS_WITH`: it becomes
`RIGHT(s, n) = t`, n counted in code points as PostgreSQL counts characters.
"""

from __future__ import annotations

from sqlglot import exp

DIALECTS = ("duckdb", "spark", "trino", "bigquery", "snowflake", "postgres")

_ORDERED = (exp.GT, exp.GTE, exp.LT, exp.LTE)


def to_sql(expression: exp.Expression, dialect: str = "duckdb", pretty: bool = True) -> str:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect `{dialect}`")
    if dialect == "postgres":
        expression = expression.copy().transform(_postgres)
    return expression.sql(dialect=dialect, pretty=pretty)


def _postgres(node: exp.Expression) -> exp.Expression:
    if isinstance(node, _ORDERED) and _is_text(node.expression):
        node.set(
            "this", exp.Collate(this=node.this, expression=exp.to_identifier("C", quoted=True))
        )
        return node
    if isinstance(node, exp.EndsWith):
        suffix = node.expression
        length = (
            exp.Literal.number(len(suffix.this))
            if isinstance(suffix, exp.Literal)
            else exp.Length(this=suffix.copy())
        )
        return exp.EQ(this=exp.Right(this=node.this, expression=length), expression=suffix)
    return node


def _is_text(node: exp.Expression) -> bool:
    return isinstance(node, exp.Literal) and node.is_string
