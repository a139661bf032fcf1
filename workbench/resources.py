"""The project's data folders, wherever the package runs from.

`prompts/`, `brand_voice/`, `media/fonts/` and the sample pillar live at the top of the repository, where
users edit them. A wheel carries copies in `workbench/_data/` (setup.py copies them at build time); an
editable install or a run from the checkout has no such copy and reads the repository's folders.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

DataName = Literal["prompts", "brand_voice", "fonts", "samples", "notebooks"]

PACKAGE = Path(__file__).resolve().parent
PACKAGED = PACKAGE / "_data"
CHECKOUT = PACKAGE.parent

# name -> the folder in the repository; keep in step with DATA in setup.py and MANIFEST.in
DATA: dict[str, str] = {
    "prompts": "prompts",
    "brand_voice": "brand_voice",
    "fonts": "media/fonts",
    "samples": "media/samples",
    "notebooks": "notebooks",  # `workbench init` copies them into a workspace
}


def data_path(name: DataName) -> Path:
    """The folder `name` names: the packaged copy when the package has one, else the checkout's folder."""
    if name not in DATA:
        raise ValueError(f"unknown data folder {name!r}; known: {', '.join(DATA)}")
    packaged = PACKAGED / name
    return packaged if packaged.is_dir() else CHECKOUT / DATA[name]
