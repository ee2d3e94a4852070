"""`selang preview`, `selang fields infer` and `selang compile --target sql` end to end."""

from __future__ import annotations

import json

import pytest
import sqlglot

from selang.targets.sql import DIALECTS

CAMPAIGN = """
list leads = "L1"
list more = "L2"
list dnc = "DNC"
campaign "camp_1" {
  target leads, more
  exclude dnc
  where age >= 18 and status == "active" and last_call is not null
  priority high, default
}
"""


@pytest.fixture
def campaign(write):
    return write("camp.sel", CAMPAIGN)


def test_preview_json_has_the_numbers_of_the_contract(run, campaign, contacts):
    """The JSON is §6's object; each count checked by hand against the fixture rows."""
    contacts("contacts.parquet")
    code, out, _ = run("preview", "camp.sel", "--contacts", "contacts.parquet", "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {
            "campaign": "camp_1",
            "path": "camp.sel",
            "engine": "duckdb",
            "targeted": 11,
            "excluded": 2,
            "rules": [
                # c2 is 17, c6 has no age; c10 is 22 on L1 (its L2 row, 16, does not matter)
                {"field": "age", "operator": "gte", "value": 18, "remaining": 7},
                # c7 is lapsed
                {"field": "status", "operator": "eq", "value": "active", "remaining": 6},
                # c10 and c11 were never called
                {"field": "last_call", "operator": "is_null", "value": False, "remaining": 4},
            ],
            "selected": 4,
            # c1, and c9 through its L2 row; c5 and c8 go to default
            "tiers": [{"tier": "high", "contacts": 2}, {"tier": "default", "contacts": 2}],
            "unranked": 0,
        }
    ]


@pytest.mark.parametrize("name", ["contacts.csv", "contacts.jsonl", "contacts.duckdb"])
def test_every_source_gives_the_same_funnel(run, campaign, contacts, name):
    """CSV, JSON lines and a DuckDB database count exactly as Parquet does."""
    contacts("contacts.parquet")
    contacts(name)
    args = ("preview", "camp.sel", "--format", "json", "--contacts")
    assert run(*args, name) == run(*args, "contacts.parquet")


def test_a_glob_reads_every_file(run, campaign, contacts, tmp_path):
    """A glob of two copies counts each contact once, as one file does."""
    contacts("parts/a.parquet")
    contacts("parts/b.parquet")
    code, out, _ = run("preview", "camp.sel", "--contacts", "parts/*.parquet", "--format", "json")
    assert code == 0 and json.loads(out)[0]["selected"] == 4


def test_preview_text_shows_the_funnel_and_marks_rules(run, write, tmp_path):
    """The table has each step's count and what it removed; a rule removing nobody and one
    removing almost everyone (more than 95 % of what reached it) are marked."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT 'L1' AS list_id, 'k' || i AS contact_id, i % 100 AS age, 'x' AS status "
        f"FROM range(1000) t(i)) TO '{tmp_path / 'many.parquet'}' (FORMAT PARQUET)"
    )
    con.close()
    write(
        "wide.sel",
        """
        campaign "camp_2" {
          target "L1"
          where status is not null and age >= 10 and age >= 98
        }
        """,
    )
    code, out, _ = run("preview", "wide.sel", "--contacts", "many.parquet")
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert out.splitlines()[0] == "camp_2  wide.sel  (duckdb)"
    assert rows[1] == ["step", "contacts", "removed"]
    assert rows[2] == ["targeted", "1,000"]
    assert rows[3] == ["after", "exclusions", "1,000", "0"]
    assert rows[4] == ["status", "is", "not", "null", "1,000", "0", "removes", "nobody"]
    assert rows[5] == ["age", ">=", "10", "900", "100"]
    assert rows[6] == ["age", ">=", "98", "20", "880", "removes", "almost", "everyone"]
    assert rows[7] == ["selected", "20"]


def test_a_campaign_selecting_nobody_is_sel030_naming_the_rule(run, write, contacts):
    """Exit 1 and SEL030 at the rule after which nobody is left."""
    contacts("contacts.parquet")
    write(
        "empty.sel",
        """
        campaign "camp_3" {
          target "L1"
          where age >= 18 and status == "ACTIVE"
        }
        """,
    )
    code, out, err = run("preview", "empty.sel", "--contacts", "contacts.parquet")
    assert code == 1
    assert "error[SEL030]" in err and '`status == "ACTIVE"` removes the last 8' in err
    assert "removes everyone" in out


def test_exclusions_swallowing_the_targets_is_sel030(run, write, contacts):
    """When the exclusion lists hold every targeted contact, SEL030 says so."""
    contacts("contacts.parquet")
    write("opt.sel", 'campaign "camp_4" {\n  target "L2"\n  exclude "OPT"\n}\n')
    code, _, err = run("preview", "opt.sel", "--contacts", "contacts.parquet")
    assert code == 1 and "the exclusion lists remove all 3 targeted" in err


def test_a_missing_column_names_the_columns_and_the_closest(run, write, contacts):
    """A rule's field with no column is SEL032 and exit 2, with the columns listed."""
    contacts("contacts.parquet")
    write("typo.sel", 'campaign "c" {\n  target "L1"\n  where Status == "active"\n}\n')
    code, out, err = run("preview", "typo.sel", "--contacts", "contacts.parquet")
    assert code == 2 and out == ""
    assert "error[SEL032]" in err and "field `Status` has no column" in err
    assert "did you mean `status`?" in err and "`list_id`, `contact_id`, `age`" in err


