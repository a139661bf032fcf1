"""`workbench init`: a folder a team works in, made once and found again by every command and notebook.

A workspace holds workbench.yaml (commented, to edit), the review queue (`.workbench/queue.sqlite` unless
workbench.yaml names a database), copies of the example brand voices to edit (`brand_voice/`), a `pillars/`
folder with the sample pillar, and the three notebooks. `config.find_workspace` finds it from any folder
inside it (or from `WORKBENCH_HOME`), so the notebooks and the CLI share one queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config import CONFIG_NAME, load_settings
from .errors import ConfigError
from .files import write_atomic
from .resources import data_path

SAMPLE = "batch-your-content.md"

CONFIG_TEMPLATE = """\
# workbench.yaml: this workspace's settings. Every command and notebook started in this folder (or below
# it, or with WORKBENCH_HOME pointing here) reads it. Anything left out has its default.

# the brand voice drafts follow: a file in brand_voice/ (edit the copies there, or add your own)
brand: northwind-advisory

# extractive works offline with no key; llm uses any OpenAI-compatible server (set model and base_url)
engine: extractive
# model: gpt-4o-mini
# base_url: http://localhost:11434/v1      # Ollama; the API key comes from OPENAI_API_KEY, never from here

# who approves and edits, in the queue's history (default: your login name)
# author: ana

# where repurpose writes its drafts and media
out: out

schedule:
  timezone: {timezone}      # an IANA zone: the slots below are in it
  # the catalogue has slots for every platform; list a platform here to use your own instead
  # slots:
  #   linkedin: ["tue 09:00", "thu 12:30"]
  #   x: ["mon 08:00", "wed 17:00"]
  blackout: []           # dates with no posts, e.g. [2026-12-25]

# the queue is .workbench/queue.sqlite in this folder; a team can share one PostgreSQL database instead
# queue_url: postgresql+psycopg://user@host/workbench
"""


@dataclass
class InitReport:
    """What `init_workspace` made and what it found already there (and left as it was)."""

    folder: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def init_workspace(folder: str | Path, timezone: str = "UTC") -> InitReport:
    """Make `folder` a workspace, or complete one: only what is missing is created, nothing is overwritten, so
    running it again (or on a workspace an older version made) is safe."""
    root = Path(folder).expanduser()
    if root.exists() and not root.is_dir():
        raise ConfigError("is a file, not a folder.", path=root, field="DIR",
                          fix="choose a new or existing folder for the workspace.")
    # a broken workbench.yaml is said before anything is added beside it
    existing = load_settings(workspace=root) if (root / CONFIG_NAME).is_file() else None
    root.mkdir(parents=True, exist_ok=True)
    report = InitReport(root)

    def put(path: Path, content: bytes) -> None:
        if path.exists():
            report.kept.append(path)
        else:
            write_atomic(path, content)
            report.created.append(path)

    put(root / CONFIG_NAME, CONFIG_TEMPLATE.format(timezone=timezone).encode())
    for brand in sorted(data_path("brand_voice").glob("*.y*ml")):
        put(root / "brand_voice" / brand.name, brand.read_bytes())
    pillars = root / "pillars"
    if not pillars.is_dir():
        pillars.mkdir(parents=True)
        report.created.append(pillars)
    put(pillars / SAMPLE, (data_path("samples") / SAMPLE).read_bytes())
    for book in sorted(data_path("notebooks").glob("*.ipynb")):
        put(root / "notebooks" / book.name, book.read_bytes())
    settings = existing or load_settings(workspace=root)
    queue_file = root / ".workbench" / "queue.sqlite"
    had_queue = queue_file.exists()
    settings.queue()  # creates the database (or upgrades an old one) and its tables
    if settings.get("queue_url") is None:
        (report.kept if had_queue else report.created).append(queue_file)
    return report

