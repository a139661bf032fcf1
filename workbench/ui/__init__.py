"""Notebook widgets: `Composer` (the creator), `ReviewQueue` (the editor), `Calendar` (the schedule)."""

from .widgets import Calendar, Composer, DraftEditor, ReviewQueue

__all__ = ["Calendar", "Composer", "DraftEditor", "ReviewQueue"]
