"""The same organisation file imported three times at once writes its rows once: the loser of each race on a
unique key (a credit code, or the name of an organisation without one) retries and finds the winner's rows.
Real sessions on a database of their own, committed for real (PostgreSQL in CI; SQLite serialises writers)."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select

from yrdhub import imports
from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.models import AuditEvent
from yrdhub.db import make_engine, session_factory, transaction
from yrdhub.migrate import upgrade
from yrdhub.regions.imports import OrgImporter
from yrdhub.regions.loader import load_bundled
from yrdhub.regions.models import Organisation

FILE = """名称,类型,统一社会信用代码,地址,别名,上级机构
东南大学,高校,,南京市玄武区四牌楼2号,东大;Southeast University,
东南大学附属中大医院,医院,,南京市鼓楼区丁家桥87号,中大医院,东南大学
复旦大学,university,12100000400000624D,上海市杨浦区邯郸路220号,,
""".encode()

IMPORTS = 3


def test_three_simultaneous_imports_write_the_rows_once(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with transaction(session_factory(engine)) as session:
            load_bundled(session, actor=SYSTEM)
        with session_factory(engine)() as session:
            before = session.execute(select(func.count()).select_from(Organisation)).scalar_one()

        start = threading.Barrier(IMPORTS)
        reports: list[Any] = [None] * IMPORTS

        def one(i: int) -> None:
            start.wait()
            try:
                with transaction(session_factory(engine)) as session:
                    reports[i] = imports.run(session, OrgImporter, actor=SYSTEM, data=FILE, filename="orgs.csv")
            except Exception as exc:  # shown in the assertion below
                reports[i] = exc

        threads = [threading.Thread(target=one, args=(i,)) for i in range(IMPORTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert len(reports) == IMPORTS
        assert all(not isinstance(r, Exception) and r is not None and r.ok for r in reports), reports
        assert sorted((r.created, r.unchanged) for r in reports) == [(0, 3), (0, 3), (3, 0)]
        with session_factory(engine)() as session:
            assert session.execute(select(func.count()).select_from(Organisation)).scalar_one() == before + 3
            names = session.execute(select(Organisation.name).where(Organisation.name.like("%东南大学%"))).scalars()
            assert sorted(names) == ["东南大学", "东南大学附属中大医院"]
            imported = session.execute(select(func.count()).select_from(AuditEvent)
                                       .where(AuditEvent.action == "org.import")).scalar_one()
            assert imported == IMPORTS  # each import's own summary, and no event of a row rolled back
            created = session.execute(select(func.count()).select_from(AuditEvent)
                                      .where(AuditEvent.action == "org.create")).scalar_one()
            assert created == before + 3  # one per organisation, bundled ones included
    finally:
        engine.dispose()
