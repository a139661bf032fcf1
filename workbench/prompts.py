"""Prompt templates as files (`prompts/*.md`): YAML front matter, then the text with `{variables}`.

A template declares its variables; rendering with one missing (or an unknown one in the text) is an
error before any model is called, so a typo in a prompt costs nothing.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import frontmatter
import yaml
from pydantic import BaseModel, ConfigDict, Field

from .errors import WorkbenchError
from .resources import data_path
from .userfiles import validate_data

PROJECT_PROMPTS = data_path("prompts")


class PromptError(WorkbenchError):
    pass


class PromptMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    version: int = Field(ge=1)
    task: Literal["brief", "draft"]
    description: str = ""
    variables: list[str]


@dataclass(frozen=True)
class Prompt:
    meta: PromptMeta
    system: str
    user: str
    path: Path

    @property
    def version(self) -> str:
        return f"{self.meta.name}@v{self.meta.version}"

    def render(self, **values: Any) -> list[tuple[str, str]]:
        missing = [v for v in self.meta.variables if v not in values]
        if missing:
            raise PromptError(f"missing variable(s) {', '.join(missing)}.", path=self.path,
                              fix="pass them when rendering, or remove them from the template.")
        return [("system", self.system.format_map(values)), ("user", self.user.format_map(values))]


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def load_prompt(name: str, folder: Path | None = None) -> Prompt:
    path = (folder or PROJECT_PROMPTS) / f"{name}.md"
    if not path.exists():
        raise PromptError("no such prompt template.", path=path,
                          fix=f"add {path.name} to the prompts folder (see prompts/draft.md).")
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PromptError(f"front matter is not valid YAML: {exc}.", path=path, fix="fix the YAML.") from None
    meta = validate_data(dict(post.metadata), PromptMeta, PromptError, "prompt front matter", path)
    if "\n## user\n" not in "\n" + post.content:
        raise PromptError("the template needs a '## system' and a '## user' section.", path=path,
                          fix="split the text under those two headings.")
    system, user = ("\n" + post.content).split("\n## user\n", 1)
    system = system.replace("\n## system\n", "", 1).strip()
    try:
        used = _fields(system) | _fields(user)
    except ValueError as exc:
        raise PromptError(f"bad braces in the template: {exc}.", path=path,
                          fix="write a literal brace as {{ or }}.") from None
    undeclared = sorted(used - set(meta.variables))
    unused = sorted(set(meta.variables) - used)
    if undeclared or unused:
        detail = "; ".join(x for x in (f"used but not declared: {', '.join(undeclared)}" if undeclared else "",
                                        f"declared but not used: {', '.join(unused)}" if unused else "") if x)
        raise PromptError(f"variables do not match the front matter ({detail}).", path=path, field="variables",
                          fix="make the 'variables' list match the {names} in the text.")
    return Prompt(meta, system, user.strip(), path)
