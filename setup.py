"""Build hook: copy the project's top-level data folders into the package, so a wheel works outside a checkout.

`prompts/`, `brand_voice/`, `media/fonts/` and the sample pillar stay at the top of the repository, where
users edit them; `build_py` copies them to `workbench/_data/` in the build directory only (never into the
source tree). An editable install skips the copy and `workbench.resources` falls back to the checkout.
Everything else about the package is declared in pyproject.toml; MANIFEST.in carries the folders in the sdist.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
PACKAGED = Path("workbench") / "_data"

# (folder or file in the repository, where it lands under workbench/_data/); keep in step with
# workbench/resources.py (DATA) and MANIFEST.in
DATA: list[tuple[str, str]] = [
    ("prompts", "prompts"),
    ("brand_voice", "brand_voice"),
    ("media/fonts", "fonts"),
    ("media/samples/batch-your-content.md", "samples/batch-your-content.md"),
    ("notebooks", "notebooks"),
]


def data_files() -> list[tuple[Path, Path]]:
    """Every file to copy, as (source, destination relative to workbench/_data/); hidden files are left out."""
    found: list[tuple[Path, Path]] = []
    for source, dest in DATA:
        src = HERE / source
        if src.is_file():
            found.append((src, Path(dest)))
        elif src.is_dir():
            found += [(p, Path(dest) / p.relative_to(src)) for p in sorted(src.rglob("*"))
                      if p.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                                 for part in p.relative_to(src).parts)]
        else:
            raise FileNotFoundError(f"{src}: missing; the package needs it (see DATA in setup.py)")
    return found


class build_py_with_data(build_py):
    """build_py, then the data folders copied into the built package (not for an editable install)."""

    def _copies_data(self) -> bool:
        return not getattr(self, "editable_mode", False)

    def run(self) -> None:
        super().run()
        if not self._copies_data():
            return
        target = Path(self.build_lib) / PACKAGED
        if target.exists():
            shutil.rmtree(target)  # a file removed from the repository does not linger from an earlier build
        for src, dest in data_files():
            (target / dest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / dest)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs: list[str] = list(super().get_outputs(include_bytecode))
        if self._copies_data():
            outputs += [str(Path(self.build_lib) / PACKAGED / dest) for _, dest in data_files()]
        return outputs


setup(cmdclass={"build_py": build_py_with_data})
