"""`workbench init`: make (or complete) a workspace."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from ._base import HandledCommand, console


@click.command("init", cls=HandledCommand)
@click.argument("folder", type=click.Path(path_type=Path), default=Path("."), required=False)
@click.option("--timezone", default="UTC", show_default=True, help="The schedule's IANA time zone, e.g. Europe/Berlin.")
def init_cmd(folder: Path, timezone: str) -> None:
    """Make FOLDER (default: here) a workspace: workbench.yaml, the queue, brand voices, pillars/, notebooks."""
    from ..workspace import init_workspace

    report = init_workspace(folder, timezone)
    out = console()
    for path in report.created:
        out.print(f"created  {escape(str(path.relative_to(report.folder)))}")
    for path in report.kept:
        out.print(f"kept     {escape(str(path.relative_to(report.folder)))} (already there, not changed)")
    here = folder == Path(".")
    where = "" if here else f"cd {escape(str(folder))}\n  "
    out.print(f"\nWorkspace ready{' here' if here else ': ' + escape(str(folder))}. Next:\n"
              f"  {where}repurpose pillars/batch-your-content.md -p linkedin,x --queue\n"
              "  workbench queue approve 1 --revision 1     (workbench queue list shows the ids)\n"
              "  workbench schedule plan\n"
              "or open the notebooks: jupyter lab notebooks/", highlight=False)
