"""What an import announces: one event per run, with its counts (the audit log reads them); never one per row."""

from __future__ import annotations

from dataclasses import dataclass

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class ImportCommitted(DomainEvent):
    name = "import_committed"
    live = False
    user: int
    run: int
    import_kind: str
    file_name: str
    created: int
    updated: int
    unchanged: int
    errors: int


@dataclass(frozen=True)
class ImportUndone(DomainEvent):
    name = "import_undone"
    live = False
    user: int
    run: int
    import_kind: str
    created: int
    updated: int
