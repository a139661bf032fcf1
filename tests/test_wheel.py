"""The wheel works outside a checkout: built from the sdist, installed non-editable in a fresh virtual
environment and run from a folder that has nothing to do with the repository, it finds its example brands,
prompt templates, caption fonts and sample pillar inside the installed package.

To stay fast the fresh environment gets no dependencies of its own: the wheel goes in with `--no-deps`
and a `.pth` file appends this environment's site-packages to `sys.path`. A directory added that way is
not a site directory, so the `.pth` files inside it (among them the editable install's finder, which
would import the checkout) are not processed; the test checks that the checkout is unreachable.

Deselect with `-m "not wheel"`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import venv
import zipfile
from pathlib import Path

import pytest

from workbench.media.video import ffmpeg_exe

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[1]
# never copied into the build: environments, caches, earlier builds and outputs (a stale build/lib is how
# a deleted module sneaks into a wheel)
IGNORED = shutil.ignore_patterns(".git", ".venv", "build", "dist", "out", "*.egg-info", "__pycache__", "_data",
                                 ".pytest_cache", ".hypothesis", ".workbench", "test-artifacts", "*.ipynb_checkpoints")
DATA_IN_WHEEL = ["workbench/_data/prompts/draft.md", "workbench/_data/prompts/brief.md",
                 "workbench/_data/prompts/thread.md", "workbench/_data/prompts/judge.md",
                 "workbench/_data/brand_voice/northwind-advisory.yaml", "workbench/_data/brand_voice/sunny-studio.yaml",
                 "workbench/_data/fonts/DejaVuSans-Bold.ttf", "workbench/_data/fonts/LICENSE-DejaVu.txt",
                 "workbench/_data/samples/batch-your-content.md", "workbench/_data/notebooks/01-repurpose.ipynb"]
# this venv's site-packages, where the fresh venv finds the dependencies
DEPENDENCIES = list(dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]))
CAPTIONS = ["Did you know it takes 23 minutes to refocus after an interruption?",
            "That is why batching matters so much for small teams.",
            "We plan a whole month of posts in one afternoon.",
            "So the week stays free for real conversations with customers."]


def _run(cmd: list[str | Path], cwd: Path, env: dict[str, str] | None = None,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if check and done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def _build_wheel(base: Path) -> Path:
    """sdist, then the wheel from the unpacked sdist (what `python -m build` does): a file MANIFEST.in
    forgets is missing from the wheel too. The build runs on a copy, so the checkout is not written to."""
    source, dist = base / "src", base / "dist"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, source], cwd=base)
    [wheel] = dist.glob("workbench-*.whl")
    return wheel


def _fresh_env(base: Path, wheel: Path) -> tuple[Path, Path, dict[str, str]]:
    """A new venv with the wheel installed non-editable; dependencies come from this venv, the checkout does not."""
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index",
          "--disable-pip-version-check", wheel], cwd=base)
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=base)
                .stdout.strip())
    (site / "zz_dependencies_from_test_venv.pth").write_text("".join(f"{p}\n" for p in DEPENDENCIES), encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "PYTHONSAFEPATH"}
           and not k.startswith("WORKBENCH_")}
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "200"
    return env_dir, bindir, env


def _make_talk(folder: Path) -> Path:
    video = folder / "talk.mp4"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                    "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                    str(video)], check=True)
    def ts(seconds: float) -> str:
        return f"00:00:{int(seconds):02d},{round(seconds % 1 * 1000):03d}"
    cues = [f"{i + 1}\n{ts(i * 1.5)} --> {ts((i + 1) * 1.5)}\n{text}\n" for i, text in enumerate(CAPTIONS)]
    (folder / "talk.srt").write_text("\n".join(cues), encoding="utf-8")
    return video


def test_installed_wheel_works_outside_the_checkout(tmp_path: Path) -> None:
    started = time.monotonic()
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [n for n in DATA_IN_WHEEL if n not in names], f"data missing from the wheel: {sorted(names)}"
    env_dir, bindir, env = _fresh_env(tmp_path, wheel)
    work = tmp_path / "elsewhere"  # the working folder: no brand_voice/, prompts/ or media/ around it
    work.mkdir()

    # the package and its data come from the fresh venv; nothing can reach the checkout
    probe = _run([bindir / "python", "-c", """if True:
        import json, sys, workbench
        from workbench.brand import PROJECT_BRANDS
        from workbench.media.video import PROJECT_FONTS
        from workbench.prompts import PROJECT_PROMPTS
        from workbench.resources import data_path
        print(json.dumps({"workbench": workbench.__file__, "sys_path": sys.path,
                          "meta_path": [repr(f) for f in sys.meta_path],
                          "data": {n: str(data_path(n)) for n in ("prompts", "brand_voice", "fonts", "samples")},
                          "constants": [str(PROJECT_PROMPTS), str(PROJECT_BRANDS), str(PROJECT_FONTS)]}))
        """], cwd=work, env=env)
    found = json.loads(probe.stdout)
    assert Path(found["workbench"]).is_relative_to(env_dir), found["workbench"]
    for path in [*found["data"].values(), *found["constants"]]:
        assert Path(path).is_relative_to(env_dir), path
    assert set(DEPENDENCIES) <= set(found["sys_path"]), found["sys_path"]
    assert not [p for p in found["sys_path"] if p and Path(p).resolve().is_relative_to(ROOT)
                and not any(Path(p).is_relative_to(d) for d in DEPENDENCIES)], found["sys_path"]
    assert not [f for f in found["meta_path"] if "editable" in f.lower()], found["meta_path"]
    sample = Path(found["data"]["samples"]) / "batch-your-content.md"

    # (a) the example brands, by name, from the package
    for brand in ("northwind-advisory", "sunny-studio"):
        done = _run([bindir / "repurpose", sample, "--brand", brand, "--platforms", "linkedin,instagram", "--out",
                     f"out-{brand}"], cwd=work, env=env)
        drafts = json.loads((work / f"out-{brand}" / "batch-your-content" / "drafts.json").read_text(encoding="utf-8"))
        assert drafts and "1 written" in done.stdout, done.stdout
    sunny = (work / "out-sunny-studio" / "batch-your-content" / "drafts.json").read_text(encoding="utf-8")
    assert "#SunnyStudio" in sunny  # the brand's own hashtag: the profile was read

    # (b) the LLM engine's prompt templates (every platform's): a dry run counts the tokens, sends nothing
    done = _run([bindir / "repurpose", sample, "--engine", "llm", "--model", "gpt-4o-mini", "--dry-run"],
                cwd=work, env={k: v for k, v in env.items() if k not in {"OPENAI_API_KEY", "OPENAI_BASE_URL"}})
    assert "dry run" in done.stdout and "nothing sent" in done.stdout, done.stdout

    # (c) a reel with burned-in captions: the font comes from the package
    talk = _make_talk(work)
    done = _run([bindir / "workbench", "reels", talk.name, "-n", "1", "--min-seconds", "3", "--max-seconds", "3.5",
                 "-o", "reels"], cwd=work, env=env)
    clips = list((work / "reels").glob("*.mp4"))
    assert len(clips) == 1 and clips[0].stat().st_size > 10_000, done.stdout
    written = sorted(p.name for p in (work / "reels").iterdir())
    assert [n for n in written if n.endswith(".ass")] and [n for n in written if n.endswith(".srt")], written

    print(f"wheel built, installed and exercised in {time.monotonic() - started:.1f} s")
