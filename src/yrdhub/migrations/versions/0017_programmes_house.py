"""programmes on the house mechanisms: exact money, owners in a table, states checked, optimistic locking

- money is exact: shares, budgets and call maxima become NUMERIC(18, 6) 万元; a funder's yearly shares move from
  a JSON column to rows of `prog_funding_year` (summed by the database);
- a programme's owner jurisdictions move from a JSON column to `prog_owner` (the read rule is SQL);
- CHECK constraints on the project's status, a funder's decision, a change request's status and kind, and a
  participant's role;
- `prog_project.row_version` (optimistic locking), `updated_at`, `recorded` (decided outside the platform,
  recorded by import);
- the history stores what the system notes as codes (`note`, `note_params`: every funder approved, a funder
  refused, recorded by import) and the move's name, instead of bilingual prose.

SQLite cannot change a column's type or add a CHECK without rebuilding the table, and rebuilding a table other
tables refer to (a DROP TABLE with foreign keys on) would delete or refuse their rows. So on SQLite the table's
declared SQL is edited in place, as SQLite's documentation describes for changes that leave the stored rows as
they are (the rows are checked against the new constraints first); columns are added and dropped natively.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(18, 6)
STATES = (
    "draft",
    "submitted",
    "under_review",
    "approved",
    "rejected",
    "contracted",
    "midterm_passed",
    "accepted",
    "terminated",
)
DECISIONS = ("pending", "approved", "rejected")
CHECKS = {  # table: [(name, condition)]
    "prog_project": [("ck_prog_project_status", f"status IN ({', '.join(repr(s) for s in STATES)})")],
    "prog_funding": [("ck_prog_funding_decision", f"decision IN ({', '.join(repr(s) for s in DECISIONS)})")],
    "prog_change": [
        ("ck_prog_change_status", f"status IN ({', '.join(repr(s) for s in DECISIONS)})"),
        ("ck_prog_change_kind", "kind IN ('budget', 'schedule', 'participants', 'content')"),
    ],
    "prog_participant": [("ck_prog_participant_role", "role IN ('lead', 'partner')")],
}
RETYPE = {"prog_project": ["requested_budget_wan"], "prog_funding": ["amount_wan"], "prog_call": ["max_budget_wan"]}
# the prose the old code stored, and the codes that replace it
ALL_APPROVED = "全部出资方同意 / every funder approved"
IMPORTED = "批量导入 / bulk import"
IMPORT_CALL_TITLE = "（批量导入 imported）"
IMPORT_CALL_DESCRIPTION = "批量导入的项目 / projects recorded by bulk import"
MOVES = {
    "submitted": "submit",
    "under_review": "start_review",
    "approved": "approve",
    "rejected": "reject",
    "contracted": "contract",
    "midterm_passed": "midterm",
    "accepted": "accept",
    "terminated": "terminate",
}

programme = sa.table("prog_programme", sa.column("id", sa.Integer), sa.column("owners", sa.JSON))
owner = sa.table("prog_owner", sa.column("programme_id", sa.Integer), sa.column("province_code", sa.String))
funding = sa.table(
    "prog_funding", sa.column("id", sa.Integer), sa.column("yearly", sa.JSON), sa.column("reason", sa.Text)
)
funding_year = sa.table(
    "prog_funding_year",
    sa.column("funding_id", sa.Integer),
    sa.column("year", sa.Integer),
    sa.column("amount_wan", MONEY),
)
transition = sa.table(
    "prog_transition",
    sa.column("id", sa.Integer),
    sa.column("project_id", sa.Integer),
    sa.column("to_status", sa.String),
    sa.column("from_status", sa.String),
    sa.column("reason", sa.Text),
    sa.column("move", sa.String),
    sa.column("note", sa.String),
    sa.column("note_params", sa.JSON),
)
project = sa.table(
    "prog_project",
    sa.column("id", sa.Integer),
    sa.column("recorded", sa.Boolean),
    sa.column("updated_at", sa.DateTime),
    sa.column("created_at", sa.DateTime),
)
call = sa.table(
    "prog_call",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("title", sa.String),
    sa.column("description", sa.Text),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _sqlite_edit(table: str, edit: Callable[[str], str]) -> None:
    """Edit a table's declared SQL in place (writable_schema), then have SQLite reload its schema."""
    conn = op.get_bind()
    sql = conn.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}
    ).scalar_one()
    new = edit(sql)
    version = conn.execute(sa.text("PRAGMA schema_version")).scalar_one()
    conn.execute(sa.text("PRAGMA writable_schema = ON"))
    conn.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"), {"sql": new, "t": table}
    )
    conn.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    conn.execute(sa.text("PRAGMA writable_schema = OFF"))


