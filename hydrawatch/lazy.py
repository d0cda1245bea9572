"""Lazy re-exports for package ``__init__`` modules.

A package lists its public names and the submodule each lives in; the submodule is imported
on first access. ``import hydrawatch.scoring`` therefore stays cheap (no numpy, scipy,
sklearn or faiss) while ``from hydrawatch.scoring import score_store`` still works, and the
CLI's ``--help`` does not pay for pipelines it will not run.
"""

from __future__ import annotations

import importlib
from typing import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], object],
                                                                    Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``exports`` maps a public name to the
    submodule (relative to ``package``) that defines it."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> object:
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value  # later lookups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__
