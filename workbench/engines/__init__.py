"""Drafting engines behind one protocol, found through the `workbench.engines` entry points.

`extractive` is the offline default: deterministic, no network. `llm` speaks to any OpenAI-compatible
server. Both are registered in pyproject.toml exactly as an outside package registers its own engine:

    [project.entry-points."workbench.engines"]
    myengine = "my_package:create"

where `create(**options)` returns an object with the `Engine` protocol below. `get_engine` passes the
options every engine receives: `settings` (the workspace's `config.Settings`), `model` and `base_url`
(None where the user gave none); an engine ignores what it does not use.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..brand import BrandVoice
from ..brief import Brief
from ..drafts import Draft
from ..pillar import Pillar
from ..platforms import PlatformSpec
from ..plugins import Group, Registry


class Engine(Protocol):
    name: str

    def brief(self, pillar: Pillar) -> Brief: ...

    def draft(self, pillar: Pillar, brief: Brief, brand: BrandVoice, spec: PlatformSpec,
              variant: int = 0, promotional: bool | None = None) -> Draft: ...


ENGINES: Registry[Any] = Registry(Group.ENGINES, "engine", "--engine")


def engine_names() -> list[str]:
    """Every installed engine, built-ins first: what `repurpose --engine` and the composer offer."""
    return ENGINES.names()


def get_engine(name: str, **options: Any) -> Engine:
    engine: Engine = ENGINES.get(name)(**options)
    return engine
