"""Which publisher each due item goes to.

In order: `--to` (every item), the first route in workbench.yaml that names the item's platform and
brand, then one that names the platform only, then `publish.default`, then the catalogue's
`PlatformSpec.publisher` for the platform. Names are looked up in the `workbench.publishers` registry and
each publisher is built once, from its options, before anything is sent, so a route to a publisher that
is not installed stops the run instead of failing half of it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from ..config import PublishConfig
from ..platforms import PlatformSpec, registry
from ..plugins import Group, PluginError, Registry
from ..queue import Item
from .base import Publisher, PublisherConfigError

PublisherFactory = Callable[..., Publisher]

publishers: Registry[PublisherFactory] = Registry(Group.PUBLISHERS, "publisher", "--to")


class RoutingError(PublisherConfigError):
    """A due item routed to a publisher that is not installed."""


class Router:
    """Resolves each item to a publisher, building each publisher once from its options."""

    def __init__(self, config: PublishConfig | None = None, specs: Mapping[str, PlatformSpec] | None = None,
                 options: Callable[[str], Mapping[str, Any]] | None = None, override: str | None = None) -> None:
        self.config = config or PublishConfig()
        self.specs = specs if specs is not None else registry()
        self.options = options or (lambda name: self.config.publishers.get(name, {}))
        self.override = override
        self._built: dict[str, Publisher] = {}

    @classmethod
    def single(cls, publisher: Publisher) -> Router:
        """Every item to this one publisher (what `--to` does, and what a caller with one publisher wants)."""
        router = cls(override=publisher.name)
        router._built[publisher.name] = publisher
        return router

    def choose(self, item: Item) -> tuple[str, str]:
        """The publisher's name for the item, and where that choice is configured (for error messages)."""
        if self.override:
            return self.override, "--to"
        routes = self.config.routes
        for n, route in enumerate(routes):
            if route.platform == item.platform and route.brand == item.brand:
                return route.publisher, f"publish.routes[{n}]"
        for n, route in enumerate(routes):
            if route.platform == item.platform and route.brand is None:
                return route.publisher, f"publish.routes[{n}]"
        if self.config.default:
            return self.config.default, "publish.default"
        spec = self.specs.get(item.platform)
        if spec is None:  # a platform this catalogue lacks: the catalogue's own default
            return str(PlatformSpec.model_fields["publisher"].default), "PlatformSpec.publisher"
        return spec.publisher, f"platforms.{item.platform}.publisher"

    def publisher_for(self, item: Item) -> tuple[str, Publisher]:
        name, where = self.choose(item)
        if name not in self._built:
            try:
                factory = publishers.get(name)
            except PluginError as exc:
                raise RoutingError(f"item {item.id} ({item.platform}, brand {item.brand}) goes to publisher "
                                   f"'{name}', which is not installed.", field=where, fix=exc.fix) from None
            self._built[name] = self._build(name, factory)
        return name, self._built[name]

    def _build(self, name: str, factory: PublisherFactory) -> Publisher:
        options = dict(self.options(name))
        try:
            inspect.signature(factory).bind(**options)
        except TypeError as exc:
            raise PublisherConfigError(f"the {name} publisher does not take these options: {exc}.",
                                       field=f"publish.publishers.{name}",
                                       fix=f"check the option names for '{name}'.") from None
        return factory(**options)
