"""Command line: `workbench` (a group) and `repurpose` (the batch job).

Thin: each command parses its options, calls one library function and prints; errors are reported in
one place (`_base.HandledCommand`).
"""

from __future__ import annotations

import click

from ._base import HandledGroup
from .editor import publish_cmd, queue_group, schedule_group
from .media import cards_cmd, reels_cmd, transcribe_cmd
from .posts import check, inspect, platforms, score_cmd
from .repurpose import repurpose_cmd
from .workspace import init_cmd, report_cmd


@click.group(cls=HandledGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workbench")
def main() -> None:
    """Content repurposing workbench: inspect pillars, check posts against platform rules."""


for command in (init_cmd, inspect, check, score_cmd, platforms, reels_cmd, cards_cmd, transcribe_cmd, queue_group,
                schedule_group, publish_cmd, report_cmd):
    main.add_command(command)


def repurpose_main() -> None:
    repurpose_cmd()


__all__ = ["main", "repurpose_cmd", "repurpose_main"]
