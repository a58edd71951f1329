"""monitoring on the house mechanisms: states guarded by CHECK constraints, row versions (optimistic locking),
evaluation runs with a lifecycle (computed → published → superseded; one published run per framework), English
titles of the plan tasks, exact values (NUMERIC on PostgreSQL, decimal text on SQLite), history notes as codes

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here: the states as they are at this revision.
SUBMISSION_STATES = ("draft", "submitted", "approved", "accepted", "returned")
TASK_STATES = ("unreported", "not_started", "in_progress", "delayed", "completed")
REPORTED_STATES = ("not_started", "in_progress", "delayed", "completed")
RUN_STATES = ("computed", "published", "superseded")
PUBLISHED = sa.text("status = 'published'")


def _in(states: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in states) + ")"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _exact() -> Any:
    return sa.String(length=64) if _sqlite() else sa.Numeric()


def _to_exact(table: str, columns: tuple[tuple[str, bool], ...]) -> None:
    with _rebuilding(table), op.batch_alter_table(table, schema=None) as batch_op:
        for column, nullable in columns:
            batch_op.alter_column(
                column,
                existing_type=sa.Float(),
                type_=_exact(),
                existing_nullable=nullable,
                postgresql_using=f"{column}::numeric",
            )


def _to_float(table: str, columns: tuple[tuple[str, bool], ...]) -> None:
    with _rebuilding(table), op.batch_alter_table(table, schema=None) as batch_op:
        for column, nullable in columns:
            batch_op.alter_column(
                column,
                existing_type=_exact(),
                type_=sa.Float(),
                existing_nullable=nullable,
                postgresql_using=f"{column}::double precision",
            )


# SQLite changes a table by rebuilding it (copy, drop, rename). Dropping a table whose rows other rows refer to
# would delete them (ON DELETE CASCADE) or fail at the commit (SQLite's deferred count of violations is not undone
# by the rename), so the referring rows are set aside while their table is rebuilt and put back after.
CHILDREN = {
    "mon_submission": ("mon_value",),
    "mon_plan_task": ("mon_task_update",),
    "mon_measure": ("mon_measure_record",),
}


@contextmanager
def _rebuilding(table: str) -> Iterator[None]:
    children = CHILDREN.get(table, ()) if _sqlite() else ()
    for child in children:
        op.execute(f"CREATE TEMP TABLE _kept_{child} AS SELECT * FROM {child}")
        op.execute(f"DELETE FROM {child}")
    yield
    for child in children:
        op.execute(f"INSERT INTO {child} SELECT * FROM _kept_{child}")
        op.execute(f"DROP TABLE _kept_{child}")


def upgrade() -> None:
    with _rebuilding("mon_submission"):
        with op.batch_alter_table("mon_submission", schema=None) as batch_op:
            batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))
        op.execute("UPDATE mon_submission SET updated_at = created_at")
        with op.batch_alter_table("mon_submission", schema=None) as batch_op:
            batch_op.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
            batch_op.alter_column("row_version", existing_type=sa.Integer(), server_default=None)
            batch_op.create_check_constraint(op.f("ck_mon_submission_status"), _in(SUBMISSION_STATES))
    _history_as_codes()
    _to_exact("mon_value", (("value", False),))

    with op.batch_alter_table("mon_evaluation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="computed"))
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("published_by", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))
    # Until now every run was public and the newest was "the" evaluation: it is the published one, the older ones
    # were superseded by it.
    op.execute(
        "UPDATE mon_evaluation SET updated_at = created_at, status = 'superseded', "
        "published_at = created_at, published_by = created_by"
    )
    op.execute(
        "UPDATE mon_evaluation SET status = 'published' WHERE id IN "
        "(SELECT max(id) FROM mon_evaluation GROUP BY framework_id)"
    )
    with op.batch_alter_table("mon_evaluation", schema=None) as batch_op:
        batch_op.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column("status", existing_type=sa.String(length=16), server_default=None)
        batch_op.alter_column("published_by", existing_type=sa.String(length=100), server_default=None)
        batch_op.alter_column("row_version", existing_type=sa.Integer(), server_default=None)
        batch_op.create_check_constraint(op.f("ck_mon_evaluation_status"), _in(RUN_STATES))
        batch_op.create_index(batch_op.f("ix_mon_evaluation_status"), ["status"], unique=False)
    op.create_index(
        "ix_mon_evaluation_one_published",
        "mon_evaluation",
        ["framework_id"],
        unique=True,
        sqlite_where=PUBLISHED,
        postgresql_where=PUBLISHED,
    )

    with _rebuilding("mon_plan_task"):
        with op.batch_alter_table("mon_plan_task", schema=None) as batch_op:
            batch_op.add_column(sa.Column("title_en", sa.String(length=400), nullable=False, server_default=""))
            batch_op.add_column(sa.Column("quote_en", sa.Text(), nullable=False, server_default=""))
            batch_op.add_column(sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))
        with op.batch_alter_table("mon_plan_task", schema=None) as batch_op:
            batch_op.alter_column("title_en", existing_type=sa.String(length=400), server_default=None)
            batch_op.alter_column("quote_en", existing_type=sa.Text(), server_default=None)
            batch_op.alter_column("row_version", existing_type=sa.Integer(), server_default=None)
            batch_op.create_check_constraint(op.f("ck_mon_plan_task_status"), _in(TASK_STATES))
    with op.batch_alter_table("mon_task_update", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_mon_task_update_status"), _in(REPORTED_STATES))

    _to_exact("mon_measure", (("value", False), ("n_links", True)))


def downgrade() -> None:
    _to_float("mon_measure", (("value", False), ("n_links", True)))
    with op.batch_alter_table("mon_task_update", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_mon_task_update_status"), type_="check")
    with _rebuilding("mon_plan_task"), op.batch_alter_table("mon_plan_task", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_mon_plan_task_status"), type_="check")
        batch_op.drop_column("row_version")
        batch_op.drop_column("quote_en")
        batch_op.drop_column("title_en")
    op.drop_index(
        "ix_mon_evaluation_one_published",
        table_name="mon_evaluation",
        sqlite_where=PUBLISHED,
        postgresql_where=PUBLISHED,
    )
    with op.batch_alter_table("mon_evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mon_evaluation_status"))
        batch_op.drop_constraint(op.f("ck_mon_evaluation_status"), type_="check")
        batch_op.drop_column("row_version")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("published_by")
        batch_op.drop_column("published_at")
        batch_op.drop_column("status")
    _to_float("mon_value", (("value", False),))
    _history_as_prose()
    with _rebuilding("mon_submission"), op.batch_alter_table("mon_submission", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_mon_submission_status"), type_="check")
        batch_op.drop_column("row_version")
        batch_op.drop_column("updated_at")


# --- the submissions' histories: {action, text} → {step, note, text} (system notes as keys, not prose) ----------

# The text the bundled load wrote before this revision (both languages in one string), restored by a downgrade.
OLD_LOAD_TEXT = ("官方统计（内置数据）", "official statistics (bundled)")
_submission = sa.table("mon_submission", sa.column("id", sa.Integer()), sa.column("comments", sa.JSON()))


def _rewrite(change: Any) -> None:
    bind = op.get_bind()
    for row_id, comments in bind.execute(sa.select(_submission.c.id, _submission.c.comments)).all():
        new = [change(dict(c)) for c in comments or []]
        if new != comments:
            bind.execute(_submission.update().where(_submission.c.id == row_id).values(comments=new))


def _as_code(entry: dict[str, Any]) -> dict[str, Any]:
    if "action" not in entry:
        return entry
    step = entry.pop("action")
    entry["step"] = step
    if step == "load":  # only the bundled official statistics were ever loaded
        entry["text"], entry["note"] = "", "bundled"
    return entry


def _as_prose(entry: dict[str, Any]) -> dict[str, Any]:
    if "step" not in entry:
        return entry
    out = {"at": entry.get("at"), "by": entry.get("by"), "action": entry["step"], "text": entry.get("text", "")}
    if entry.get("note") == "bundled":
        out["text"] = "/ ".join(OLD_LOAD_TEXT)
    return out


def _history_as_codes() -> None:
    _rewrite(_as_code)


def _history_as_prose() -> None:
    _rewrite(_as_prose)
