"""Content repurposing workbench: one pillar asset in, platform-ready posts out.

The public face: notebooks import only from here. Most names load on first use, so `import workbench`
does not pay for the database and widget libraries it does not touch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# bound now, not lazily: the submodule of the same name would otherwise shadow the function once imported
from .repurpose import repurpose

if TYPE_CHECKING:
    from .brand import BrandVoice, load_brand
    from .config import Settings, find_workspace, load_settings
    from .drafts import CTA, CTAKind, Draft, MediaAsset, Problem, Provenance
    from .engines import engine_names, get_engine
    from .errors import WorkbenchError
    from .media.video import ffmpeg_exe
    from .pillar import Pillar, load_pillar
    from .platforms import PlatformSpec, get_platform, split_thread, validate
    from .publish import publish_due
    from .queue import Queue
    from .repurpose import RunOptions, queue_drafts, run_batch
    from .resources import data_path
    from .schedule import plan
    from .scoring import score
    from .ui import Calendar, Composer, ReviewQueue
    from .workspace import init_workspace

_WHERE = {
    "BrandVoice": "brand", "load_brand": "brand",
    "Settings": "config", "find_workspace": "config", "load_settings": "config",
    "CTA": "drafts", "CTAKind": "drafts", "Draft": "drafts", "MediaAsset": "drafts", "Problem": "drafts",
    "Provenance": "drafts",
    "engine_names": "engines", "get_engine": "engines",
    "WorkbenchError": "errors",
    "ffmpeg_exe": "media.video",
    "Pillar": "pillar", "load_pillar": "pillar",
    "PlatformSpec": "platforms", "get_platform": "platforms", "split_thread": "platforms", "validate": "platforms",
    "publish_due": "publish",
    "Queue": "queue",
    "RunOptions": "repurpose", "queue_drafts": "repurpose", "run_batch": "repurpose",
    "data_path": "resources",
    "plan": "schedule",
    "score": "scoring",
    "Calendar": "ui", "Composer": "ui", "ReviewQueue": "ui",
    "init_workspace": "workspace",
}

# a literal, so linters see the re-exports; tests/test_architecture.py checks it matches _WHERE
__all__ = [
    "BrandVoice", "CTA", "CTAKind", "Calendar", "Composer", "Draft", "MediaAsset", "Pillar", "PlatformSpec",
    "Problem", "Provenance", "Queue", "ReviewQueue", "RunOptions", "Settings", "WorkbenchError", "data_path",
    "engine_names", "ffmpeg_exe", "find_workspace", "get_engine", "get_platform", "init_workspace", "load_brand",
    "load_pillar", "load_settings", "plan", "publish_due", "queue_drafts", "repurpose", "run_batch", "score",
    "split_thread", "validate",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
