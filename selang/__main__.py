"""`python -m selang`: the same entry as the `selang` console script."""

import sys

from selang.cli import main

sys.exit(main())
