"""outputs on the house mechanisms: reports get a lifecycle (draft → submitted → accepted, withdrawn) with an
optimistic lock; achievements a unique natural key; search grants speak the read rules' reader tokens

- out_report: `status` (CHECK: one of the lifecycle's states), `status_reason`, `accepted_at`, `updated_at`,
  `row_version`. Every existing report becomes `accepted` — the state that keeps today's visibility (its openness
  and embargo decide) — accepted when it was created.
- out_achievement: `natural_key` (kind + identifier, or kind + title + year), unique. Should two rows already share a
  key, the later ones get their id appended (nothing is merged or lost).
- search: the grants of indexed documents are rewritten to the tokens of `accounts.access.reader_tokens`:
  `office` → `role:office_admin`; `prov:<code>` (every province-scoped role) → `role:jurisdiction_admin@<code>`
  and `role:statistician@<code>`; `public`, `registered`, `user:<id>`, `org:<id>` are unchanged. In SQL, in
  `search_grant`, in the term codes of `search_key` (`search_term`) and, on PostgreSQL, in each document's meta
  tokens (the trigger recomputes its vector). No re-index is needed.

SQLite: columns are added in place (ALTER TABLE … ADD COLUMN, with the CHECK inline): a batch copy of out_report
would drop the table, and with foreign keys on that deletes its usage events and files (ON DELETE CASCADE).
Downgrade reverses every step (reports keep their rows; drafts then show as their openness says).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("draft", "submitted", "accepted", "withdrawn")  # outputs.lifecycle.ReportStatus, frozen here
CHECK = "status IN (" + ", ".join(f"'{s}'" for s in STATES) + ")"
PROVINCE_ROLES = ("jurisdiction_admin", "statistician")  # the roles granted with a province scope
META_PREFIX = "yrdmeta"  # yrdhub.search.meta.encode, frozen here


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    _report_columns()
    _achievement_key()
    _rewrite_tokens(_new_tokens)


def downgrade() -> None:
    _rewrite_tokens(_old_tokens)
    op.drop_index("ix_out_achievement_natural_key", table_name="out_achievement")
    op.drop_index("ix_out_report_status", table_name="out_report")
    if _postgres():
        op.drop_constraint("ck_out_report_status", "out_report", type_="check")
    for table, column in (
        ("out_achievement", "natural_key"),
        ("out_report", "row_version"),
        ("out_report", "updated_at"),
        ("out_report", "accepted_at"),
        ("out_report", "status_reason"),
        ("out_report", "status"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # in place on SQLite (≥ 3.35), as on PostgreSQL


# --- reports: the lifecycle's columns -----------------------------------------------------------------------


def _report_columns() -> None:
    if _postgres():
        op.add_column("out_report", sa.Column("status", sa.String(16), nullable=False, server_default="draft"))
        op.create_check_constraint("ck_out_report_status", "out_report", CHECK)
        op.add_column("out_report", sa.Column("status_reason", sa.Text(), nullable=False, server_default=""))
        op.add_column("out_report", sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column(
            "out_report",
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        )
        op.add_column("out_report", sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))
    else:
        op.execute(
            "ALTER TABLE out_report ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'draft' "
            f"CONSTRAINT ck_out_report_status CHECK ({CHECK})"
        )
        op.execute("ALTER TABLE out_report ADD COLUMN status_reason TEXT NOT NULL DEFAULT ''")
        op.execute("ALTER TABLE out_report ADD COLUMN accepted_at DATETIME")
        op.execute("ALTER TABLE out_report ADD COLUMN updated_at DATETIME NOT NULL DEFAULT '1970-01-01 00:00:00'")
        op.execute("ALTER TABLE out_report ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1")
    op.execute("UPDATE out_report SET status = 'accepted', accepted_at = created_at, updated_at = created_at")
    if _postgres():
        op.alter_column("out_report", "updated_at", server_default=None)
    op.create_index("ix_out_report_status", "out_report", ["status"])


# --- achievements: the natural key ----------------------------------------------------------------------------


def _achievement_key() -> None:
    """outputs.achievements.achievement_key, frozen here in SQL."""
    if _postgres():
        op.add_column("out_achievement", sa.Column("natural_key", sa.String(700), nullable=False, server_default=""))
    else:
        op.execute("ALTER TABLE out_achievement ADD COLUMN natural_key VARCHAR(700) NOT NULL DEFAULT ''")
    op.execute(
        "UPDATE out_achievement SET natural_key = CASE WHEN trim(identifier) <> '' "
        "THEN kind || '|id:' || upper(trim(identifier)) "
        "ELSE kind || '|t:' || trim(title) || '|' || CAST(year AS VARCHAR(8)) END"
    )
    op.execute(
        "UPDATE out_achievement SET natural_key = natural_key || '|#' || CAST(id AS VARCHAR(12)) "
        "WHERE id NOT IN (SELECT min(id) FROM out_achievement GROUP BY natural_key)"
    )
    if _postgres():
        op.alter_column("out_achievement", "natural_key", server_default=None)
    op.create_index("ix_out_achievement_natural_key", "out_achievement", ["natural_key"], unique=True)


# --- search: grants in the read rules' tokens ------------------------------------------------------------------


def _new_tokens(token: str) -> list[str] | None:
    if token == "office":
        return ["role:office_admin"]
    if token.startswith("prov:"):
        return [f"role:{role}@{token[5:]}" for role in PROVINCE_ROLES]
    return None


def _old_tokens(token: str) -> list[str] | None:
    if token == "role:office_admin":
        return ["office"]
    role, _, province = token.removeprefix("role:").partition("@")
    if token.startswith("role:") and role in PROVINCE_ROLES and province:
        return [f"prov:{province}"]
    return None


def _meta(kind: str, token: str) -> str:
    return META_PREFIX + f"{kind}:{token}".encode().hex()


def _rewrite_tokens(mapping: object) -> None:
    bind = op.get_bind()
    tokens = bind.execute(sa.text("SELECT DISTINCT token FROM search_grant")).scalars().all()
    for old in tokens:
        new = mapping(old)  # type: ignore[operator]
        if new:
            _rewrite(bind, old, new)


def _term_id(bind: sa.Connection, term: str, create: bool) -> int | None:
    found = bind.execute(sa.text("SELECT id FROM search_term WHERE term = :t"), {"t": term}).scalar()
    if found is None and create:
        bind.execute(sa.text("INSERT INTO search_term (term) VALUES (:t)"), {"t": term})
        found = bind.execute(sa.text("SELECT id FROM search_term WHERE term = :t"), {"t": term}).scalar()
    return found


def _rewrite(bind: sa.Connection, old: str, new: list[str]) -> None:
    for token in new:
        bind.execute(
            sa.text(
                "INSERT INTO search_grant (doc_id, token, visible_from) SELECT doc_id, :new, "
                "visible_from FROM search_grant WHERE token = :old ON CONFLICT DO NOTHING"
            ),
            {"new": token, "old": old},
        )
    bind.execute(sa.text("DELETE FROM search_grant WHERE token = :old"), {"old": old})
    for prefix in ("a", "t"):  # a grant in force from the start, a grant with a visible_from (search.meta)
        old_id = _term_id(bind, f"{prefix}:{old}", create=False)
        if old_id is None:
            continue
        new_ids = [_term_id(bind, f"{prefix}:{token}", create=True) for token in new]
        bind.execute(
            sa.text("UPDATE search_key SET codes = replace(codes, :old, :new) WHERE codes LIKE :like"),
            {"old": f" {old_id} ", "new": " " + " ".join(str(i) for i in new_ids) + " ", "like": f"% {old_id} %"},
        )
        bind.execute(sa.text("DELETE FROM search_term WHERE id = :id"), {"id": old_id})
        if _postgres():  # the meta tokens inside the full-text vector (the trigger recomputes it)
            before, after = f" {_meta(prefix, old)} ", " " + " ".join(_meta(prefix, t) for t in new) + " "
            bind.execute(
                sa.text(
                    "UPDATE search_document SET meta_tokens = btrim(replace(' ' || meta_tokens || ' ', "
                    ":before, :after)) WHERE position(:before IN ' ' || meta_tokens || ' ') > 0"
                ),
                {"before": before, "after": after},
            )
