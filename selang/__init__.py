"""selang: policy-as-code for outbound dialer contact selection."""

__version__ = "0.1.0"
