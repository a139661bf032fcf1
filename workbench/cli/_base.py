"""What every command shares: one error handler, the console, common options.

A `WorkbenchError` (bad input, configuration, an outside service) becomes "error: ... Fix: ..." on stderr
and exit status 2, here and nowhere else: commands do not catch it themselves. Anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console

from ..errors import WorkbenchError


def report(exc: WorkbenchError) -> None:
    click.echo(f"error: {exc}", err=True)


class _Handled:
    """The one place a `WorkbenchError` becomes a message and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except WorkbenchError as exc:
            report(exc)
            ctx.exit(2)


class HandledCommand(_Handled, click.Command):
    pass


class HandledGroup(_Handled, click.Group):
    command_class = HandledCommand


HandledGroup.group_class = HandledGroup


def console(err: bool = False) -> Console:
    """Wide enough that tables are not wrapped in logs and in tests; colour only on a terminal. Every string it
    prints is user text (a draft, a brand, a file name, an error), so rich reads no markup and no emoji codes
    in it: a draft holding `[/bold]` would crash the table, `[link=...]` would forge a terminal hyperlink.
    Every command prints through this console; style with `rich.text.Text`, never with markup."""
    return Console(stderr=err, width=max(Console().width, 120), highlight=False, markup=False, emoji=False)


db_option = click.option("--db", help="Queue database URL (default: .workbench/queue.sqlite; or postgresql://...).")
author_option = click.option("--author", help="Your name for the audit log (default: workbench.yaml author, $USER).")
