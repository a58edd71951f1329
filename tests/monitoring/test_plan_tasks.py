"""Plan tasks: quoted verbatim from the plan's release, reported on by those responsible, flagged when overdue."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts.actor import ANONYMOUS, SYSTEM
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import DomainError
from yrdhub.monitoring import tasks as plan_tasks

NAMED = ("紫金山实验室", "姑苏实验室", "硬X射线自由电子激光装置", "未来网络试验设施", "超重力离心模拟与实验装置",
         "高效低碳燃气轮机试验装置", "聚变堆主机关键系统综合研究设施", "合肥先进计算中心")


def test_every_quote_is_verbatim_in_the_release(reference_dir: Path) -> None:
    seed = next((reference_dir.parent / "seed").glob("*.txt")).read_text(encoding="utf-8")
    raw = plan_tasks.bundled()
    assert len(raw["tasks"]) >= 20
    for task in raw["tasks"]:
        assert task["quote"] in seed, task["code"]


def test_every_task_has_its_english_text_marked_as_ours() -> None:
    raw = plan_tasks.bundled()
    assert raw["translation"] == "translation by yrdhub" and raw["source_en"]
    tasks = raw["tasks"]
    assert tasks and all(t["title_en"] and t["quote_en"] for t in tasks)
    assert all(i.get("name_en") for t in tasks for i in t.get("items", []))
    cjk = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
    english = [t["title_en"] + t["quote_en"] for t in tasks] + [i["name_en"] + i.get("site_en", "")
                                                              for t in tasks for i in t.get("items", [])]
    assert english and not [e for e in english if cjk.search(e)]
    names = " ".join(item["name"] for task in raw["tasks"] for item in task.get("items", []))
    for facility in NAMED:
        assert facility in names, facility


def test_load_is_idempotent_and_translates_tasks_loaded_before(session: Session) -> None:
    assert plan_tasks.load_bundled(session, actor=SYSTEM) == 0
    tasks = plan_tasks.list_tasks(session, actor=ANONYMOUS)
    assert len(tasks) == len(plan_tasks.bundled()["tasks"]) and all(t.title_en for t in tasks)
    t01 = tasks[0]
    t01.title_en = ""  # as a database upgraded from before the English titles
    plan_tasks.load_bundled(session, actor=SYSTEM)
    assert t01.title_en == plan_tasks.bundled()["tasks"][0]["title_en"]


def test_only_the_responsible_report(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    _, anhui = make_user("jurisdiction_admin", "340000")
    _, jiangsu = make_user("jurisdiction_admin", "320000")
    task = plan_tasks.get(session, actor=ANONYMOUS, code="T07")  # 合肥先进计算中心: Anhui only
    assert task is not None and plan_tasks.provinces_of(task) == {"340000"}
    with pytest.raises(DomainError) as caught:
        plan_tasks.report(session, actor=jiangsu, task=task, status="in_progress", progress=10, note="x",
                          region="320000")
    assert caught.value.code == "task.not_responsible" and caught.value.field == "region"
    with pytest.raises(PermissionDenied):
        plan_tasks.report(session, actor=jiangsu, task=task, status="in_progress", progress=10, note="x",
                          region="340000")
    with pytest.raises(ValidationError) as invalid:  # the report's schema holds the rule
        plan_tasks.report(session, actor=anhui, task=task, status="completed", progress=100, note="建成",
                          region="340000")
    assert [e["type"] for e in invalid.value.errors()] == ["task.completion_evidence"]
    plan_tasks.report(session, actor=anhui, task=task, status="completed", progress=100, note="建成投运",
                      evidence="验收报告 2024-06", region="340000")
    session.flush()
    updates = plan_tasks.updates(session, actor=ANONYMOUS, task=task).items
    assert task.status == "completed" and task.progress == 100 and len(updates) == 1
    assert not plan_tasks.is_overdue(task, today=date(2030, 1, 1))


def test_overdue_and_progress_views(session: Session) -> None:
    tasks = plan_tasks.list_tasks(session, actor=ANONYMOUS)
    t06 = next(t for t in tasks if t.code == "T06")
    assert plan_tasks.is_overdue(t06, today=date(2026, 1, 1)) and not plan_tasks.is_overdue(t06, today=date(2025, 6, 1))
    standing = next(t for t in tasks if t.code == "T24")
    assert standing.due is None and not plan_tasks.is_overdue(standing, today=date(2030, 1, 1))
    by_area = plan_tasks.progress_by(tasks, "area", today=date(2026, 1, 1))
    assert next(p.key for p in by_area) == "capability"
    by_region = {p.key: p for p in plan_tasks.progress_by(tasks, "region")}
    assert set(by_region) == {"310000", "320000", "330000", "340000"}
    anhui = plan_tasks.list_tasks(session, actor=ANONYMOUS, region="340000")
    assert anhui and all("340000" in plan_tasks.provinces_of(t) for t in anhui)


def test_task_pages(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    board = client.get("/monitoring/tasks")
    assert board.status_code == 200 and "合肥先进计算中心" in board.text and "逾期" in board.text
    english = client.get("/monitoring/tasks", params={"lang": "en"}).text
    assert "Hefei Advanced Computing Center" in english and "Overdue" in english
    detail = client.get("/monitoring/tasks/T06", params={"lang": "zh"})
    assert "硬X射线自由电子激光装置" in detail.text and 'class="form task-report"' not in detail.text  # read only
    make_user("jurisdiction_admin", "330000", username="zj_tasks")
    token = login(client, "zj_tasks")
    form = client.get("/monitoring/tasks/T06").text
    assert 'id="task-report-330000"' in form and 'value="completed"' in form and 'value="not_started"' in form
    refused = client.post("/monitoring/tasks/T06", data={"csrf_token": token, "region": "330000",
                                                         "status": "completed", "progress": "0", "note": "完工"})
    assert refused.status_code == 422 and 'data-code="task.completion_progress"' in refused.text
    posted = client.post("/monitoring/tasks/T06", data={"csrf_token": token, "region": "330000",
                                                        "status": "in_progress", "progress": "60",
                                                        "note": "超重力装置主体完工"}, follow_redirects=False)
    assert posted.status_code == 303
    after = client.get("/monitoring/tasks/T06").text
    assert "超重力装置主体完工" in after and 'value="not_started"' not in after  # started: no way back
    api = client.get("/api/v1/monitoring/tasks/T06").json()
    updates = client.get("/api/v1/monitoring/tasks/T06/updates").json()["items"]
    # T06 is shared by the four: Zhejiang's part at 60 % is a quarter of the task's progress
    assert api["status"] == "in_progress" and api["progress"] == 15 and updates[0]["region_code"] == "330000"
