"""An import's tables: the runs, every row of their files with its plan and what applying it did, saved mappings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.base import Base, BigId, IdMixin, UTCDateTime


class ImportSource(IdMixin, Base):
    """A mapping saved under a name the admin gives (the system the files come from), per kind, reused next time."""

    __tablename__ = "import_sources"
    __table_args__ = (UniqueConstraint("org_id", "kind", "name"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    # JSON: {header as the file spells it: column key}
    mapping: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ImportRun(IdMixin, Base):
    """One file imported as one kind: uploaded → planning → planned → committing → committed (→ undone), or failed.

    The rows are the plan; the run holds their counts, the mapping they were planned with and the lease of the
    instance working on it (a run whose lease lapsed is resumed by any instance: engine.resume_lapsed)."""

    __tablename__ = "import_runs"
    __table_args__ = (Index("ix_import_runs_org_created", "org_id", "created_at"),)

    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("orgs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(8))
    file_hash: Mapped[str] = mapped_column(String(64))
    # JSON list of the file's headers, and {header index (as text): column key}.
    headers: Mapped[str] = mapped_column(Text)
    mapping: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(String(80), default="")
    total_rows: Mapped[int] = mapped_column(default=0)
    # Rows planned (planning) or applied (committing) so far: the progress bar.
    done_rows: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    # What the stored plan was computed from (file, mapping, decisions): a commit of anything else is refused.
    plan_token: Mapped[str] = mapped_column(String(64), default="")
    # The phase's instance holds the run until then (renewed each batch); after it any instance may resume it.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failure: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ImportRow(IdMixin, Base):
    """A data row of the file as read (typed cells, JSON), its plan, and what applying it did (for undo)."""

    __tablename__ = "import_rows"
    __table_args__ = (UniqueConstraint("run_id", "line"), Index("ix_import_rows_run_outcome", "run_id", "outcome"))

    run_id: Mapped[int] = mapped_column(BigId, ForeignKey("import_runs.id", ondelete="CASCADE"))
    line: Mapped[int]
    cells: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(10))
    target_id: Mapped[int | None] = mapped_column(BigId)
    version: Mapped[str | None] = mapped_column(String(40))
    changes: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    candidates: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(40))
    applied: Mapped[bool] = mapped_column(default=False)
    result: Mapped[str | None] = mapped_column(Text)
