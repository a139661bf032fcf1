"""The README quotes the program (the platform table, command outputs): each quote is a cog block that
`make docs` regenerates from the CLI; this fails, with the diff, when one no longer matches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_quotes_the_program_as_it_is() -> None:
    done = subprocess.run([sys.executable, "-m", "cogapp", "--check", "--diff", "README.md"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (f"README.md is stale: run `make docs` (cog -r README.md) and commit it.\n"
                                  f"{done.stdout[-4000:]}{done.stderr[-4000:]}")
    assert "Checking README.md" in done.stdout  # cog read the file (a missing cogapp or file fails above)
