"""Loading files that people write (brand profiles, workspace config, prompt front matter).

pydantic's errors name a field path but not a line; editors fix YAML by line. This module maps each
validation error back to the line of the offending key with PyYAML's composed node tree, and adds a
"did you mean" for misspelt keys, so a typo reads as `brand.yaml:12: tone.adjetives: unknown field
(did you mean 'adjectives'?)`.

Every YAML a user writes (brand profiles, workbench.yaml, a pillar's front matter) is read by `safe_load`:
PyYAML's safe loader without anchors and aliases (418 bytes of "billion laughs" took 7.8 GB and a minute),
with a size cap, a nesting limit, and values that cannot be built (`2024-02-30`) reported at their line.
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


MAX_YAML_BYTES = 1024 * 1024  # a brand profile or workbench.yaml is a page of settings


MAX_YAML_DEPTH = 64  # levels of nesting: settings need a handful; libyaml recurses in C (100,000 crash it)


class YAMLAliasError(yaml.MarkedYAMLError):
    """An anchor (&name) or alias (*name): refused, so no document can expand to gigabytes."""


class YAMLValueError(yaml.constructor.ConstructorError):
    """A value YAML can parse but Python cannot build: `2024-02-30`, an int of 5,000 digits."""


class YAMLDepthError(yaml.MarkedYAMLError):
    """Nesting deeper than `MAX_YAML_DEPTH`: refused before libyaml's recursive composer sees it."""


# libyaml where PyYAML has it (python-frontmatter used it, and it reads what people write: a tab after a list
# item, which the pure-Python scanner refuses), else the pure-Python loader
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SafeLoader(_Base):  # type: ignore[misc]
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """A value that cannot be built (`2024-02-30`, an int of 5,000 digits) is a YAML error at its line,
        not a ValueError."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            value = str(node.value)
            shown = value if len(value) <= 40 else value[:37] + "..."
            raise YAMLValueError(None, None, f"'{shown}' cannot be read: {exc}", node.start_mark) from None


def _check_events(text: str) -> None:
    """Walk the event stream (lazily: it stops at the first offence) for anchors, aliases and deep nesting."""
    depth = 0
    for event in yaml.parse(text, Loader=_Base):
        mark: Any = event.start_mark  # libyaml's Mark or PyYAML's: both have line and column
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            alias = isinstance(event, yaml.AliasEvent)
            raise YAMLAliasError(None, None, f"{'alias' if alias else 'anchor'} '{'*' if alias else '&'}{anchor}': "
                                 "anchors and aliases are not allowed", mark)
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise YAMLDepthError(None, None, f"nested more than {MAX_YAML_DEPTH} levels deep", mark)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def safe_load(text: str) -> tuple[Any, yaml.Node | None]:
    """The data and the composed node tree (for line numbers) of one YAML document, parsed once for checks
    and once to build: no anchors or aliases, no deep nesting, values that can be built.

    Raises `yaml.YAMLError` (`YAMLAliasError`, `YAMLDepthError`, or a syntax error), each with its line."""
    _check_events(text)
    loader = _SafeLoader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def yaml_problem(exc: BaseException, first_line: int = 1) -> tuple[str, str]:
    """What is wrong with a YAML text (with its line) and the fix, for an error message."""
    if isinstance(exc, RecursionError):
        return "nested too deeply.", "flatten the nesting (a few levels are all a settings file needs)."
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + first_line}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, YAMLAliasError):
        return f"{problem}{where}.", "write the value out in full instead of '&name' and '*name'."
    if isinstance(exc, YAMLValueError):
        return f"{problem}{where}.", "correct that value (a date is YYYY-MM-DD; quote it to keep it as text)."
    if isinstance(exc, YAMLDepthError):
        return f"{problem}{where}.", "flatten the nesting (a few levels are all a settings file needs)."
    return f"not valid YAML{where}: {problem}.", "check the indentation and quoting on that line."


def read_yaml(path: Path, error: type[WorkbenchError], what: str,
              max_bytes: int = MAX_YAML_BYTES) -> tuple[Any, yaml.Node | None]:
    try:
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise error(f"{what} file not found.", path=path, fix="check the path or the name.") from None
    except IsADirectoryError:
        raise error(f"{what} path is a folder, not a file.", path=path, fix="give the YAML file inside it.") from None
    except OSError as exc:
        raise error(f"{what} file cannot be read: {exc.strerror}.", path=path,
                    fix="check the file's permissions.") from None
    if len(raw) > max_bytes:
        size = path.stat().st_size
        raise error(f"{what} file is {size / 1e6:.1f} MB, over the {max_bytes // 1024} KiB limit.", path=path,
                    fix=f"a {what} is a page of settings: check that this is the right file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{what} file is not UTF-8 text.", path=path, fix="save it as UTF-8.") from None
    try:
        return safe_load(text)
    except (yaml.YAMLError, RecursionError) as exc:
        problem, fix = yaml_problem(exc)
        raise error(problem, path=path, fix=fix) from None


def load_model(path: Path, model: type[M], error: type[WorkbenchError], what: str,
               context: dict[str, Any] | None = None, max_bytes: int = MAX_YAML_BYTES) -> M:
    data, node = read_yaml(path, error, what, max_bytes)
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
