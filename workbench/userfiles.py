"""Loading files that people write (brand profiles, workspace config, prompt front matter).

pydantic's errors name a field path but not a line; editors fix YAML by line. This module maps each
validation error back to the line of the offending key with PyYAML's composed node tree, and adds a
"did you mean" for misspelt keys, so a typo reads as `brand.yaml:12: tone.adjetives: unknown field
(did you mean 'adjectives'?)`.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import WorkbenchError

M = TypeVar("M", bound=BaseModel)


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Line (1-based) of the deepest node that `loc` reaches in the composed YAML tree."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    # an unknown key is reported at the key itself
                    line = key.start_mark.line + 1
                    node = value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model that sits at `loc` (for suggestions)."""
    current: Any = model
    skip_key = False  # the part after a dict or list field is a key or an index, not a field
    for part in loc[:-1]:
        if skip_key:
            skip_key = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = field.annotation
        args = getattr(current, "__args__", ())
        if args:
            skip_key = getattr(current, "__origin__", None) in (dict, list, tuple)
            current = next((a for a in reversed(args) if isinstance(a, type) and issubclass(a, BaseModel)),
                           current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def describe_errors(exc: ValidationError, model: type[BaseModel], node: yaml.Node | None,
                    path: Path | str) -> list[str]:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        dotted = ".".join(str(p) for p in loc if p != "[key]") or "(top level)"
        line = line_of(node, loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            allowed = _allowed_keys(model, loc)
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            msg = "unknown field" + (f" (did you mean '{close[0]}'?)" if close else
                                     f" (allowed: {', '.join(allowed)})" if allowed else "")
        where = f"{path}:{line}" if line else str(path)
        lines.append(f"{where}: {dotted}: {msg}")
    return lines


def read_yaml(path: Path, error: type[WorkbenchError], what: str) -> tuple[Any, yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{what} file not found.", path=path, fix="check the path or the name.") from None
    except UnicodeDecodeError:
        raise error(f"{what} file is not UTF-8 text.", path=path, fix="save it as UTF-8.") from None
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"not valid YAML{where}: {problem}.", path=path,
                    fix="check the indentation and quoting on that line.") from None
    return data, node


def load_model(path: Path, model: type[M], error: type[WorkbenchError], what: str,
               context: dict[str, Any] | None = None) -> M:
    data, node = read_yaml(path, error, what)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise error(f"{what} must be a YAML mapping (key: value lines), not {type(data).__name__}.",
                    path=path, fix="start the file with 'name: ...'.")
    return validate_data(data, model, error, what, path, node, context)


def validate_data(data: dict[str, Any], model: type[M], error: type[WorkbenchError], what: str,
                  path: Path | str, node: yaml.Node | None = None,
                  context: dict[str, Any] | None = None) -> M:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        details = describe_errors(exc, model, node, path)
        raise error(f"{what} is not valid:\n  " + "\n  ".join(details), path=None,
                    fix="correct the fields listed above.") from None
