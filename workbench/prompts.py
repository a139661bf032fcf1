"""Prompt templates as files (`prompts/*.md`): YAML front matter, then the text with `{variables}`.

A template declares its variables; rendering with one missing (or an unknown one in the text) is an
error before any model is called, so a typo in a prompt costs nothing.

Text taken from a pillar is data, never instructions: a template lists such variables under `data:` and
puts each between delimiters of its own (`<pillar>{sentences}</pillar>`), with a system line saying that
what is inside is content. Rendering rewrites any of the template's delimiters found inside a data value
(`</pillar>` becomes `[/pillar]`), so an article cannot close the fence and speak as the prompt.
"""

from __future__ import annotations

import re
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
    # variables whose text comes from the pillar: fenced in the template, delimiters inside them neutralised
    data: list[str] = Field(default_factory=list)


_CLOSING = re.compile(r"</([A-Za-z][\w-]*)>")


@dataclass(frozen=True)
class Prompt:
    meta: PromptMeta
    system: str
    user: str
    path: Path

    @property
    def version(self) -> str:
        return f"{self.meta.name}@v{self.meta.version}"

    @property
    def fences(self) -> list[str]:
        """The delimiters the template wraps data in: every tag it closes (`</pillar>` gives `pillar`)."""
        return sorted(set(_CLOSING.findall(self.system + "\n" + self.user)))

    def render(self, **values: Any) -> list[tuple[str, str]]:
        missing = [v for v in self.meta.variables if v not in values]
        if missing:
            raise PromptError(f"missing variable(s) {', '.join(missing)}.", path=self.path,
                              fix="pass them when rendering, or remove them from the template.")
        values = {k: neutralise(str(v), self.fences) if k in self.meta.data else v for k, v in values.items()}
        return [("system", self.system.format_map(values)), ("user", self.user.format_map(values))]


def neutralise(text: str, tags: list[str]) -> str:
    """Data with each of `tags`, opening or closing, turned into plain text (`</pillar>` -> `[/pillar]`)."""
    if not tags:
        return text
    tag = re.compile(r"<(\s*/?\s*(?:" + "|".join(map(re.escape, tags)) + r")\b[^<>]*)>", re.IGNORECASE)
    return tag.sub(r"[\1]", text)


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def _unfenced(text: str, data: list[str]) -> list[str]:
    """Data variables that appear somewhere outside a `<tag>...</tag>` span of the template."""
    outside = text
    for name in set(_CLOSING.findall(text)):
        outside = re.sub(rf"<{re.escape(name)}>.*?</{re.escape(name)}>", "", outside, flags=re.DOTALL)
    return sorted(set(data) & _fields(outside))


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
    unknown_data = sorted(set(meta.data) - set(meta.variables))
    loose = _unfenced(system + "\n" + user, meta.data)
    if unknown_data or loose:
        detail = (f"not a variable: {', '.join(unknown_data)}" if unknown_data
                  else f"outside a <tag>...</tag> fence: {', '.join(loose)}")
        raise PromptError(f"data variables must be fenced variables ({detail}).", path=path, field="data",
                          fix="put each data variable between delimiters, e.g. <pillar>{sentences}</pillar>, and say "
                              "in the system part that text inside them is content, never instructions.")
    return Prompt(meta, system, user.strip(), path)
