"""The publisher behind `publish --due --dry-run`: says what would go out and sends nothing.

Not registered as a destination: `publish_due` uses it in dry-run mode only, so a dry run can never mark
an item published.
"""

from __future__ import annotations

from collections.abc import Callable

from ..queue import Item
from .base import Published


class DryRunPublisher:
    """Logs what would go out; changes nothing in the queue."""

    name = "dry-run"

    def __init__(self, log: Callable[[str], None] = print) -> None:
        self.log = log

    def publish(self, item: Item, key: str) -> Published:
        when = item.scheduled_at.isoformat() if item.scheduled_at else "now"
        first = item.draft.parts[0].split("\n")[0][:60]
        self.log(f"would publish item {item.id} to {item.platform} ({when}, key {key}): {first}")
        return Published(external_id=f"dry-run:{key}")
