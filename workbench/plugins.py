"""Open registries: engines, publishers, exporters and pillar readers are found through entry points.

The built-ins register through the same door as an outside package (see `[project.entry-points]` in
pyproject.toml), as simonw/llm's plugins do: a package that declares

    [project.entry-points."workbench.engines"]
    myengine = "my_package.engine:MyEngine"

is offered by `repurpose --engine`, the composer's dropdown and `get_engine("myengine")` once installed.
A registry is a dict plus a getter that fails with the known names (pysubs2's formats registry).
"""

from __future__ import annotations

import difflib
from enum import StrEnum
from importlib.metadata import EntryPoint, entry_points
from typing import Generic, TypeVar

from .errors import WorkbenchError

T = TypeVar("T")


class Group(StrEnum):
    """The entry-point groups the workbench reads."""

    ENGINES = "workbench.engines"
    PUBLISHERS = "workbench.publishers"
    EXPORTERS = "workbench.exporters"
    READERS = "workbench.readers"


class PluginError(WorkbenchError):
    """An unknown name, or a plugin that is installed but cannot be loaded."""


class Registry(Generic[T]):
    """Names to objects (usually factories) of one kind: entry points first, then anything registered here."""

    def __init__(self, group: Group, kind: str, option: str) -> None:
        self.group, self.kind, self.option = group, kind, option
        self._found: dict[str, EntryPoint] | None = None
        self._loaded: dict[str, T] = {}
        self._local: dict[str, T] = {}

    def _entry_points(self) -> dict[str, EntryPoint]:
        if self._found is None:
            found = list(entry_points(group=self.group.value))
            # the built-ins first, in their declared order, then plugins by name
            found.sort(key=lambda ep: (getattr(ep.dist, "name", "") != "workbench", 0 if
                                       getattr(ep.dist, "name", "") == "workbench" else ep.name))
            self._found = {}
            for ep in found:
                self._found.setdefault(ep.name, ep)
        return self._found

    def names(self) -> list[str]:
        """Every name this registry offers, built-ins first in their declared order."""
        return list(dict.fromkeys([*self._entry_points(), *self._local]))

    def register(self, name: str, obj: T) -> None:
        """Add an object in-process (tests, notebooks); an installed package uses an entry point instead."""
        self._local[name] = obj

    def unregister(self, name: str) -> None:
        """Remove an object added with `register` (an entry point stays: uninstall its package instead)."""
        self._local.pop(name, None)

    def get(self, name: str) -> T:
        if name in self._local:
            return self._local[name]
        if name in self._loaded:
            return self._loaded[name]
        point = self._entry_points().get(name)
        if point is None:
            known = self.names()
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise PluginError(f"unknown {self.kind} '{name}'.", field=self.option,
                              fix=f"{hint}use one of: {', '.join(known) or '(none installed)'}.")
        try:
            obj: T = point.load()
        except Exception as exc:  # a broken plugin must not take the others down
            raise PluginError(f"the {self.kind} '{name}' is installed but cannot be loaded: "
                              f"{type(exc).__name__}: {exc}.", field=self.option,
                              fix=f"reinstall the package that provides it ({point.value}).") from None
        self._loaded[name] = obj
        return obj

    def items(self) -> list[tuple[str, T]]:
        return [(name, self.get(name)) for name in self.names()]

    def refresh(self) -> None:
        """Read the installed entry points again (after a package was installed in this process)."""
        self._found = None
        self._loaded.clear()
