"""Workspace configuration, resolved in one place.

Order for every setting: explicit argument, then the workspace file (`workbench.yaml` in the current
folder, or the file `WORKBENCH_CONFIG` names), then the environment, then the default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import ConfigError
from .pillar import DEFAULT_MAX_BYTES
from .platforms import (
    DEFAULT_PLATFORMS,
    PlatformName,
    PlatformOverride,
    PlatformSpec,
    get_platform,
    registry,
    unknown_platform,
)
from .schedule import ScheduleConfig
from .userfiles import load_model

CONFIG_NAME = "workbench.yaml"


class LLMSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=3, ge=0)
    requests_per_second: float | None = Field(default=None, gt=0)
    # requests in flight at once (a pillar's platforms, and the pillars of a batch, share them)
    concurrency: int = Field(default=4, ge=1, le=64)
    # the short single posts (X, Threads, Bluesky, Mastodon) drafted in one request: their shared prefix
    # (instructions, voice, brief) is sent once, not once each
    together: bool = True
    # the most tokens a reply may take; a reply cut off there is that draft's error, not a traceback
    max_tokens: int = Field(default=1500, ge=16)
    # 0 gives the same reply to the same request (on one server build), for runs that must repeat
    temperature: float = Field(default=0.3, ge=0, le=2)
    # USD per 1M tokens: {model: [input, output]}
    prices: dict[str, tuple[float, float]] = Field(default_factory=dict)


class PublishRoute(BaseModel):
    """Items of a platform (and, if given, a brand) go to the named publisher."""

    model_config = ConfigDict(extra="forbid")

    platform: str
    brand: str | None = None
    publisher: str


class PublishConfig(BaseModel):
    """Where `publish --due` sends each item: `routes` first (a brand's route before a platform's), then
    `default`, then the catalogue's `publisher` for the platform. `publishers` holds each publisher's
    options (`folder: {path: ...}`, `webhook: {url: ...}`); an option `<name>_env` names the environment
    variable that holds option `<name>`, so secrets stay out of the file."""

    model_config = ConfigDict(extra="forbid")

    default: str | None = None
    publishers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    routes: list[PublishRoute] = Field(default_factory=list)


class WorkspaceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brand: str | None = None
    engine: str | None = None
    model: str | None = None
    base_url: str | None = None
    author: str | None = None
    out: str | None = None
    max_pillar_bytes: int | None = Field(default=None, gt=0)
    platforms: dict[PlatformName, PlatformOverride] = Field(default_factory=dict)
    # platforms this workspace adds: a whole catalogue entry each (see `PlatformSpec`), keyed by name
    catalogue: dict[str, PlatformSpec] = Field(default_factory=dict)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    queue_url: str | None = None
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    # a brand with its own slots, zone or blackout dates
    brand_schedules: dict[str, ScheduleConfig] = Field(default_factory=dict)
    webhook_url: str | None = None
    publish: PublishConfig = Field(default_factory=PublishConfig)

    @model_validator(mode="before")
    @classmethod
    def _catalogue_names(cls, data: Any) -> Any:
        """A catalogue entry is named by its key, as every other platform is."""
        if isinstance(data, dict) and isinstance(data.get("catalogue"), dict):
            data = dict(data)
            data["catalogue"] = {k: ({"name": k, **v} if isinstance(v, dict) else v)
                                 for k, v in data["catalogue"].items()}
        return data

    @field_validator("catalogue")
    @classmethod
    def _new_names(cls, value: dict[str, PlatformSpec]) -> dict[str, PlatformSpec]:
        taken = sorted(set(value) & set(DEFAULT_PLATFORMS))
        if taken:
            raise ValueError(f"{', '.join(taken)} is built in: change its facts under 'platforms:' instead")
        return value

    @model_validator(mode="after")
    def _route_platforms(self) -> WorkspaceConfig:
        """A route names a platform of this workspace's catalogue (a typo would route nothing)."""
        known = registry(self.platforms, self.catalogue)
        for n, route in enumerate(self.publish.routes):
            if route.platform not in known:
                err = unknown_platform(route.platform, known=list(known))
                raise ValueError(f"publish.routes[{n}]: {err.message} {err.fix}")
        return self


# setting -> (environment variables, default)
_ENV: dict[str, tuple[tuple[str, ...], Any]] = {
    "brand": (("WORKBENCH_BRAND",), "northwind-advisory"),
    "engine": (("WORKBENCH_ENGINE",), "extractive"),
    "model": (("WORKBENCH_MODEL",), None),
    "base_url": (("WORKBENCH_BASE_URL", "OPENAI_BASE_URL"), None),
    "author": (("WORKBENCH_AUTHOR", "USER"), "editor"),
    "out": (("WORKBENCH_OUT",), "out"),
    "max_pillar_bytes": (("WORKBENCH_MAX_PILLAR_BYTES",), DEFAULT_MAX_BYTES),
    "queue_url": (("WORKBENCH_QUEUE_URL",), None),
    "webhook_url": (("WORKBENCH_WEBHOOK_URL",), None),
}
# secrets come from the environment only, never from a file in the workspace
_SECRETS: dict[str, tuple[str, ...]] = {
    "api_key": ("WORKBENCH_API_KEY", "OPENAI_API_KEY"),
}


