"""Plan tasks: quoted verbatim from the plan's release, reported on by those responsible, flagged when overdue."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.monitoring import tasks as plan_tasks

NAMED = ("紫金山实验室", "姑苏实验室", "硬X射线自由电子激光装置", "未来网络试验设施", "超重力离心模拟与实验装置",
         "高效低碳燃气轮机试验装置", "聚变堆主机关键系统综合研究设施", "合肥先进计算中心")


def test_every_quote_is_verbatim_in_the_release(reference_dir: Path) -> None:
    seed = next((reference_dir.parent / "seed").glob("*.txt")).read_text(encoding="utf-8")
    raw = plan_tasks.bundled()
    assert len(raw["tasks"]) >= 20
    for task in raw["tasks"]:
        assert task["quote"] in seed, task["code"]
    names = " ".join(item["name"] for task in raw["tasks"] for item in task.get("items", []))
    for facility in NAMED:
        assert facility in names, facility


def test_load_is_idempotent(session: Session) -> None:
    assert plan_tasks.load_bundled(session, actor=SYSTEM) == 0
    assert len(plan_tasks.list_tasks(session)) == len(plan_tasks.bundled()["tasks"])


def test_only_the_responsible_report(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    _, anhui = make_user("jurisdiction_admin", "340000")
    _, jiangsu = make_user("jurisdiction_admin", "320000")
    task = plan_tasks.get(session, "T07")  # 合肥先进计算中心: Anhui only
    assert task is not None and plan_tasks.provinces_of(task) == {"340000"}
    with pytest.raises(plan_tasks.TaskError, match="not responsible"):
        plan_tasks.report(session, actor=jiangsu, task=task, status="in_progress", progress=10, note="x",
                          region="320000")
    with pytest.raises(PermissionDenied):
        plan_tasks.report(session, actor=jiangsu, task=task, status="in_progress", progress=10, note="x",
                          region="340000")
    with pytest.raises(plan_tasks.TaskError, match="evidence"):
        plan_tasks.report(session, actor=anhui, task=task, status="completed", progress=100, note="建成",
                          region="340000")
    plan_tasks.report(session, actor=anhui, task=task, status="completed", progress=100, note="建成投运",
                      evidence="验收报告 2024-06", region="340000")
    assert task.status == "completed" and task.progress == 100 and len(task.updates) == 1
    assert not plan_tasks.is_overdue(task, today=date(2030, 1, 1))


def test_overdue_and_progress_views(session: Session) -> None:
    tasks = plan_tasks.list_tasks(session)
    t06 = next(t for t in tasks if t.code == "T06")
    assert plan_tasks.is_overdue(t06, today=date(2026, 1, 1)) and not plan_tasks.is_overdue(t06, today=date(2025, 6, 1))
    standing = next(t for t in tasks if t.code == "T24")
    assert standing.due is None and not plan_tasks.is_overdue(standing, today=date(2030, 1, 1))
    by_area = plan_tasks.progress_by(tasks, "area", today=date(2026, 1, 1))
    assert next(p.key for p in by_area) == "capability"
    by_region = {p.key: p for p in plan_tasks.progress_by(tasks, "region")}
    assert set(by_region) == {"310000", "320000", "330000", "340000"}
    anhui = plan_tasks.list_tasks(session, region="340000")
    assert anhui and all("340000" in plan_tasks.provinces_of(t) for t in anhui)


def test_task_pages(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    board = client.get("/monitoring/tasks")
    assert board.status_code == 200 and "合肥先进计算中心" in board.text and "逾期" in board.text
    detail = client.get("/monitoring/tasks/T06")
    assert "硬X射线自由电子激光装置" in detail.text and 'id="task-report"' not in detail.text  # public: read only
    make_user("jurisdiction_admin", "330000", username="zj_tasks")
    token = login(client, "zj_tasks")
    assert 'id="task-report"' in client.get("/monitoring/tasks/T06").text
    posted = client.post("/monitoring/tasks/T06", data={"csrf_token": token, "region": "330000",
                                                        "status": "in_progress", "progress": "60",
                                                        "note": "超重力装置主体完工"}, follow_redirects=False)
    assert posted.status_code == 303
    assert "超重力装置主体完工" in client.get("/monitoring/tasks/T06").text
    api = client.get("/api/v1/monitoring/tasks/T06").json()
    assert api["status"] == "in_progress" and api["updates"][0]["region_code"] == "330000"
