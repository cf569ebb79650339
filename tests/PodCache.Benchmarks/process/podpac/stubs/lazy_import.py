"""Stand-in for the lazy_import package (not packaged by Debian): a module proxy that imports on first use."""
import importlib
import types


class _LazyModule(types.ModuleType):
    def __init__(self, name):
        super().__init__(name)
        self.__dict__["_lazy_target"] = None

    def _load(self):
        target = self.__dict__["_lazy_target"]
        if target is None:
            target = importlib.import_module(self.__name__)
            self.__dict__["_lazy_target"] = target
        return target

    def __getattr__(self, attr):
        return getattr(self._load(), attr)


def lazy_module(name, *args, **kwargs):
    return _LazyModule(name)


def lazy_callable(name, *args, **kwargs):
    module, _, attr = name.rpartition(".")

    def call(*a, **k):
        return getattr(importlib.import_module(module), attr)(*a, **k)

    return call


lazy_function = lazy_class = lazy_callable
