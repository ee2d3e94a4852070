"""`python -m selang.checks.docsgen [OUT]`: docs/rules.md from the built-in policies' documentation.

Only policies shipped with selang are documented, so an installed plugin never leaks into the
committed page.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from selang import DISTRIBUTION


def page() -> str:
    from selang.checks.docs import markdown_page
    from selang.checks.registry import registry

    return markdown_page(p for p in registry().policies if p.found.dist in (None, DISTRIBUTION))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    text = page()
    if args:
        with open(args[0], "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
