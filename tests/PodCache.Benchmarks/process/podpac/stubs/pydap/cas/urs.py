"""Stand-in for pydap.cas.urs."""
def setup_session(*args, **kwargs):
    raise RuntimeError("pydap is not installed")
