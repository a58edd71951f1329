"""The monitoring migration (0016) keeps every row through upgrade → downgrade → upgrade on both
databases: SQLite rebuilds tables to change them, which must neither cascade deletes to their children nor fail
on their references; evaluation runs get their states (the newest published, the older superseded)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import text

from helpers import fresh_database
from yrdhub.accounts.actor import SYSTEM
from yrdhub.db import make_engine, session_factory, transaction
from yrdhub.migrate import alembic_config, upgrade
from yrdhub.monitoring import evaluation, evaluations, measurements, service
from yrdhub.monitoring import tasks as plan_tasks
from yrdhub.regions.loader import load_bundled

BEFORE = "0015"


def _counts(engine) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return tuple(conn.execute(text(
            "SELECT (SELECT count(*) FROM mon_value), (SELECT count(*) FROM mon_submission), "
            "(SELECT count(*) FROM mon_task_update), (SELECT count(*) FROM mon_measure), "
            "(SELECT count(*) FROM mon_measure_record), (SELECT count(*) FROM mon_evaluation)")).one())


def test_upgrade_downgrade_upgrade_keeps_every_row(database_url: str,
                                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    with fresh_database(database_url, tmp_path_factory.mktemp("migration"), "migration") as url:
        upgrade(url)
        engine = make_engine(url)
        with transaction(session_factory(engine)) as session:
            load_bundled(session, actor=SYSTEM)
            service.load_bundled(session, actor=SYSTEM)
            plan_tasks.load_bundled(session, actor=SYSTEM)
            framework = service.get_framework(session, "yrd-monitoring")
            assert framework is not None
            for _ in range(2):
                evaluations.run(session, actor=SYSTEM, framework=framework,
                                method=evaluation.Method(runs=20, last_year=2023))
            task = plan_tasks.get(session, actor=SYSTEM, code="T07")
            assert task is not None
            plan_tasks.report(session, actor=SYSTEM, task=task, status="in_progress", progress=10, note="进展",
                              region="340000")
            reading = measurements.parse(
                session, actor=SYSTEM, values=("v.csv", b"indicator,year,value\nyrd_coauthored_intl_papers,2024,1\n"),
                records=("r.csv", b"indicator,year,work_id\nyrd_coauthored_intl_papers,2024,w1\n"))
            measurements.record(session, actor=SYSTEM, values=reading.values, source="test source")
        before = _counts(engine)
        assert len(before) == 6
        assert all(before)
        config = alembic_config(url)
        command.downgrade(config, BEFORE)
        assert _counts(engine) == before
        with engine.connect() as conn:
            history = conn.execute(text("SELECT comments FROM mon_submission ORDER BY id LIMIT 1")).scalar()
            assert "action" in str(history)  # the history as the old code wrote it
        command.upgrade(config, "head")
        assert _counts(engine) == before
        with transaction(session_factory(engine)) as session:
            runs = session.execute(text("SELECT status FROM mon_evaluation ORDER BY id")).scalars().all()
            assert runs == ["superseded", "published"]  # the newest was the public one before the migration
            framework = service.get_framework(session, "yrd-monitoring")
            assert framework is not None
            exact = service.accepted_values(session, framework, exact=True)
            assert exact[("310000", 2022)]["rd_expenditure"] == Decimal("1981.6")
            first = session.execute(text("SELECT comments FROM mon_submission ORDER BY id LIMIT 1")).scalar()
            assert "bundled" in str(first) and "official statistics" not in str(first)
        engine.dispose()
