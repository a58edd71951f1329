"""Plan tasks (督促检查): the bundled list, status updates with evidence, overdue flags, progress views."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize
from yrdhub.db import utcnow
from yrdhub.monitoring.framework import BUNDLED
from yrdhub.monitoring.models import PlanTask, TaskUpdate
from yrdhub.regions.service import YRD_PROVINCES

STATUSES = ("not_started", "in_progress", "completed", "delayed")  # what a report may say
UNREPORTED = "unreported"  # a task nobody has reported on yet
PROVINCES = YRD_PROVINCES


class TaskError(ValueError):
    pass


@lru_cache(maxsize=1)
def bundled() -> dict[str, Any]:
    """The bundled task list (parsed once; callers read it, never change it)."""
    return dict(yaml.safe_load((BUNDLED / "plan_tasks.yaml").read_text(encoding="utf-8")))


def areas() -> list[dict[str, str]]:
    return list(bundled()["areas"])


def load_bundled(session: Session, *, actor: Actor) -> int:
    """Insert the plan's tasks that are not there yet (updates made since are never touched)."""
    have = set(session.execute(select(PlanTask.code)).scalars())
    added = 0
    for raw in bundled()["tasks"]:
        if raw["code"] in have:
            continue
        session.add(PlanTask(code=raw["code"], area=raw["area"], title=raw["title"], quote=raw["quote"],
                             responsible=[str(r) for r in raw.get("responsible", [])], items=raw.get("items", []),
                             due=raw.get("due"), status=UNREPORTED))
        added += 1
    session.flush()
    if added:
        audit.record(session, actor, "monitoring.tasks_load", "plan_task", "bundled", after={"added": added})
    return added


def provinces_of(task: PlanTask) -> set[str]:
    """The jurisdictions responsible for a task ("三省一市" means all four)."""
    named = {r for r in task.responsible if r in PROVINCES}
    return set(PROVINCES) if "三省一市" in task.responsible else named


def is_overdue(task: PlanTask, today: date | None = None) -> bool:
    today = today or date.today()
    return task.due is not None and task.due < today and task.status != "completed"


def list_tasks(session: Session, *, area: str | None = None, region: str | None = None) -> list[PlanTask]:
    stmt = select(PlanTask).options(selectinload(PlanTask.updates)).order_by(PlanTask.code)
    if area:
        stmt = stmt.where(PlanTask.area == area)
    tasks = list(session.execute(stmt).scalars())
    return [t for t in tasks if region is None or region in provinces_of(t)]


def get(session: Session, code: str) -> PlanTask | None:
    stmt = select(PlanTask).where(PlanTask.code == code).options(selectinload(PlanTask.updates))
    return session.execute(stmt).scalar_one_or_none()


def report(session: Session, *, actor: Actor, task: PlanTask, status: str, progress: int, note: str,
           evidence: str = "", region: str | None = None, milestone: str = "",
           milestone_due: date | None = None) -> TaskUpdate:
    """A jurisdiction reports on a task it is responsible for (the office on any task)."""
    if region is not None and region not in provinces_of(task):
        raise TaskError(f"{region} 不是该任务的责任方 / {region} is not responsible for {task.code}")
    authorize(actor, "monitoring.task_report", Target(province=region))
    if status not in STATUSES:
        raise TaskError(f"状态无效 / invalid status: {status}")
    if not 0 <= progress <= 100:
        raise TaskError("进度须在 0–100 之间 / progress must be 0-100")
    if not note.strip():
        raise TaskError("请说明进展 / a note is required")
    if status == "completed" and not evidence.strip():
        raise TaskError("标记完成须附证明材料 / completion needs evidence")
    before = {"status": task.status, "progress": task.progress}
    update = TaskUpdate(task_code=task.code, region_code=region, status=status, progress=progress,
                        note=note.strip(), evidence=evidence.strip(), milestone=milestone.strip(),
                        milestone_due=milestone_due, created_by=actor.username)
    task.updates.append(update)
    task.status, task.progress, task.updated_at = status, progress, utcnow()
    session.flush()
    audit.record(session, actor, "monitoring.task_report", "plan_task", task.code, before=before,
                 after={"status": status, "progress": progress, "region": region, "evidence": evidence})
    return update


@dataclass(frozen=True)
class Progress:
    key: str
    total: int
    by_status: dict[str, int]
    overdue: int
    mean_progress: float


def progress_by(tasks: list[PlanTask], key: str, today: date | None = None) -> list[Progress]:
    """Progress per area (key="area") or per jurisdiction (key="region")."""
    groups: dict[str, list[PlanTask]] = defaultdict(list)
    for task in tasks:
        keys = [task.area] if key == "area" else sorted(provinces_of(task))
        for k in keys:
            groups[k].append(task)
    out = []
    for k, group in groups.items():
        counts = Counter(t.status for t in group)
        out.append(Progress(k, len(group), {s: counts.get(s, 0) for s in (UNREPORTED, *STATUSES)},
                            sum(is_overdue(t, today) for t in group),
                            sum(t.progress for t in group) / len(group)))
    order = {a["code"]: i for i, a in enumerate(areas())}
    return sorted(out, key=lambda p: (order.get(p.key, 99), p.key))