@dataclass
class Settings:
    """The resolved view every command and widget reads."""

    file: WorkspaceConfig
    path: Path | None
    workspace: Path

    def get(self, name: str, explicit: Any = None) -> Any:
        if explicit is not None:
            return explicit
        value = getattr(self.file, name)
        if value is not None:
            return value
        env_names, default = _ENV[name]
        for env in env_names:
            raw = os.environ.get(env)
            if raw:
                if isinstance(default, int):
                    try:
                        return int(raw)
                    except ValueError:
                        raise ConfigError(f"{env}={raw!r} is not a whole number.", field=env,
                                          fix=f"set {env} to a number, or unset it.") from None
                return raw
        return default

    def secret(self, name: str) -> str | None:
        """A secret from the environment (never from workbench.yaml, so it cannot be committed)."""
        return next((os.environ[env] for env in _SECRETS[name] if os.environ.get(env)), None)

    def api_key(self) -> str | None:
        return self.secret("api_key")

    def secret_values(self) -> list[str]:
        """Every secret the environment holds (each variable, not only the one in use): what `redact` hides."""
        return [os.environ[env] for names in _SECRETS.values() for env in names if os.environ.get(env)]

    def platform(self, name: str) -> PlatformSpec:
        return get_platform(name, self.file.platforms, self.file.catalogue)

    def platforms(self) -> dict[str, PlatformSpec]:
        """The catalogue as this workspace configures it (built-in entries, its own, its overrides)."""
        return registry(self.file.platforms, self.file.catalogue)

    def schedule_for(self, brand: str | None = None) -> ScheduleConfig:
        return self.file.brand_schedules.get(brand or "", self.file.schedule)

    def publisher_options(self, name: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A publisher's keyword options: `publish.publishers.<name>` in workbench.yaml, then `overrides` (CLI
        options); each `<option>_env` is replaced by that environment variable's value. The webhook also
        takes `webhook_url` / WORKBENCH_WEBHOOK_URL, and its secret from WORKBENCH_WEBHOOK_SECRET."""
        options: dict[str, Any] = dict(self.file.publish.publishers.get(name, {}))
        options.update({k: v for k, v in (overrides or {}).items() if v is not None})
        if name == "webhook":
            if "secret" not in options:
                options.setdefault("secret_env", "WORKBENCH_WEBHOOK_SECRET")
            if not options.get("url") and self.get("webhook_url"):
                options["url"] = self.get("webhook_url")
        for key in [k for k in options if k.endswith("_env")]:
            value = os.environ.get(str(options.pop(key)))
            if value:
                options[key.removesuffix("_env")] = value
        return options

    def queue(self, url: str | None = None) -> Any:
        """The workspace's queue. A URL that names no database or a driver that is not installed is a
        `ConfigError` naming the URL (userinfo hidden) and the fix; an unreachable server is the queue's own
        "not available" error."""
        from sqlalchemy.exc import ArgumentError

        from .queue import Queue

        chosen = self.get("queue_url", url)
        try:
            return Queue(chosen, workspace=self.workspace, specs=self.platforms())
        except (ArgumentError, ImportError) as exc:
            reason = (f"its driver '{exc.name}' is not installed" if isinstance(exc, ImportError) and exc.name
                      else f"it is not a database URL ({exc})")
            shown = re.sub(r"//[^/@]*@", "//***@", str(chosen))
            raise ConfigError(f"cannot open the queue database '{shown}': {reason}.", field="--db / queue_url",
                              fix="use sqlite:///path/to/queue.sqlite or postgresql+psycopg://user@host/dbname "
                                  "(leave it out for .workbench/queue.sqlite).") from None


def find_workspace(start: Path | None = None) -> Path:
    """The workspace a command or notebook started in: `WORKBENCH_HOME` when set; else the nearest folder from
    `start` (the current folder) upward that holds a workbench.yaml, as git finds its repository (a notebook
    in `notebooks/` of a workspace uses that workspace); else `start` itself."""
    home = os.environ.get("WORKBENCH_HOME")
    if home:
        folder = Path(home).expanduser()
        if not folder.is_dir():
            raise ConfigError("WORKBENCH_HOME names a folder that does not exist.", path=folder, field="WORKBENCH_HOME",
                              fix=f"create the workspace there (workbench init {folder}), or unset WORKBENCH_HOME.")
        return folder
    here = start or Path.cwd()
    if (here / CONFIG_NAME).is_file():
        return here
    return next((folder for folder in here.resolve().parents if (folder / CONFIG_NAME).is_file()), here)


def load_settings(path: str | Path | None = None, workspace: str | Path | None = None) -> Settings:
    ws = Path(workspace) if workspace else find_workspace()
    chosen = Path(path) if path else (Path(os.environ["WORKBENCH_CONFIG"]) if os.environ.get("WORKBENCH_CONFIG")
                                      else ws / CONFIG_NAME)
    if chosen.is_dir():
        raise ConfigError("is a folder, not the workspace config file.", path=chosen,
                          fix=f"remove or rename that folder ({CONFIG_NAME} is a YAML file).")
    if chosen.exists():
        try:
            cfg = load_model(chosen, WorkspaceConfig, ConfigError, "workspace config")
        except OSError as exc:
            raise ConfigError(f"cannot read the workspace config: {exc.strerror or exc}.", path=chosen,
                              fix="check the file's permissions.") from None
        return Settings(cfg, chosen, ws)
    if path:
        raise ConfigError("config file not found.", path=chosen, fix="check the path.")
    return Settings(WorkspaceConfig(), None, ws)
