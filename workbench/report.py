"""Pictures where people would rather look than read: how a run scored, when the plan posts, the mix of
platforms and of value against promotion week by week, and where a talk's candidate clips sit.

Each chart is a matplotlib figure drawn to SVG (no display, no files) inside an image tag, so the same picture
goes into a widget and into `workbench report`'s page, which is one self-contained HTML file to mail or open
anywhere.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .brand import Scoring
from .errors import ConfigError
from .files import write_atomic
from .queue import ItemState, Queue

READY_AT = Scoring().threshold  # the default brand's "ready" line (a brand may set its own)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# one colour per platform, the same in every chart and in the calendar (colour-blind safe: Okabe-Ito, then grey)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999",
           "#882255", "#44AA99", "#117733")


def platform_colours(platforms: Iterable[str]) -> dict[str, str]:
    """A stable colour per platform name (sorted, so two charts of the same platforms agree)."""
    return {name: PALETTE[n % len(PALETTE)] for n, name in enumerate(sorted(set(platforms)))}


def parse_period(text: str) -> timedelta:
    """'90d', '12w' or '36h' as a length of time."""
    units = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
    number, unit = text.strip()[:-1], text.strip()[-1:].lower()
    if unit not in units or not number.isdigit() or int(number) == 0:
        raise ConfigError(f"'{text}' is not a period.", field="--since",
                          fix="write a number and a unit: 36h, 90d or 12w.")
    return int(number) * units[unit]


def _figure(width: float = 7.0, height: float = 3.2) -> Any:
    from matplotlib.figure import Figure  # no pyplot: no global state, no display needed

    return Figure(figsize=(width, height), layout="constrained")


def svg(figure: Any) -> str:
    """The figure as an inline SVG element (text, so the page needs no other file)."""
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text stays text: searchable, read by screen readers
        figure.savefig(out, format="svg")
    text = out.getvalue()
    return text[text.index("<svg"):]  # drop the XML prologue and doctype: it sits inside HTML


def chart(figure: Any, alt: str) -> str:
    """The figure as an image tag that carries its SVG (a data URI): one string for a widget or the report
    page, nothing to fetch, and, unlike inline SVG, nothing in it can run as script. `alt` says what it shows."""
    data = base64.b64encode(svg(figure).encode("utf-8")).decode("ascii")
    return (f"<img class='wb-chart' alt='{html.escape(alt, quote=True)}' src='data:image/svg+xml;base64,{data}' "
            "style='max-width:100%;height:auto;background:#fff'/>")


def score_distribution(scores: Sequence[int | None], title: str = "Scores of the drafts") -> Any:
    """How many drafts scored in each band of ten, the "ready" line marked."""
    figure = _figure()
    axes = figure.add_subplot()
    known = [s for s in scores if s is not None]
    bins = list(range(0, 101, 10))
    axes.hist(known, bins=bins, color="#0072B2", edgecolor="white")
    axes.axvline(READY_AT, color="#D55E00", linestyle="--", label=f"ready at {READY_AT}")
    axes.set(title=f"{title} ({len(known)})", xlabel="score", ylabel="drafts", xlim=(0, 100))
    axes.legend(loc="upper left")
    return figure


def posting_heatmap(times: Sequence[datetime], zone: ZoneInfo, title: str = "When the plan posts") -> Any:
    """Posts per weekday and hour, in `zone`."""
    grid = [[0] * 24 for _ in WEEKDAYS]
    for when in times:
        local = when.astimezone(zone)
        grid[local.weekday()][local.hour] += 1
    figure = _figure(7.0, 2.8)
    axes = figure.add_subplot()
    image = axes.imshow(grid, aspect="auto", cmap="Blues", vmin=0)
    axes.set_yticks(range(7), WEEKDAYS)
    axes.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    axes.set(title=f"{title} ({len(times)} post{'' if len(times) == 1 else 's'}, {zone.key})", xlabel="hour")
    figure.colorbar(image, ax=axes, label="posts")
    return figure


@dataclass(frozen=True)
class Placed:
    """One post on the calendar, as the mix charts read it."""

    when: datetime
    platform: str
    promotional: bool


def mix_per_week(posts: Sequence[Placed], zone: ZoneInfo) -> Any:
    """Per week: posts by platform (stacked), and the share that promotes (the brand's mix is about 20%)."""
    weeks = sorted({_week(p.when, zone) for p in posts})
    colours = platform_colours(p.platform for p in posts)
    figure = _figure(7.0, 4.6)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(2, 1))
    labels = [w.strftime("%d %b") for w in weeks]
    base = [0] * len(weeks)
    for platform, colour in colours.items():
        counts = [sum(1 for p in posts if p.platform == platform and _week(p.when, zone) == w) for w in weeks]
        top.bar(labels, counts, bottom=base, color=colour, label=platform)
        base = [b + c for b, c in zip(base, counts, strict=True)]
    top.set(title=f"Platform mix per week ({len(posts)} post{'' if len(posts) == 1 else 's'})", ylabel="posts")
    if colours:
        top.legend(loc="upper left", fontsize="small", ncols=min(len(colours), 4))
    shares = [100 * sum(1 for p in posts if p.promotional and _week(p.when, zone) == w)
              / max(1, sum(1 for p in posts if _week(p.when, zone) == w)) for w in weeks]
    bottom.bar(labels, shares, color="#CC79A7")
    bottom.axhline(20, color="#555555", linestyle="--", linewidth=1)
    bottom.set(ylabel="promotion %", ylim=(0, 100), xlabel="week of")
    return figure


