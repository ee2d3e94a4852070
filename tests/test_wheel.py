"""Packaging: the wheel carries the grammar and the built-in policies and works on its own."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_and_compiles_in_a_fresh_venv(tmp_path: Path) -> None:
    """A wheel built from the tree, installed in a new venv, runs `selang compile` from there."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("selang_cxone-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "selang/_grammar/selang.lark" in names
    assert "selang/policies/__init__.py" in names
    assert "selang/policies/contradiction.py" in names
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"selang"}

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    # The run-time dependencies come from this environment's site-packages (no network), while
    # selang itself comes only from the wheel: a plain path entry does not run our editable hook.
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    src = tmp_path / "work" / "c.sel"
    src.parent.mkdir()
    src.write_text('campaign "c" { target "list_1" where age >= 18 }\n')
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    out = subprocess.run(
        [str(venv / "bin" / "selang"), "compile", str(src)],
        check=True,
        capture_output=True,
        text=True,
        cwd=src.parent,
        env=env,
    )
    assert '"targetListIds": [\n    "list_1"\n  ]' in out.stdout
    where = subprocess.run(
        [str(py), "-c", "import selang; print(selang.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=src.parent,
        env=env,
    ).stdout
    assert str(venv) in where
