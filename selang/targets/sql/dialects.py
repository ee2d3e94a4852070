"""Printing the SQL target per dialect, with the few rewrites a dialect needs for §2's meaning.

Strings must order by code point: DuckDB, Spark, Trino, BigQuery and Snowflake compare text by
its UTF-8 bytes (the same order) unless told otherwise; PostgreSQL follows the database's
locale, so its string comparisons get `COLLATE "C"`. PostgreSQL has no `ENDS_WITH`: it becomes
`RIGHT(s, n) = t`, n counted in code points as PostgreSQL counts characters. Trino has none
either: it becomes `s LIKE '%' || t ESCAPE '\\'`, with `%`, `_` and `\\` in t escaped.
"""

from __future__ import annotations

from sqlglot import exp

DIALECTS = ("duckdb", "spark", "trino", "bigquery", "snowflake", "postgres")

_ORDERED = (exp.GT, exp.GTE, exp.LT, exp.LTE)


class SQLTargetError(ValueError):
    """A selection the dialect cannot express; the message is for the user."""


def to_sql(expression: exp.Expression, dialect: str = "duckdb", pretty: bool = True) -> str:
    """The SQL text in `dialect`; raises `SQLTargetError` where a name cannot be written."""
    if dialect not in DIALECTS:
        raise SQLTargetError(f"unknown SQL dialect `{dialect}`")
    if dialect == "bigquery":
        _bigquery_columns(expression)
    if dialect == "postgres":
        expression = expression.copy().transform(_postgres)
    elif dialect == "trino":
        expression = expression.copy().transform(_trino)
    return expression.sql(dialect=dialect, pretty=pretty)


def _bigquery_columns(expression: exp.Expression) -> None:
    # BigQuery reads a dot inside back quotes as a path (`a.b` is column b of a), and its
    # column names cannot hold one: such a field has no place in BigQuery's SQL.
    for col in expression.find_all(exp.Column):
        if "." in col.name:
            raise SQLTargetError(f"BigQuery cannot name a column `{col.name}` (it holds a `.`)")


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


def _trino(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.EndsWith) and _is_text(node.expression):
        pattern = exp.Literal.string("%" + like_escaped(node.expression.this))
        like = exp.Like(this=node.this, expression=pattern)
        return exp.Escape(this=like, expression=exp.Literal.string("\\"))
    return node


def like_escaped(text: str) -> str:
    """`text` as a LIKE pattern matching exactly itself, `\\` being the escape character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
