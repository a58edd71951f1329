"""The voucher ledger: double-entry, in integer fen. Every movement of money is a transaction of legs that sum
to zero (Σ debits = Σ credits), written with the balances of its accounts in the same database transaction.

Accounts (`LedgerAccount.key`):
    funding:<province>   an issuer's money put into its schemes (records flows; no floor)
    budget:<scheme>      the scheme's money not yet issued (floor 0: a scheme never issues beyond its budget)
    cap:<scheme>:<org>   what a holder may still be issued under the scheme (floor 0: the per-holder cap)
    capped:<scheme>      the counterpart of the caps (records flows)
    voucher:<voucher>    a voucher's balance, free to hold (floor 0)
    hold:<redemption>    money held for a booking (floor 0)
    receivable:<org>     what a provider is owed by the issuers (records flows)

A balance changes by one conditional UPDATE — `balance + amount >= floor` — so no balance goes below its floor
even when many transactions race: the loser's UPDATE matches no row and the whole transaction is refused
(`voucher.insufficient`, or the cap's and the budget's codes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yrdhub.errors import Conflict
from yrdhub.resources.models import LedgerAccount, LedgerEntry

FLOORED = ("budget", "cap", "voucher", "hold")  # account kinds that never go below zero


@dataclass(frozen=True)
class Leg:
    account: str
    amount_fen: int  # + into the account (debit), − out of it (credit)


def floor_of(account: str) -> int | None:
    return 0 if account.split(":", 1)[0] in FLOORED else None


def open_account(session: Session, account: str) -> None:
    """Create the account with a zero balance if it does not exist (idempotent, also when two do it at once)."""
    if session.get(LedgerAccount, account) is not None:
        return
    try:
        with session.begin_nested():
            session.add(LedgerAccount(key=account, balance_fen=0, floor_fen=floor_of(account)))
            session.flush()
    except IntegrityError:  # another transaction opened it first: it exists now
        if session.get(LedgerAccount, account) is None:
            raise


def post(session: Session, *, txn: str, kind: str, legs: Sequence[Leg], issuer: str, month: str,
         provider: str | None = None, provider_org_id: int | None = None,
         refusals: dict[str, str] | None = None) -> None:
    """Write one balanced transaction. Refused (409) when an account would go below its floor: with the code
    `refusals` names for the account's kind, else `voucher.insufficient`."""
    legs = [leg for leg in legs if leg.amount_fen != 0]
    if sum(leg.amount_fen for leg in legs) != 0:
        raise ValueError(f"unbalanced transaction {txn}: {legs}")
    with session.begin_nested():  # all legs or none
        for leg in sorted(legs, key=lambda leg: leg.account):  # one order for every transaction: no deadlock
            open_account(session, leg.account)
            changed = session.execute(
                update(LedgerAccount).where(LedgerAccount.key == leg.account, or_(
                    LedgerAccount.floor_fen.is_(None),
                    LedgerAccount.balance_fen + leg.amount_fen >= LedgerAccount.floor_fen))
                .values(balance_fen=LedgerAccount.balance_fen + leg.amount_fen)
                .execution_options(synchronize_session=False))
            if changed.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
                kind_of = leg.account.split(":", 1)[0]
                raise Conflict((refusals or {}).get(kind_of, "voucher.insufficient"), account=leg.account)
            session.add(LedgerEntry(txn=txn, kind=kind, account=leg.account, amount_fen=leg.amount_fen,
                                    issuer=issuer, provider=provider, provider_org_id=provider_org_id, month=month))
        session.flush()
    session.expire_all()  # balances were changed in SQL


def balance(session: Session, account: str) -> int:
    return session.execute(select(LedgerAccount.balance_fen).where(LedgerAccount.key == account)
                           ).scalar_one_or_none() or 0


@dataclass(frozen=True)
class Reconciliation:
    transactions: int
    debits_fen: int
    credits_fen: int
    unbalanced: list[str]  # transactions whose legs do not sum to zero
    drifted: list[str]  # accounts whose balance is not the sum of their entries
    below_floor: list[str]

    @property
    def ok(self) -> bool:
        return self.debits_fen == self.credits_fen and not (self.unbalanced or self.drifted or self.below_floor)


def reconcile(session: Session) -> Reconciliation:
    """Prove the ledger: Σ debits = Σ credits, every transaction balanced, every balance the sum of its entries and
    none below its floor."""
    debits = session.execute(select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0))
                             .where(LedgerEntry.amount_fen > 0)).scalar_one()
    credits = -session.execute(select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0))
                               .where(LedgerEntry.amount_fen < 0)).scalar_one()
    transactions = session.execute(select(func.count(func.distinct(LedgerEntry.txn)))).scalar_one()
    unbalanced = list(session.execute(select(LedgerEntry.txn).group_by(LedgerEntry.txn)
                                      .having(func.sum(LedgerEntry.amount_fen) != 0)).scalars())
    sums = select(LedgerEntry.account, func.sum(LedgerEntry.amount_fen).label("total")).group_by(
        LedgerEntry.account).subquery()
    drifted = list(session.execute(select(LedgerAccount.key).outerjoin(sums, sums.c.account == LedgerAccount.key)
                                   .where(LedgerAccount.balance_fen != func.coalesce(sums.c.total, 0))).scalars())
    below = list(session.execute(select(LedgerAccount.key).where(and_(
        LedgerAccount.floor_fen.is_not(None), LedgerAccount.balance_fen < LedgerAccount.floor_fen))).scalars())
    return Reconciliation(transactions, int(debits), int(credits), unbalanced, drifted, below)
