"""Of two simultaneous conflicting writes to one report, exactly one succeeds: each runs in its own connection and
thread on a database of its own, committing for real. On PostgreSQL both read the report first and race (the
row_version compare-and-set decides: the loser's UPDATE matches no row, `StaleDataError`); on SQLite writers are
serialised (a write transaction begins IMMEDIATE), so the second reads the first's result and its move is refused
by the state."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from yrdhub.accounts.actor import SYSTEM, Actor, Grant
from yrdhub.db import make_engine, session_factory, transaction
from yrdhub.errors import Conflict
from yrdhub.migrate import upgrade
from yrdhub.outputs import queries, service
from yrdhub.outputs.models import Report
from yrdhub.outputs.schemas import ReportCreate, ReportMove, ReportUpdate
from yrdhub.regions.models import Organisation

OFFICE = Actor(username="office", grants=(Grant("office_admin"),), via="system")
SH_ADMIN = Actor(username="sh-admin", grants=(Grant("jurisdiction_admin", "310000"),), via="system")


@pytest.fixture
def fresh(fresh_url: str) -> Iterator[tuple[Engine, sessionmaker[Session]]]:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    yield engine, session_factory(engine)
    engine.dispose()


def _report(factory: sessionmaker[Session], status: str) -> int:
    with transaction(factory) as session:
        org = Organisation(name="并发测试研究院", type="institute", province_code="310000")
        session.add(org)
        session.flush()
        report = service.create_report(session, actor=SYSTEM, data=ReportCreate(
            number="CC-2026-0001", title="并发报告", type="final", org_id=org.id, openness="public", year=2026,
            abstract="摘要", full_text="全文", status=status))  # type: ignore[arg-type]
        return report.id


def race(engine: Engine, factory: sessionmaker[Session], report_id: int,
         writes: list[tuple[Actor, Callable[[Session, Actor, Report], Any]]]) -> list[str]:
    """Run the writes at once, each in its own session; the outcome of each: ok, or the refusal."""
    postgres = engine.dialect.name == "postgresql"
    barrier = threading.Barrier(len(writes), timeout=30)
    outcomes: list[str] = [""] * len(writes)

    def run(i: int, actor: Actor, write: Callable[[Session, Actor, Report], Any]) -> None:
        session = factory()
        try:
            report = queries.get_report(session, actor=SYSTEM, report_id=report_id)
            if postgres:
                barrier.wait()  # both have read the report: now both write
            write(session, actor, report)
            session.commit()
            outcomes[i] = "ok"
        except StaleDataError:
            outcomes[i] = "state_changed"
        except Conflict as exc:
            outcomes[i] = exc.code
        finally:
            session.rollback()
            session.close()

    threads = [threading.Thread(target=run, args=(i, actor, write)) for i, (actor, write) in enumerate(writes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _move(name: str, reason: str = "") -> Callable[[Session, Actor, Report], Any]:
    return lambda s, actor, r: service.move_report(s, actor=actor, report=r, data=ReportMove(move=name,
                                                                                             reason=reason))


def test_accept_and_return_at_once_one_wins(fresh: tuple[Engine, sessionmaker[Session]]) -> None:
    engine, factory = fresh
    report_id = _report(factory, "submitted")
    outcomes = race(engine, factory, report_id, [(OFFICE, _move("accept")), (SH_ADMIN, _move("return", "补充"))])
    assert sorted(outcomes).count("ok") == 1, outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert loser == ("state_changed" if engine.dialect.name == "postgresql" else "state.move_not_allowed")
    with factory() as session:
        status = session.scalar(select(Report.status).where(Report.id == report_id))
        assert status == ("accepted" if outcomes[0] == "ok" else "draft")


def test_an_edit_and_a_submission_at_once_one_wins(fresh: tuple[Engine, sessionmaker[Session]]) -> None:
    engine, factory = fresh
    report_id = _report(factory, "draft")

    def edit(session: Session, actor: Actor, report: Report) -> None:
        service.update_report(session, actor=actor, report=report, data=ReportUpdate(title="并发修改后的标题"))

    outcomes = race(engine, factory, report_id, [(OFFICE, edit), (OFFICE, _move("submit"))])
    with factory() as session:
        report = session.get(Report, report_id)
        assert report is not None
        final = (report.status, report.title)
    if engine.dialect.name == "postgresql":  # both read the draft: one wins, never an edit of a submitted report
        assert outcomes.count("ok") == 1 and "state_changed" in outcomes, outcomes
        assert final in (("submitted", "并发报告"), ("draft", "并发修改后的标题"))
    else:  # serialised: the edit then the submission, or the submission and the edit refused
        assert outcomes in (["ok", "ok"], ["report.not_draft", "ok"]), outcomes
        assert final == (("submitted", "并发修改后的标题") if outcomes[0] == "ok" else ("submitted", "并发报告"))
