"""resources: innovation vouchers — schemes, vouchers, redemptions (one per booking, one per idempotency key) and
the double-entry ledger (accounts with a floor their balance never goes below, entries whose transactions sum to
zero)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "res_ledger_account",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("floor_fen", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("floor_fen IS NULL OR balance_fen >= floor_fen", name=op.f("ck_res_ledger_account_floor")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_res_ledger_account")),
    )
    op.create_table(
        "res_voucher_scheme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("holder_types", sa.JSON(), nullable=False),
        sa.Column("service_types", sa.JSON(), nullable=False),
        sa.Column("share_bp", sa.Integer(), nullable=False),
        sa.Column("holder_cap_fen", sa.BigInteger(), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("budget_fen >= 0 AND holder_cap_fen > 0", name=op.f("ck_res_voucher_scheme_money")),
        sa.CheckConstraint("share_bp > 0 AND share_bp <= 10000", name=op.f("ck_res_voucher_scheme_share")),
        sa.CheckConstraint("valid_until >= valid_from", name=op.f("ck_res_voucher_scheme_validity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_res_voucher_scheme")),
        sa.UniqueConstraint("code", name=op.f("uq_res_voucher_scheme_code")),
    )
    with op.batch_alter_table("res_voucher_scheme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_res_voucher_scheme_province_code"), ["province_code"], unique=False)

    op.create_table(
        "res_ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("txn", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("issuer", sa.String(length=6), nullable=False),
        sa.Column("provider", sa.String(length=6), nullable=True),
        sa.Column("provider_org_id", sa.Integer(), nullable=True),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account"], ["res_ledger_account.key"], name=op.f("fk_res_ledger_entry_account_res_ledger_account")
        ),
        sa.ForeignKeyConstraint(
            ["provider_org_id"], ["organisation.id"], name=op.f("fk_res_ledger_entry_provider_org_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_res_ledger_entry")),
        sa.UniqueConstraint("txn", "account", name=op.f("uq_res_ledger_entry_txn_account")),
    )
    with op.batch_alter_table("res_ledger_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_res_ledger_entry_account"), ["account"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_ledger_entry_issuer"), ["issuer"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_ledger_entry_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_ledger_entry_month"), ["month"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_ledger_entry_provider"), ["provider"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_ledger_entry_txn"), ["txn"], unique=False)

    op.create_table(
        "res_voucher",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("holder_org_id", sa.Integer(), nullable=False),
        sa.Column("face_fen", sa.BigInteger(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('active', 'expired')", name=op.f("ck_res_voucher_status")),
        sa.CheckConstraint("face_fen > 0", name=op.f("ck_res_voucher_face")),
        sa.ForeignKeyConstraint(
            ["holder_org_id"], ["organisation.id"], name=op.f("fk_res_voucher_holder_org_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["res_voucher_scheme.id"], name=op.f("fk_res_voucher_scheme_id_res_voucher_scheme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_res_voucher")),
    )
    with op.batch_alter_table("res_voucher", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_res_voucher_holder_org_id"), ["holder_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_voucher_scheme_id"), ["scheme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_voucher_status"), ["status"], unique=False)

    op.create_table(
        "res_redemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("held_fen", sa.BigInteger(), nullable=False),
        sa.Column("posted_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('held', 'posted', 'voided')", name=op.f("ck_res_redemption_status")),
        sa.CheckConstraint(
            "held_fen >= 0 AND posted_fen >= 0 AND posted_fen <= held_fen", name=op.f("ck_res_redemption_amounts")
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["res_booking.id"], name=op.f("fk_res_redemption_booking_id_res_booking")
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"], ["res_voucher.id"], name=op.f("fk_res_redemption_voucher_id_res_voucher")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_res_redemption")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_res_redemption_booking_id")),
        sa.UniqueConstraint("key", name=op.f("uq_res_redemption_key")),
    )
    with op.batch_alter_table("res_redemption", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_res_redemption_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_res_redemption_voucher_id"), ["voucher_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("res_redemption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_res_redemption_voucher_id"))
        batch_op.drop_index(batch_op.f("ix_res_redemption_status"))

    op.drop_table("res_redemption")
    with op.batch_alter_table("res_voucher", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_res_voucher_status"))
        batch_op.drop_index(batch_op.f("ix_res_voucher_scheme_id"))
        batch_op.drop_index(batch_op.f("ix_res_voucher_holder_org_id"))

    op.drop_table("res_voucher")
    with op.batch_alter_table("res_ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_res_ledger_entry_txn"))
        batch_op.drop_index(batch_op.f("ix_res_ledger_entry_provider"))
        batch_op.drop_index(batch_op.f("ix_res_ledger_entry_month"))
        batch_op.drop_index(batch_op.f("ix_res_ledger_entry_kind"))
        batch_op.drop_index(batch_op.f("ix_res_ledger_entry_issuer"))
        batch_op.drop_index(batch_op.f("ix_res_ledger_entry_account"))

    op.drop_table("res_ledger_entry")
    with op.batch_alter_table("res_voucher_scheme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_res_voucher_scheme_province_code"))

    op.drop_table("res_voucher_scheme")
    op.drop_table("res_ledger_account")