def _replace(sql: str, old: str, new: str) -> str:
    assert old in sql, (old, sql)
    return sql.replace(old, new)


def _check_rows(table: str) -> None:
    conn = op.get_bind()
    for name, condition in CHECKS.get(table, []):
        bad = conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE NOT ({condition})")).scalar_one()
        if bad:
            raise RuntimeError(f"{bad} rows of {table} break {name}; fix them before upgrading")


def _constraints_and_types(table: str, up: bool) -> None:
    columns, checks = RETYPE.get(table, []), CHECKS.get(table, [])
    if _sqlite():

        def edit(sql: str) -> str:
            for column in columns:
                sql = (
                    _replace(sql, f"{column} FLOAT", f"{column} NUMERIC(18, 6)")
                    if up
                    else _replace(sql, f"{column} NUMERIC(18, 6)", f"{column} FLOAT")
                )
            for name, condition in checks:
                clause = f", \n\tCONSTRAINT {name} CHECK ({condition})"
                if up:
                    body = sql.rstrip()
                    assert body.endswith(")")
                    sql = body[:-1].rstrip() + clause + "\n)"
                else:
                    sql = _replace(sql, clause, "")
            return sql

        if up:
            _check_rows(table)
        _sqlite_edit(table, edit)
        return
    for column in columns:
        op.alter_column(
            table,
            column,
            type_=MONEY if up else sa.Float(),
            existing_nullable=table == "prog_call",
            postgresql_using=f"{column}::{'numeric(18, 6)' if up else 'double precision'}",
        )
    for name, condition in checks:
        if up:
            op.create_check_constraint(op.f(name), table, condition)
        else:
            op.drop_constraint(op.f(name), table, type_="check")


