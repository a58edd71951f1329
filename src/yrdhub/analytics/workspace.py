"""The analytics workspace: where ingested records live as Parquet (default `YRDHUB_ANALYTICS_DIR`, else
`./var/analytics`).

works/<batch>.parquet     one row per source record (identifiers, year, kind, file and line)
parties/<batch>.parquet   one row per address/organisation with its resolved place
bad/<batch>.parquet       every record a reader rejected: file, line, reason
manifest.json             ingested files by SHA-256: re-ingesting a file changes nothing
gazetteer.csv             optional user additions to the institution gazetteer
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yrdhub.config import get_settings

TABLES = ("works", "parties", "bad")


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def open(cls, root: Path | str | None = None) -> Workspace:
        path = Path(root) if root else get_settings().analytics_dir
        for table in TABLES:
            (path / table).mkdir(parents=True, exist_ok=True)
        return cls(path)

    def table_dir(self, table: str) -> Path:
        return self.root / table

    def has_data(self, table: str = "works") -> bool:
        return any(self.table_dir(table).glob("*.parquet"))

    @property
    def gazetteer_path(self) -> Path:
        return self.root / "gazetteer.csv"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def manifest(self) -> dict[str, Any]:
        if not self.manifest_path.exists():
            return {}
        data: dict[str, Any] = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        return data

    def save_manifest(self, manifest: dict[str, Any]) -> None:
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(self.manifest_path)
