"""Lark is the grammar's compiler and the tests' reference parser, not a run-time dependency:
the wheel, installed beside only the run-time dependencies pyproject.toml names, checks the
examples in a venv where `import lark` fails."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _runtime_distributions() -> set[str]:
    """The distributions `[project] dependencies` names, and theirs, without extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = list(project["dependencies"])
    seen: set[str] = set()
    while todo:
        requirement = todo.pop()
        if "extra ==" in requirement.replace('"', " ").replace("'", " "):
            continue
        name = re.match(r"[A-Za-z0-9._-]+", requirement).group()  # type: ignore[union-attr]
        if name.lower() not in seen:
            seen.add(name.lower())
            todo += metadata.distribution(name).requires or []
    return seen


def _link_top_levels(dist_name: str, into: Path) -> None:
    """Make a distribution's importable packages and modules visible in `into`."""
    dist = metadata.distribution(dist_name)
    for top in {Path(str(f)).parts[0] for f in dist.files or ()}:
        if top.endswith((".dist-info", ".pth")) or top in ("..", "__pycache__"):
            continue
        source = Path(str(dist.locate_file(top)))
        if source.exists() and not (into / top).exists():
            (into / top).symlink_to(source)
    (into / f"{dist_name}.dist-info").mkdir(exist_ok=True)


def test_examples_check_in_a_venv_without_lark(tmp_path: Path) -> None:
    """`selang check examples/lists.sel examples/campaigns` passes where Lark is absent."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("selang_cxone-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    install = ["install", "-q", "--no-deps", "--no-index", "--target", str(site), str(wheel)]
    subprocess.run(
        [sys.executable, "-m", "pip", *install],
        check=True,
        capture_output=True,
    )
    deps = tmp_path / "deps"
    deps.mkdir()
    runtime = _runtime_distributions()
    assert "lark" not in runtime
    for name in runtime:
        _link_top_levels(name, deps)
    (site / "deps.pth").write_text(f"{deps}\n")

    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples", work / "examples")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(py), *argv], capture_output=True, text=True, cwd=work, env=env, check=False
        )

    no_lark = run("-c", "import lark")
    assert no_lark.returncode != 0 and "No module named 'lark'" in no_lark.stderr
    where = run("-c", "import selang; print(selang.__file__)")
    assert where.stdout.startswith(str(site)), where
    check = run("-m", "selang", "check", "examples/lists.sel", "examples/campaigns")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Traceback" not in check.stderr
