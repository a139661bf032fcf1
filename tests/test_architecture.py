"""The shape of the code, checked: no import cycles, one reader of the environment, one platform catalogue."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every workbench module this one imports, anywhere in the file (inside functions and TYPE_CHECKING too:
    a lazy import hides a cycle, it does not remove it)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the workbench modules it imports."""
    modules = _modules()
    # importing a submodule runs its package's __init__ first: that edge is implied, not a cycle
    return {name: {t for t in _imports(name, path, set(modules)) if not name.startswith(t + ".")}
            for name, path in modules.items()}


def test_the_import_graph_has_no_cycles() -> None:
    graph = import_graph()
    assert sum(len(v) for v in graph.values()) > 50  # the walk found the imports
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        pytest.fail("import cycle: " + " -> ".join(exc.args[1]))


def test_notebooks_import_only_the_public_face() -> None:
    import json

    deep = []
    for notebook in sorted((PACKAGE.parent / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                         else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
                deep += [f"{notebook.name}: {n}" for n in names if n.startswith("workbench.")]
    assert deep == []


def test_the_public_face_has_what_notebooks_use() -> None:
    import workbench

    for name in ("repurpose", "run_batch", "load_pillar", "load_brand", "Queue", "get_engine", "score", "plan",
                 "publish_due", "Composer", "ReviewQueue", "Calendar"):
        assert callable(getattr(workbench, name)), name


def test_the_public_face_lists_every_lazy_name() -> None:
    # __all__ is a literal (so ruff sees the re-exports); it must stay the sorted names _WHERE loads, plus repurpose
    import workbench

    assert workbench.__all__ == sorted([*workbench._WHERE, "repurpose"])


def test_only_settings_reads_the_environment() -> None:
    readers = []
    for name, path in _modules().items():
        text = path.read_text(encoding="utf-8")
        if ("os.environ" in text or "getenv(" in text) and name != "workbench.config":
            readers.append(name)
    assert readers == []


@pytest.mark.parametrize("table", ["CTA_PREFERENCE", "HASHTAG_TARGET", "POINTS", "VIDEO_PLATFORMS", "CARD_SIZE_FOR",
                                   "DEFAULT_SLOTS", "PREVIEW", "CARD_SIZES"])
def test_no_per_platform_table_outside_the_catalogue(table: str) -> None:
    holders = [n for n, p in _modules().items() if f"\n{table} = " in p.read_text(encoding="utf-8")
               or f"\n{table}: " in p.read_text(encoding="utf-8")]
    assert holders == []
