"""The parse tables committed in `selang/syntax/_tables.py` are what Lark makes of the grammar
today, the same on every run, and `python -m selang.syntax.generate` keeps them so."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from selang.syntax import generate, tables
from selang.syntax.tables import grammar_path

ROOT = Path(__file__).resolve().parent.parent


def test_committed_tables_are_not_stale() -> None:
    """Regenerating the module in memory from `grammar/selang.lark` gives the committed text."""
    fresh = generate.render(generate.build(grammar_path().read_text(encoding="utf-8")))
    committed = generate.MODULE.read_text(encoding="utf-8")
    assert committed == fresh, (
        f"{generate.MODULE.relative_to(ROOT)} is stale: run `{generate.COMMAND}` (`make tables`)"
    )
    assert committed.splitlines()[0].startswith(
        f"# Generated from grammar/selang.lark by `{generate.COMMAND}`"
    )


def test_loaded_tables_are_the_generated_ones() -> None:
    """What the parser loads from the module equals what the generator built from the grammar."""
    assert tables.load() == generate.build(grammar_path().read_text(encoding="utf-8"))


def test_tables_do_not_depend_on_string_hashing() -> None:
    """Lark numbers its states in hash order; the generated module is the same under any seed."""
    code = (
        "import hashlib\n"
        "from selang.syntax import generate\n"
        "text = generate.render(generate.build(generate.grammar_path().read_text()))\n"
        "print(hashlib.sha256(text.encode()).hexdigest(), hash('selang'))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
        ).stdout.split()
        for seed in ("1", "2")
    ]
    committed = hashlib.sha256(generate.MODULE.read_bytes()).hexdigest()
    assert [digest for digest, _ in runs] == [committed, committed]
    assert runs[0][1] != runs[1][1]  # the seeds did change string hashing


def test_check_fails_on_a_stale_module_and_a_run_rewrites_it(tmp_path, monkeypatch, capsys) -> None:
    """`--check` exits 1 and names the command when the module differs; a plain run writes it,
    after which `--check` passes."""
    module = tmp_path / "_tables.py"
    monkeypatch.setattr(generate, "MODULE", module)
    module.write_text("# Generated from an older grammar\nSTART: int = 0\n", encoding="utf-8")
    assert generate.main(["--check"]) == 1
    assert f"run `{generate.COMMAND}`" in capsys.readouterr().err
    assert generate.main([]) == 0
    assert module.read_text(encoding="utf-8") == generate.MODULE.read_text(encoding="utf-8")
    assert generate.main(["--check"]) == 0
