"""selang: policy-as-code for outbound dialer contact selection."""

__version__ = "0.1.0"
# The name on PyPI (`selang` there is an unrelated project); import name and command: `selang`.
DISTRIBUTION = "selang-cxone"