def _week(when: datetime, zone: ZoneInfo) -> datetime:
    local = when.astimezone(zone)
    return (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def clip_timeline(clips: Sequence[Any], duration: float, chosen: Sequence[tuple[float, float, float]] = (),
                  title: str = "Candidate clips") -> Any:
    """Each candidate clip as a bar from its start to its end at the height of its score (`clips` have `start`,
    `end` and `score`: `media.clips.Clip`), and the clips the reels were cut from, (start, end, score), on top."""
    figure = _figure(7.0, 3.0)
    axes = figure.add_subplot()
    for clip in clips:
        axes.plot([clip.start, clip.end], [clip.score, clip.score], color="#56B4E9", linewidth=4,
                  solid_capstyle="butt")
    for start, end, score in chosen:
        axes.plot([start, end], [score, score], color="#D55E00", linewidth=5, solid_capstyle="butt")
    axes.set(title=f"{title} ({len(clips)}, chosen in orange)", xlabel="seconds into the talk", ylabel="score",
             xlim=(0, max(duration, 1.0)))
    return figure


# -- the page ---------------------------------------------------------------------------------------------

PAGE_STYLE = ("body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;color:#111}"
              "section{margin-bottom:2em}")


@dataclass
class Report:
    """The charts of a workspace's queue over a period, and the page that holds them."""

    title: str
    sections: list[tuple[str, str, str]]  # (heading, what it shows, the chart's image tag)

    def html(self) -> str:
        body = "".join(f"<section><h2>{html.escape(h)}</h2><p>{html.escape(note)}</p>{picture}</section>"
                       for h, note, picture in self.sections)
        return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
                f"<title>{html.escape(self.title)}</title><style>{PAGE_STYLE}</style></head>"
                f"<body><h1>{html.escape(self.title)}</h1>{body}</body></html>")

    def write(self, path: Path) -> Path:
        return write_atomic(path, self.html().encode("utf-8"))


def build_report(queue: Queue, zone: ZoneInfo, since: timedelta | None = None, brand: str | None = None,
                 now: datetime | None = None) -> Report:
    """The workspace's report: scores of the drafts made in the period, when the plan posts, and the mix per
    week; each chart says how many posts it rests on."""
    moment = now or datetime.now(UTC)
    start = moment - since if since else None
    items = [i for i in queue.list(brand=brand) if start is None or i.created_at >= start]
    placed = [Placed(i.scheduled_at, i.platform, i.promotional) for i in items
              if i.scheduled_at is not None and i.state in (ItemState.SCHEDULED, ItemState.PUBLISHED)]
    period = f"since {start.astimezone(zone):%d %b %Y}" if start else "all time"
    sections = [("Scores", f"The score of every draft in the queue ({period}); {READY_AT} and above is ready to "
                           "post as it stands.", chart(score_distribution([i.score for i in items]),
                                                        f"Histogram of the scores of {len(items)} drafts"))]
    if placed:
        sections.append(("When the plan posts", "Scheduled and published posts by weekday and hour.",
                         chart(posting_heatmap([p.when for p in placed], zone),
                               f"Heatmap of {len(placed)} posts by weekday and hour")))
        sections.append(("Mix per week", "Posts per platform each week, and the share that promotes (the dashed "
                                         "line is the 20% of the 80/20 rule).",
                         chart(mix_per_week(placed, zone), "Posts per platform and promotion share per week")))
    else:
        sections.append(("When the plan posts", "Nothing is scheduled in this period: plan approved posts first "
                                                "(workbench schedule plan).", ""))
    counts = Counter(i.state.value for i in items)
    title = f"Workbench report: {len(items)} drafts ({', '.join(f'{n} {s}' for s, n in sorted(counts.items()))})"
    return Report(title, sections)