def test_a_value_of_another_kind_than_the_column_is_sel031(run, write, contacts):
    """SEL031 warns, and the preview still runs (the rule removes everyone)."""
    contacts("contacts.parquet")
    write("kind.sel", 'campaign "c" {\n  target "L1"\n  where age >= "18"\n}\n')
    code, _, err = run("preview", "kind.sel", "--contacts", "contacts.parquet")
    assert "warning[SEL031]" in err and "`age` holds a number in the data" in err
    assert code == 1  # and the campaign is empty: SEL030


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("missing.parquet", "no such file `missing.parquet`"),
        ("nothing/*.csv", "`nothing/*.csv` matches no file"),
        ("notes.txt", "`notes.txt` is not a contacts file selang reads"),
        ("broken.parquet", "cannot read `broken.parquet`"),
        ("other.duckdb", "has no table `contacts` (tables: `people`)"),
    ],
)
def test_an_unusable_source_is_exit_2_without_a_traceback(run, campaign, tmp_path, source, message):
    """Missing files, empty globs, unknown formats, corrupt files and absent tables: a message."""
    import duckdb

    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "broken.parquet").write_bytes(b"not parquet at all")
    con = duckdb.connect(str(tmp_path / "other.duckdb"))
    con.execute("CREATE TABLE people (x INTEGER)")
    con.close()
    code, out, err = run("preview", "camp.sel", "--contacts", source)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_spark_without_its_module_names_the_extra(run, campaign, contacts, monkeypatch):
    """`--engine spark` where the Spark runner cannot be imported says how to install it."""
    import sys

    contacts("contacts.parquet")
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "selang.data.spark", None)
    code, _, err = run("preview", "camp.sel", "--contacts", "contacts.parquet", "--engine", "spark")
    assert code == 2 and "pip install 'selang-cxone[spark]'" in err


def test_fields_infer_prints_a_schema_that_check_then_uses(run, write, contacts):
    """`fields infer` writes `[tool.selang.fields]`; with it, `check` reports SEL023."""
    contacts("contacts.csv")
    code, out, _ = run("fields", "infer", "contacts.csv")
    assert code == 0
    assert out == ('[tool.selang.fields]\nage = "number"\nstatus = "string"\nlast_call = "date"\n')
    write("pyproject.toml", out)
    write("kind.sel", 'campaign "c" {\n  target "L1"\n  where age >= "18"\n}\n')
    code, out, _ = run("check", "kind.sel", "--no-cache")
    assert code == 1 and "SEL023" in out


def test_fields_infer_of_a_bad_source_is_exit_2(run):
    code, out, err = run("fields", "infer", "nowhere.parquet")
    assert code == 2 and out == "" and "no such file" in err


@pytest.mark.parametrize("dialect", DIALECTS)
def test_compile_target_sql_reparses_in_its_dialect(run, campaign, dialect):
    """`compile --target sql` prints one SELECT that sqlglot reads back in that dialect."""
    code, out, _ = run("compile", "camp.sel", "--target", "sql", "--dialect", dialect)
    assert code == 0
    statements = [s for s in sqlglot.parse(out, read=dialect) if s is not None]
    assert len(statements) == 1 and isinstance(statements[0], sqlglot.exp.Select)


def test_compile_target_sql_runs_on_duckdb(run, campaign, contacts, tmp_path):
    """The printed SQL, run on the contacts, returns the four selected keys."""
    import duckdb

    contacts("contacts.duckdb")
    code, out, _ = run("compile", "camp.sel", "--target", "sql", "--table", "contacts")
    assert code == 0
    con = duckdb.connect(str(tmp_path / "contacts.duckdb"), read_only=True)
    keys = sorted(row[0] for row in con.execute(out).fetchall())
    con.close()
    assert keys == ["c1", "c5", "c8", "c9"]
