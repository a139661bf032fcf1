"""Content repurposing workbench: one pillar asset in, platform-ready posts out."""

from .brand import BrandVoice, load_brand
from .config import Settings, load_settings
from .drafts import CTA, Draft, MediaAsset, Provenance
from .errors import WorkbenchError
from .pillar import Pillar, load_pillar
from .platforms import PlatformSpec, Problem, get_platform, split_thread, validate

__all__ = [
    "CTA", "BrandVoice", "Draft", "MediaAsset", "Pillar", "PlatformSpec", "Problem", "Provenance", "Settings",
    "WorkbenchError", "get_platform", "load_brand", "load_pillar", "load_settings", "split_thread", "validate",
]
