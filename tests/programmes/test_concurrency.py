"""Two writes to one project at the same moment, on PostgreSQL with real connections and threads (the app on a
database of its own, every request committing for real): exactly one succeeds, the other gets 409, and the
project ends in a state the lifecycle allows and consistent with its funders' sign-offs. Many rounds each.

"At the same moment" is made certain, not left to the scheduler: each request has read the project before
either writes (the service functions the routes call wait for each other at a barrier), which is the race that
let both of two funders' sign-offs through and left the project under review with every funder approved."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import PG_URL, require
from helpers import fresh_database

ROUNDS = 8
CONFLICT_CODES = {"state_changed", "state.move_not_allowed", "project.not_draft", "conflict"}


@dataclass
class Live:
    app: Any
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    call: int = 0
    lead: int = 0
    made: int = 0

    def client(self) -> TestClient:
        return TestClient(self.app)

    def post(self, who: str, path: str, body: dict[str, Any] | None = None, client: TestClient | None = None) -> Any:
        return (client or self.client()).post(f"/api/v1{path}", headers=self.headers[who], json=body)

    def project(self, state: str) -> int:
        """A new project of two funders (Shanghai 100, Jiangsu 200), brought to `state` through the API."""
        self.made += 1
        answer = self.post("applicant", f"/calls/{self.call}/projects", {
            "code": f"CC-{self.made:04d}", "title": f"并发测试 {self.made}", "lead_org_id": self.lead,
            "funders": {"310000": {"2026": 100}, "320000": {"2026": 200}}})
        assert answer.status_code == 201, answer.text
        project = int(answer.json()["id"])
        if state == "draft":
            return project
        assert self.post("applicant", f"/projects/{project}/submit").status_code == 200
        assert self.post("office", f"/projects/{project}/review/start").status_code == 200
        assert self.post("office", f"/projects/{project}/reviewers", {"username": "cc_expert"}).status_code == 200
        assert self.post("expert", f"/projects/{project}/review", {"score": 80, "comment": "可行"}).status_code == 200
        return project

    def get(self, project: int) -> dict[str, Any]:
        answer = self.client().get(f"/api/v1/projects/{project}", headers=self.headers["office"])
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    require(bool(PG_URL), "YRDHUB_TEST_DATABASE_URL is not set (the concurrency tests need PostgreSQL)")
    from yrdhub.accounts import service as accounts
    from yrdhub.accounts.actor import SYSTEM
    from yrdhub.accounts.schemas import GrantRequest, TokenCreate, UserCreate
    from yrdhub.config import Settings
    from yrdhub.db import make_engine, session_factory, transaction
    from yrdhub.migrate import upgrade
    from yrdhub.regions import orgs
    from yrdhub.regions.loader import load_bundled
    from yrdhub.regions.schemas import OrgCreate
    from yrdhub.web.app import create_app

    with fresh_database(PG_URL, tmp_path_factory.mktemp("concurrency"), "concurrency") as url:
        upgrade(url)
        engine = make_engine(url)
        world = Live(app=None)
        with transaction(session_factory(engine)) as session:
            load_bundled(session, actor=SYSTEM)
            lead = orgs.create(session, actor=SYSTEM, data=OrgCreate(name="并发测试牵头大学", type="university",
                                                                    region="合肥"))
            world.lead = lead.id
            for who, role, scope in (("office", "office_admin", ""), ("sh", "jurisdiction_admin", "310000"),
                                     ("js", "jurisdiction_admin", "320000"), ("applicant", "member", f"org:{lead.id}"),
                                     ("expert", "expert", "")):
                user = accounts.create_user(session, actor=SYSTEM,
                                            data=UserCreate(username=f"cc_{who}", password="cc-password-1"))
                accounts.grant(session, actor=SYSTEM, user=user, data=GrantRequest(role=role, scope=scope))
                session.flush()
                _, secret = accounts.create_token(session, actor=accounts.actor_for(user), user=user,
                                                  data=TokenCreate(name="cc", scopes=["read", "write"]))
                world.headers[who] = {"Authorization": f"Bearer {secret}"}
        engine.dispose()
        world.app = create_app(Settings(environment="test", database_url=url, secret_key="c" * 40))
        from yrdhub.db import utcnow

        now = utcnow()
        answer = world.post("office", "/programmes", {"code": "CC-PROG", "name": "并发测试计划",
                                                      "owners": ["310000", "320000"]})
        assert answer.status_code == 201, answer.text
        answer = world.post("office", f"/programmes/{answer.json()['id']}/calls", {
            "code": "CC-CALL", "title": "并发测试指南", "opens_at": (now - timedelta(days=1)).isoformat(),
            "deadline": (now + timedelta(days=30)).isoformat()})
        assert answer.status_code == 201, answer.text
        world.call = answer.json()["id"]
        yield world
        world.app.state.engine.dispose()


Request = Callable[[TestClient], Any]


def racing(monkeypatch: pytest.MonkeyPatch, *targets: tuple[Any, str]) -> None:
    """The service functions the two requests call wait for each other (after each request has read the
    project) before they write."""
    meeting = threading.Barrier(2, timeout=20)
    for module, name in targets:
        original = getattr(module, name)

        def waiting(*args: Any, __original: Any = original, **kwargs: Any) -> Any:
            meeting.wait()
            return __original(*args, **kwargs)

        monkeypatch.setattr(module, name, waiting)


def at_once(first: Request, second: Request) -> list[Any]:
    """Both requests released by one barrier, each on its own thread, client and database connection."""
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def run(i: int, request: Request) -> None:
        client = TestClient(LIVE.app)
        client.get("/healthz")  # warm the client's portal before the race
        barrier.wait()
        results[i] = request(client)

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


LIVE: Live


def one_wins(results: list[Any]) -> int:
    """Exactly one 2xx; the other a 409 with a state code. Returns the winner's index."""
    statuses = [r.status_code for r in results]
    winners = [i for i, s in enumerate(statuses) if 200 <= s < 300]
    assert len(winners) == 1, [(r.status_code, r.text[:200]) for r in results]
    loser = results[1 - winners[0]]
    assert loser.status_code == 409, loser.text
    assert loser.json()["error"]["code"] in CONFLICT_CODES, loser.text
    return winners[0]


