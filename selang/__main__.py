"""`python -m selang`: the same entry as the `selang` console script."""

from selang.cli.main import run

run()
