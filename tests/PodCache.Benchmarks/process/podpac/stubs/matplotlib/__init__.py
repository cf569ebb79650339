"""Stand-in for matplotlib (PODPAC imports it for plotting styles; the benchmark does not plot)."""
class _Colormaps(dict):
    def __missing__(self, key):
        return key

colormaps = _Colormaps()

def use(*args, **kwargs):
    pass
