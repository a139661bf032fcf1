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


@click.command("report", cls=HandledCommand)
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("report.html"), show_default=True,
              help="The HTML page to write (one file, charts inside).")
@click.option("--since", help="Only drafts made in this period: 30d, 12w (default: all).")
@click.option("--brand", help="Only this brand's drafts.")
def report_cmd(out: Path, since: str | None, brand: str | None) -> None:
    """A page of charts for people without Jupyter: scores, when the plan posts, the mix per week."""
    from ..config import load_settings
    from ..report import build_report, parse_period

    settings = load_settings()
    report = build_report(settings.queue(), settings.schedule_for(brand).zone, parse_period(since) if since else None,
                          brand)
    written = report.write(out)
    console().print(f"wrote {escape(str(written))}: {escape(report.title)}", highlight=False)
