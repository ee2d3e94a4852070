"""`selang diff --contacts`: gained and lost counted on data by DuckDB agree with the
reference meaning (`evaluate`) applied row by row in Python."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from selang.analysis import evaluate
from selang.app.loader import load_selection
from selang.cli.main import main

pytest.importorskip("duckdb")

LISTS = ["list_a", "list_b", "list_dnc"]
STATES = ["CA", "NY", "TX", ""]
PAIRS = [
    ('target "list_a"\n  where age >= 18', 'target "list_a"\n  where age > 17'),
    ('target "list_a"\n  exclude "list_dnc"', 'target "list_a", "list_b"'),
    (
        'target "list_a", "list_b"\n  where state in ("CA", "NY") and age between 18 and 65',
        'target "list_b"\n  exclude "list_dnc"\n  where state != "TX" and age is not null',
    ),
]


def _data(path: Path, seed: int) -> dict[int, tuple[set[str], dict[str, object]]]:
    """Contacts in one or more lists, some with a null age or state, written one row a list."""
    rng = random.Random(seed)
    contacts = {}
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["list_id", "contact_id", "age", "state"])
        for key in range(300):
            lists = set(rng.sample(LISTS, rng.randint(1, 2)))
            age = rng.choice([None, *range(15, 70)])
            state = rng.choice(STATES)
            for list_id in sorted(lists):
                out.writerow([list_id, key, "" if age is None else age, state])
            contacts[key] = (lists, {"age": age, "state": state or None})
    return contacts


def _selected(path: Path, contacts) -> set[int]:
    selection = load_selection(str(path)).selection
    targets = {r.id for r in selection.targets}
    excluded = {r.id for r in selection.exclusions}
    return {
        key
        for key, (lists, values) in contacts.items()
        if lists & targets
        and not lists & excluded
        and all(evaluate(r, values[r.field]) for r in selection.rules)
    }


@pytest.mark.parametrize("pair", range(len(PAIRS)))
def test_counts_match_the_reference_meaning(tmp_path, capsys, pair):
    """`gained_count` and `lost_count` are the sizes of NEW minus OLD and OLD minus NEW."""
    contacts = _data(tmp_path / "contacts.csv", seed=pair)
    paths = []
    for name, body in zip(("old", "new"), PAIRS[pair], strict=True):
        path = tmp_path / f"{name}.sel"
        path.write_text(f'campaign "c" {{\n  {body}\n}}\n', encoding="utf-8")
        paths.append(path)
    old, new = (_selected(p, contacts) for p in paths)
    argv = ["diff", *map(str, paths), "--contacts", str(tmp_path / "contacts.csv")]
    code = main([*argv, "--format", "json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (result["gained_count"], result["lost_count"]) == (len(new - old), len(old - new))
    main(argv)
    assert f"in the contact data: {len(new - old)} gained, {len(old - new)} lost" in (
        capsys.readouterr().out
    )


def test_unusable_data_exits_two(tmp_path, capsys):
    """A missing source, or a rule on a column the data lacks, is a diagnostic and exit 2."""
    sel = tmp_path / "a.sel"
    sel.write_text('campaign "c" {\n  target "list_a"\n  where zip == "1"\n}\n', encoding="utf-8")
    assert main(["diff", str(sel), str(sel), "--contacts", str(tmp_path / "none.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    _data(tmp_path / "contacts.csv", seed=0)
    assert main(["diff", str(sel), str(sel), "--contacts", str(tmp_path / "contacts.csv")]) == 2
    assert "zip" in capsys.readouterr().err
