"""Publishing into a folder: for a team that posts by hand, or hands the folder to another tool."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from ..queue import Item
from .base import Published, PublisherConfigError, payload


class FolderPublisher:
    """Writes each post (JSON and plain text) and its media into a folder per day; a key already written is
    not written again."""

    name = "folder"

    def __init__(self, path: str | Path = "published") -> None:
        if not str(path).strip():
            raise PublisherConfigError("the folder publisher needs a folder.", field="publish.publishers.folder.path",
                                       fix="set path: to a folder, e.g. published.")
        self.root = Path(path)
        if self.root.exists() and not self.root.is_dir():
            raise PublisherConfigError(f"{self.root} is a file, not a folder.", path=self.root,
                                       fix="choose a folder for publish.publishers.folder.path.")

    def publish(self, item: Item, key: str) -> Published:
        day = (item.scheduled_at or datetime.now()).strftime("%Y-%m-%d")
        folder = self.root / day
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{item.id:05d}-{item.platform}-{key}"
        target = folder / f"{stem}.json"
        if not target.exists():
            (folder / f"{stem}.txt").write_text("\n\n---\n\n".join(item.draft.parts), encoding="utf-8")
            for media in item.draft.media:
                source = Path(media.path)
                if source.exists():
                    (folder / f"{stem}-{source.name}").write_bytes(source.read_bytes())
            target.write_text(json.dumps(payload(item, key), indent=2, ensure_ascii=False), encoding="utf-8")
        return Published(external_id=str(target))
