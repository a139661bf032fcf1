"""Drafting engines behind one protocol, chosen by name (a plugin-style registry as in `llm`).

`extractive` is the offline default: deterministic, no network. `llm` speaks to any OpenAI-compatible
server through langchain. Both return `Draft`s that have been through `platforms.validate`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ..brand import BrandVoice
from ..brief import Brief
from ..drafts import Draft
from ..errors import WorkbenchError
from ..pillar import Pillar
from ..platforms import PlatformSpec


class Engine(Protocol):
    name: str

    def brief(self, pillar: Pillar) -> Brief: ...

    def draft(self, pillar: Pillar, brief: Brief, brand: BrandVoice, spec: PlatformSpec,
              variant: int = 0, promotional: bool | None = None) -> Draft: ...


_REGISTRY: dict[str, Callable[..., Engine]] = {}


def register(name: str) -> Callable[[Callable[..., Engine]], Callable[..., Engine]]:
    def deco(factory: Callable[..., Engine]) -> Callable[..., Engine]:
        _REGISTRY[name] = factory
        return factory
    return deco


def get_engine(name: str, **options: Any) -> Engine:
    _load_builtins()
    if name not in _REGISTRY:
        raise WorkbenchError(f"unknown engine '{name}'.", field="engine",
                             fix=f"use one of: {', '.join(sorted(_REGISTRY))}.")
    return _REGISTRY[name](**options)


def _load_builtins() -> None:
    from . import extractive, llm  # noqa: F401  (they register themselves)
