"""Named extension points: a registry per kind (input formats, platforms, ...).

Built-ins are registered exactly as a third-party package would: through a Python entry
point group declared in ``pyproject.toml`` (``[project.entry-points."hydrawatch.formats"]``).
A name may be registered once; an entry point that fails to import is an error, never a
silent skip (a missing platform must not quietly become "no platform").
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Generic, Iterator, TypeVar

from hydrawatch.errors import HydrawatchError

T = TypeVar("T")


class RegistryError(HydrawatchError):
    """A duplicate name, an entry point that does not load, or an object of the wrong kind."""


class UnknownName(RegistryError, KeyError):
    def __str__(self) -> str:  # KeyError quotes its argument; say it plainly
        return str(self.args[0]) if self.args else ""


class Registry(Generic[T]):
    """Objects of one kind (instances of ``kind``) by unique name.

    ``group`` is the entry point group; its entry points are loaded on first use. Each entry
    point names an object (an instance) or a class (instantiated with no arguments).
    """

    def __init__(self, group: str, kind: type, *, what: str):
        self.group = group
        self.kind = kind
        self.what = what
        self._items: dict[str, T] = {}
        self._loaded = False

    def register(self, name: str, obj: T) -> T:
        if not isinstance(obj, self.kind):
            raise RegistryError(f"{self.what} {name!r}: {obj!r} is not a {self.kind.__name__}")
        if name in self._items:
            raise RegistryError(f"{self.what} {name!r} is registered twice "
                                f"({self._items[name]!r} and {obj!r})")
        self._items[name] = obj
        return obj

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)

    def load(self) -> None:
        if self._loaded:
            return
        before = dict(self._items)
        try:
            for ep in sorted(entry_points(group=self.group), key=lambda e: e.name):
                try:
                    obj = ep.load()
                except Exception as exc:  # a broken plugin is reported, never skipped
                    raise RegistryError(f"{self.what} {ep.name!r} ({ep.value}) failed to load: "
                                        f"{type(exc).__name__}: {exc}") from exc
                if isinstance(obj, type):
                    obj = obj()
                self.register(ep.name, obj)
        except BaseException:
            self._items = before  # every later use fails the same way, never half-loaded
            raise
        self._loaded = True

    def get(self, name: str) -> T:
        self.load()
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise UnknownName(f"unknown {self.what} {name!r} (known: {known})") from None

    def names(self) -> list[str]:
        self.load()
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        self.load()
        return name in self._items

    def __iter__(self) -> Iterator[T]:
        self.load()
        return iter([self._items[n] for n in sorted(self._items)])

    def items(self) -> list[tuple[str, T]]:
        self.load()
        return sorted(self._items.items())
