"""Modules that can be called like the function that fronts them.

``kk.catalog()`` and ``kk.scorecard(...)`` are the everyday calls, while ``kpikit.catalog`` and
``kpikit.scorecard`` are also the modules with the rest of the tools (``kk.catalog.benchmarks``,
``kk.scorecard.rate``). Making the module callable lets one name serve both: ``import
kpikit.scorecard as sc`` gives the module, ``kk.scorecard(data, targets)`` calls the function,
and neither needs ``importlib`` or a renamed import.
"""

import inspect
import sys
import types


def make_callable(module_name: str, function) -> None:
    """Let the module ``module_name`` be called as ``function`` (same signature and result).

    >>> import inspect
    >>> import kpikit as kk
    >>> callable(kk.catalog), list(inspect.signature(kk.catalog).parameters)
    (True, ['full'])
    """
    module = sys.modules[module_name]

    class CallableModule(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return function(*args, **kwargs)

    CallableModule.__name__ = CallableModule.__qualname__ = "module"
    module.__class__ = CallableModule
    module.__signature__ = inspect.signature(function)