def _drop_column(table: str, column: str) -> None:
    if _sqlite():
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def upgrade() -> None:
    conn = op.get_bind()
    # owners: a table of their own
    op.create_table(
        "prog_owner",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["prog_programme.id"],
            name=op.f("fk_prog_owner_programme_id_prog_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", "province_code", name=op.f("pk_prog_owner")),
    )
    op.create_index(op.f("ix_prog_owner_province_code"), "prog_owner", ["province_code"], unique=False)
    rows = [
        {"programme_id": pid, "province_code": code}
        for pid, owners in conn.execute(sa.select(programme.c.id, programme.c.owners))
        for code in sorted(set(owners or []))
    ]
    if rows:
        op.bulk_insert(owner, rows)
    _drop_column("prog_programme", "owners")

    # a funder's yearly shares: rows, exact
    years = list(conn.execute(sa.select(funding.c.id, funding.c.yearly)))
    op.create_table(
        "prog_funding_year",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("funding_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount_wan", MONEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["funding_id"],
            ["prog_funding.id"],
            name=op.f("fk_prog_funding_year_funding_id_prog_funding"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prog_funding_year")),
        sa.UniqueConstraint("funding_id", "year", name=op.f("uq_prog_funding_year_funding_id_year")),
    )
    op.create_index(op.f("ix_prog_funding_year_funding_id"), "prog_funding_year", ["funding_id"], unique=False)
    rows = [
        {"funding_id": fid, "year": int(year), "amount_wan": Decimal(str(amount)).quantize(Decimal("1e-6"))}
        for fid, yearly in years
        for year, amount in sorted((yearly or {}).items())
        if str(year).isdigit() and amount
    ]
    if rows:
        op.bulk_insert(funding_year, rows)
    _drop_column("prog_funding", "yearly")
    op.execute(funding.update().where(funding.c.reason == IMPORTED).values(reason=""))

    # types and checks
    for table in ("prog_call", "prog_project", "prog_funding", "prog_change", "prog_participant"):
        _constraints_and_types(table, up=True)

    # the project: optimistic locking, last change, recorded by import
    added: list[sa.Column[Any]] = [
        sa.Column("recorded", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("'1970-01-01 00:00:00'")
        ),
        sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"),
    ]
    for column in added:
        op.add_column("prog_project", column)
    op.execute(project.update().values(updated_at=project.c.created_at))

    # the history: the move's name, and codes for what the system notes
    history: list[sa.Column[Any]] = [
        sa.Column("move", sa.String(length=20), nullable=False, server_default=""),
        sa.Column("note", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("note_params", sa.JSON(), nullable=False, server_default="{}"),
    ]
    for column in history:
        op.add_column("prog_transition", column)
    for to, name in MOVES.items():
        op.execute(transition.update().where(transition.c.to_status == to).values(move=name))
    op.execute(transition.update().where(transition.c.reason == ALL_APPROVED).values(note="all_approved", reason=""))
    op.execute(
        transition.update().where(transition.c.reason == IMPORTED).values(note="imported", reason="", move="record")
    )
    refused = conn.execute(
        sa.select(transition.c.id, transition.c.reason).where(
            transition.c.to_status == "rejected", transition.c.reason.like("3_0000: %")
        )
    )
    for tid, reason in list(refused):
        op.execute(
            transition.update()
            .where(transition.c.id == tid)
            .values(note="funder_refused", note_params={"province": reason[:6]}, reason=reason[8:])
        )
    imported = sa.select(transition.c.project_id).where(transition.c.note == "imported")
    op.execute(project.update().where(project.c.id.in_(imported)).values(recorded=True))
    for cid, title in list(
        conn.execute(sa.select(call.c.id, call.c.title).where(call.c.title.like(f"%{IMPORT_CALL_TITLE}")))
    ):
        op.execute(call.update().where(call.c.id == cid).values(title=title[: -len(IMPORT_CALL_TITLE)], description=""))


def downgrade() -> None:
    conn = op.get_bind()
    for cid, title in list(
        conn.execute(sa.select(call.c.id, call.c.title).where(call.c.code.like("%-IMPORT"), call.c.description == ""))
    ):
        op.execute(
            call.update()
            .where(call.c.id == cid)
            .values(title=title + IMPORT_CALL_TITLE, description=IMPORT_CALL_DESCRIPTION)
        )
    op.execute(transition.update().where(transition.c.note == "all_approved").values(reason=ALL_APPROVED))
    op.execute(transition.update().where(transition.c.note == "imported").values(reason=IMPORTED))
    for tid, params, reason in list(
        conn.execute(
            sa.select(transition.c.id, transition.c.note_params, transition.c.reason).where(
                transition.c.note == "funder_refused"
            )
        )
    ):
        op.execute(
            transition.update()
            .where(transition.c.id == tid)
            .values(reason=f"{(params or {}).get('province', '')}: {reason}")
        )
    for column in ("note_params", "note", "move"):
        _drop_column("prog_transition", column)
    for column in ("row_version", "updated_at", "recorded"):
        _drop_column("prog_project", column)
    for table in ("prog_participant", "prog_change", "prog_funding", "prog_project", "prog_call"):
        _constraints_and_types(table, up=False)

    op.add_column("prog_funding", sa.Column("yearly", sa.JSON(), nullable=False, server_default="{}"))
    shares: dict[int, dict[str, float]] = {}
    for fid, year, amount in conn.execute(
        sa.select(funding_year.c.funding_id, funding_year.c.year, funding_year.c.amount_wan)
    ):
        shares.setdefault(fid, {})[str(year)] = float(amount)
    for fid, yearly in shares.items():
        op.execute(funding.update().where(funding.c.id == fid).values(yearly=yearly))
    op.drop_index(op.f("ix_prog_funding_year_funding_id"), table_name="prog_funding_year")
    op.drop_table("prog_funding_year")

    op.add_column("prog_programme", sa.Column("owners", sa.JSON(), nullable=False, server_default="[]"))
    owners: dict[int, list[str]] = {}
    for pid, code in conn.execute(sa.select(owner.c.programme_id, owner.c.province_code)):
        owners.setdefault(pid, []).append(code)
    for pid, codes in owners.items():
        op.execute(programme.update().where(programme.c.id == pid).values(owners=sorted(codes)))
    op.drop_index(op.f("ix_prog_owner_province_code"), table_name="prog_owner")
    op.drop_table("prog_owner")
