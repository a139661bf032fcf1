"""Errors a user sees. Each names the file, the field (when there is one) and the fix.

One hierarchy so the CLI and the batch runner can catch `WorkbenchError`, report it in a
summary row and go on to the next asset, while programming errors still surface as tracebacks.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TypeVar


class WorkbenchError(Exception):
    """Base for every error caused by input, configuration or an outside service."""

    def __init__(self, message: str, *, path: str | Path | None = None, field: str | None = None,
                 fix: str | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.field = field
        self.fix = fix
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.path or ""
        if self.field:
            where = f"{where}: {self.field}" if where else self.field
        text = f"{where}: {self.message}" if where else self.message
        if self.fix:
            text += f" Fix: {self.fix}"
        return text


class PillarError(WorkbenchError):
    """A pillar file that cannot be loaded."""


class EmptyFileError(PillarError):
    pass


class BinaryFileError(PillarError):
    pass


class DecodeError(PillarError):
    pass


class UnsupportedFormatError(PillarError):
    pass


class FileTooLargeError(PillarError):
    pass


class TranscriptError(PillarError):
    """A subtitle file whose cues or timestamps are broken."""


class BrandError(WorkbenchError):
    """A brand-voice profile that is missing or does not validate."""


class ConfigError(WorkbenchError):
    """A workspace configuration file that does not validate."""


class UnknownPlatformError(WorkbenchError):
    """A platform name that is not in the registry."""


Choice = TypeVar("Choice", bound=StrEnum)


def one_of(kind: type[Choice], value: str, error: type[WorkbenchError], what: str, field: str) -> Choice:
    """`value` as a member of `kind`, or `error` ("unknown date format 'x'") naming the values there are: one
    wording for every closed choice a user writes."""
    try:
        return kind(value)
    except ValueError:
        raise error(f"{what} '{value}'.", field=field, fix=f"use one of: {', '.join(kind)}.") from None
