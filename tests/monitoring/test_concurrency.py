"""Simultaneous writes to one submission, through the web app on a real database with real connections and
threads (not the rolled-back test session): of two conflicting moves exactly one succeeds and the other gets 409;
a draft edited while it is being submitted never ends submitted with values the submission did not validate.

Each scenario runs many rounds. The database is a fresh one created for this module (PostgreSQL: a new database
beside the test database, dropped at the end; SQLite: a new file), so nothing committed here leaks into other
tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from conftest import _prepare
from helpers import PASSWORD, fresh_database, login
from yrdhub.accounts import service as accounts
from yrdhub.accounts.actor import SYSTEM, Actor
from yrdhub.accounts.models import AuditEvent
from yrdhub.accounts.schemas import GrantRequest, UserCreate
from yrdhub.db import make_engine, session_factory
from yrdhub.monitoring import service
from yrdhub.monitoring.models import Submission
from yrdhub.monitoring.validation import Entry

ROUNDS = 10


@dataclass
class Race:
    url: str
    engine: Engine
    factory: sessionmaker[Session]
    clients: dict[str, TestClient]
    tokens: dict[str, str]
    actors: dict[str, Actor]


@pytest.fixture(scope="module")
def race_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(database_url, tmp_path_factory.mktemp("race"), "race") as url:
        _prepare(url)
        yield url


@pytest.fixture(scope="module")
def race(race_url: str) -> Iterator[Race]:
    from yrdhub.config import Settings
    from yrdhub.web.app import create_app

    engine = make_engine(race_url)
    factory = session_factory(engine)
    actors = {}
    with factory() as session:
        for name, role, scope in (("r_stat", "statistician", "340000"), ("r_admin", "jurisdiction_admin", "340000"),
                                  ("r_admin2", "jurisdiction_admin", "340000"), ("r_office", "office_admin", "")):
            user = accounts.create_user(session, actor=SYSTEM, data=UserCreate(username=name, password=PASSWORD))
            accounts.grant(session, actor=SYSTEM, user=user, data=GrantRequest(role=role, scope=scope))
            session.flush()
            actors[name] = accounts.actor_for(user)
        session.commit()
    app = create_app(Settings(environment="test", database_url=race_url, secret_key="r" * 40))
    clients, tokens = {}, {}
    for name in actors:
        clients[name] = TestClient(app)
        clients[name].__enter__()
        tokens[name] = login(clients[name], name)
    yield Race(race_url, engine, factory, clients, tokens, actors)
    for client in clients.values():
        client.__exit__(None, None, None)
    app.state.engine.dispose()
    engine.dispose()


def _valid(session: Session, period: int) -> dict[str, Entry]:
    framework = service.get_framework(session, "yrd-monitoring")
    assert framework is not None
    last = service.accepted_values(session, framework)[("340000", 2023)]
    out = {k: Entry(float(v) * 1.03) for k, v in last.items()}
    out["rd_intensity_published"] = Entry(out["rd_expenditure"].value / out["gdp"].value * 100)  # type: ignore[operator]
    return out


def _submission(race: Race, period: int, steps: tuple[str, ...]) -> int:
    """A fresh submission of Anhui for `period`, taken through `steps`, committed for real."""
    with race.factory() as session:
        framework = service.get_framework(session, "yrd-monitoring")
        assert framework is not None
        stat = race.actors["r_stat"]
        sub = service.open_submission(session, actor=stat, framework=framework, region="340000", period=period)
        service.set_values(session, actor=stat, submission=sub, entries=_valid(session, period))
        for step in steps:
            actor = race.actors["r_admin"] if step == "approve" else stat
            getattr(service, step)(session, actor=actor, submission=sub)
        session.commit()
        return sub.id


def _reset(race: Race) -> None:
    """Forget the previous round: its submission is accepted, so the next round's period opens cleanly."""
    with race.factory() as session:
        session.execute(text("DELETE FROM mon_value WHERE submission_id IN (SELECT id FROM mon_submission "
                             "WHERE created_by = 'r_stat')"))
        session.execute(text("DELETE FROM mon_submission WHERE created_by = 'r_stat'"))
        session.commit()


def _together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment on separate threads; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _post(race: Race, who: str, path: str, body: dict[str, Any] | None = None) -> Callable[[], Any]:
    return lambda: race.clients[who].post(path, json=body or {}, headers={"X-CSRF-Token": race.tokens[who]})


def _put(race: Race, who: str, path: str, body: dict[str, Any]) -> Callable[[], Any]:
    return lambda: race.clients[who].put(path, json=body, headers={"X-CSRF-Token": race.tokens[who]})


def _status(race: Race, sub_id: int) -> str:
    with race.factory() as session:
        return session.execute(select(Submission.status).where(Submission.id == sub_id)).scalar_one()


@pytest.mark.parametrize("second", ["approve", "return"])
def test_two_decisions_on_one_submission_exactly_one_wins(race: Race, second: str) -> None:
    for round_ in range(ROUNDS):
        _reset(race)
        sub_id = _submission(race, 2024, ("submit",))
        base = f"/api/v1/monitoring/submissions/{sub_id}"
        body = {"reason": f"round {round_}: please check"} if second == "return" else {}
        first, other = _together(_post(race, "r_admin", f"{base}/approve"),
                                 _post(race, "r_admin2", f"{base}/{second}", body))
        codes = sorted([first.status_code, other.status_code])
        assert codes == [200, 409], (round_, first.text, other.text)
        loser = first if first.status_code == 409 else other
        assert loser.json()["error"]["code"] in {"state_changed", "state.move_not_allowed"}
        winner_state = "approved" if first.status_code == 200 else (
            "approved" if second == "approve" else "returned")
        assert _status(race, sub_id) == winner_state


def test_a_draft_edited_while_submitted_never_ends_with_unvalidated_values(race: Race) -> None:
    ended_submitted = 0
    for round_ in range(ROUNDS):
        _reset(race)
        sub_id = _submission(race, 2024, ())
        with race.factory() as session:
            edited = {k: {"value": float(e.value) * 1.01, "reason": f"r{round_}"}  # type: ignore[arg-type]
                      for k, e in _valid(session, 2024).items()}
        base = f"/api/v1/monitoring/submissions/{sub_id}"
        submitted, saved = _together(_post(race, "r_admin", f"{base}/submit"),
                                     _put(race, "r_stat", f"{base}/values", {"values": edited}))
        assert {submitted.status_code, saved.status_code} <= {200, 409}, (submitted.text, saved.text)
        assert 200 in (submitted.status_code, saved.status_code)
        with race.factory() as session:
            sub = session.get(Submission, sub_id)
            assert sub is not None
            stored = {v.element: Decimal(str(v.value)) for v in sub.values}
            if sub.status == "submitted":
                ended_submitted += 1
                event = session.execute(select(AuditEvent).where(
                    AuditEvent.action == "monitoring.submit", AuditEvent.object_id == str(sub_id))
                    .order_by(AuditEvent.seq.desc())).scalars().first()
                assert event is not None and event.after is not None
                validated = {k: Decimal(str(v)) for k, v in event.after["values"].items()}
                assert stored == validated, f"round {round_}: submitted with values it never validated"
            else:
                assert sub.status == "draft" and saved.status_code == 200
