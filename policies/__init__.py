"""The built-in policies, one module each, registered through the `selang.policies` entry-point
group in pyproject.toml exactly as a third-party package registers its own."""
