"""What every command shares: one error handler, the console, common options.

A `WorkbenchError` (bad input, configuration, an outside service) becomes "error: ... Fix: ..." on stderr
and exit status 2, here and nowhere else: commands do not catch it themselves. Anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

import codecs
from typing import Any, BinaryIO

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


def read_text(stream: BinaryIO, what: str = "the post") -> str:
    """What a command reads from a file or stdin, as text: UTF-8 (a BOM allowed) or UTF-16 with its BOM (as
    Windows editors save it), newlines as LF. Anything else (an image, a .docx, stray bytes piped in) is an
    error naming the source, not a traceback."""
    raw = stream.read()
    name = getattr(stream, "name", "-")
    source = "stdin" if name in ("-", "<stdin>", "<stdin-bytes>") or not isinstance(name, str) else name
    try:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorkbenchError(f"{what} is not text: byte 0x{raw[exc.start]:02x} at offset {exc.start} is not "
                             "UTF-8 (or UTF-16).", path=source,
                             fix="give a UTF-8 text file (save it as UTF-8), not a binary file such as an image "
                                 "or a .docx.") from None
    if "\x00" in text:
        raise WorkbenchError(f"{what} is not text: it holds NUL bytes (a binary file?).", path=source,
                             fix="give a UTF-8 text file, not a binary file such as an image or a .docx.")
    return text.replace("\r\n", "\n").replace("\r", "\n")