def consistent(project: dict[str, Any]) -> None:
    """The state is one the lifecycle allows and agrees with the funders' decisions and the history."""
    decisions = {f["province_code"]: f["decision"] for f in project["funders"]}
    status = project["status"]
    assert status in {"draft", "submitted", "under_review", "approved", "rejected"}, status
    if status == "approved":
        assert set(decisions.values()) == {"approved"}, decisions
    if status == "rejected":
        assert "rejected" in decisions.values(), decisions
    if status == "under_review":
        assert "rejected" not in decisions.values() and set(decisions.values()) != {"approved"}, decisions
    history = [t["to_status"] for t in project["transitions"]]
    assert (history[-1] if history else "draft") == status, (history, status)
    assert len(history) == len(set(history)), history


def funding(who: str, project: int, province: str, approve: bool) -> Request:
    body = {"approve": approve, "reason": "" if approve else "与布局重复"}
    return lambda client: LIVE.post(who, f"/projects/{project}/funding/{province}", body, client)


@pytest.fixture(autouse=True)
def _live(live: Live) -> None:
    global LIVE
    LIVE = live


def _race_funding(monkeypatch: pytest.MonkeyPatch) -> None:
    from yrdhub.programmes import review

    racing(monkeypatch, (review, "decide_funding"))


def test_one_funder_approves_twice_at_once(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(ROUNDS):
        project = live.project("under_review")
        _race_funding(monkeypatch)
        one_wins(at_once(funding("js", project, "320000", True), funding("js", project, "320000", True)))
        monkeypatch.undo()
        state = live.get(project)
        consistent(state)
        assert {f["province_code"]: f["decision"] for f in state["funders"]} == {"310000": "pending",
                                                                                 "320000": "approved"}


def test_one_funder_approves_and_refuses_at_once(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(ROUNDS):
        project = live.project("under_review")
        _race_funding(monkeypatch)
        winner = one_wins(at_once(funding("js", project, "320000", True), funding("js", project, "320000", False)))
        monkeypatch.undo()
        state = live.get(project)
        consistent(state)
        assert state["status"] == ("under_review" if winner == 0 else "rejected")


def test_two_funders_at_once(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(ROUNDS):
        project = live.project("under_review")
        _race_funding(monkeypatch)
        winner = one_wins(at_once(funding("sh", project, "310000", True), funding("js", project, "320000", True)))
        monkeypatch.undo()
        state = live.get(project)
        consistent(state)
        assert state["status"] == "under_review"
        # the other funder signs again, now seeing the first sign-off: the project is approved
        again = ("js", "320000") if winner == 0 else ("sh", "310000")
        assert funding(again[0], project, again[1], True)(live.client()).status_code == 200
        state = live.get(project)
        consistent(state)
        assert state["status"] == "approved"


def test_an_edit_and_a_submission_of_a_draft_at_once(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    from yrdhub.programmes import moves, writes

    for i in range(ROUNDS):
        project = live.project("draft")
        racing(monkeypatch, (writes, "update_draft"), (moves, "submit"))

        def edit(client: TestClient, project: int = project, i: int = i) -> Any:
            # only a share's years (child rows; the budget stays 300): the project row must race all the same
            return client.patch(f"/api/v1/projects/{project}", headers=live.headers["applicant"],
                                json={"funders": {"310000": {"2026": 100}, "320000": {"2026": 199 - i, "2027": 1 + i}}})

        def submit(client: TestClient, project: int = project) -> Any:
            return live.post("applicant", f"/projects/{project}/submit", None, client)

        winner = one_wins(at_once(edit, submit))
        monkeypatch.undo()
        state = live.get(project)
        consistent(state)
        jiangsu = next(f["yearly"] for f in state["funders"] if f["province_code"] == "320000")
        if winner == 0:
            assert state["status"] == "draft" and jiangsu == {"2026": str(199 - i), "2027": str(1 + i)}
        else:  # submitted as it was checked: the shares the submission saw
            assert state["status"] == "submitted" and jiangsu == {"2026": "200"}
