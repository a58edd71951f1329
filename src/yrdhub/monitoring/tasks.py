"""Plan tasks (督促检查): the bundled list, progress reports with evidence moving each task through its lifecycle,
overdue flags and progress views."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, can, readable
from yrdhub.errors import DomainError
from yrdhub.i18n import beijing
from yrdhub.keyset import Order, Page, paginate
from yrdhub.monitoring.framework import BUNDLED
from yrdhub.monitoring.labels import PROVINCE
from yrdhub.monitoring.lifecycle import TASK, TaskStatus, task_move
from yrdhub.monitoring.models import PlanTask, TaskUpdate
from yrdhub.monitoring.schemas import TaskReportIn
from yrdhub.regions.service import YRD_PROVINCES

STATUSES = tuple(s.value for s in TaskStatus if s != TaskStatus.UNREPORTED)  # what a report may say
UNREPORTED = TaskStatus.UNREPORTED.value  # a task nobody has reported on yet
PROVINCES = YRD_PROVINCES
ALL_FOUR = "三省一市"  # "the three provinces and one municipality": the four jurisdictions


@lru_cache(maxsize=1)
def bundled() -> dict[str, Any]:
    """The bundled task list (parsed once; callers read it, never change it)."""
    return dict(yaml.safe_load((BUNDLED / "plan_tasks.yaml").read_text(encoding="utf-8")))


def areas() -> list[dict[str, str]]:
    return list(bundled()["areas"])


def load_bundled(session: Session, *, actor: Actor) -> int:
    """Insert the plan's tasks that are not there yet, and give the ones there their English text when they lack
    it (the reports made since are never touched)."""
    have = {t.code: t for t in session.execute(select(PlanTask)).scalars()}
    added = translated = 0
    for raw in bundled()["tasks"]:
        task = have.get(raw["code"])
        if task is None:
            session.add(PlanTask(code=raw["code"], area=raw["area"], title=raw["title"], title_en=raw["title_en"],
                                 quote=raw["quote"], quote_en=raw["quote_en"],
                                 responsible=[str(r) for r in raw.get("responsible", [])],
                                 items=raw.get("items", []), due=raw.get("due"), status=UNREPORTED))
            added += 1
        elif not task.title_en:
            task.title_en, task.quote_en, task.items = raw["title_en"], raw["quote_en"], raw.get("items", [])
            translated += 1
    session.flush()
    if added or translated:
        audit.record(session, actor, "monitoring.tasks_load", "plan_task", "bundled",
                     after={"added": added, "translated": translated})
    return added


def provinces_of(task: PlanTask) -> set[str]:
    """The jurisdictions responsible for a task ("三省一市" means all four)."""
    named = {r for r in task.responsible if r in PROVINCES}
    return set(PROVINCES) if ALL_FOUR in task.responsible else named


def today_in_beijing() -> date:
    return beijing(datetime.now().astimezone()).date()


def is_overdue(task: PlanTask, today: date | None = None) -> bool:
    today = today or today_in_beijing()
    return task.due is not None and task.due < today and task.status != TaskStatus.COMPLETED


def list_tasks(session: Session, *, actor: Actor, area: str | None = None, region: str | None = None
               ) -> list[PlanTask]:
    """The plan's tasks (a fixed list of a few dozen), in code order; `region`: those it is responsible for."""
    stmt = select(PlanTask).where(readable(actor, PlanTask)).order_by(PlanTask.code)
    if area:
        stmt = stmt.where(PlanTask.area == area)
    tasks = list(session.execute(stmt).scalars())
    return [t for t in tasks if region is None or region in provinces_of(t)]


def get(session: Session, *, actor: Actor, code: str) -> PlanTask | None:
    stmt = select(PlanTask).where(PlanTask.code == code, readable(actor, PlanTask))
    return session.execute(stmt).scalar_one_or_none()


def updates(session: Session, *, actor: Actor, task: PlanTask, cursor: str | None = None, limit: int = 20
            ) -> Page[TaskUpdate]:
    """A task's progress reports, newest first, a keyset page at a time."""
    stmt = select(TaskUpdate).where(TaskUpdate.task_code == task.code, readable(actor, TaskUpdate))
    return paginate(session, stmt, [Order(TaskUpdate.id, descending=True)], cursor=cursor, limit=limit)


def latest_by_region(session: Session, task: PlanTask) -> dict[str, TaskUpdate]:
    """Each jurisdiction's latest report on the task."""
    newest = (select(func.max(TaskUpdate.id)).where(TaskUpdate.task_code == task.code,
                                                    TaskUpdate.region_code.is_not(None))
              .group_by(TaskUpdate.region_code))
    rows = session.execute(select(TaskUpdate).where(TaskUpdate.id.in_(newest))).scalars()
    return {str(u.region_code): u for u in rows}


def _parts(session: Session, task: PlanTask, region: str | None, report: TaskReportIn) -> tuple[bool, int]:
    """Whether the task is done with this report, and its progress: on a task several jurisdictions share, a
    jurisdiction reports its part (the task's progress is the mean of the parts, and it is completed when every
    part is); the office and a single responsible jurisdiction report on the task as a whole."""
    responsible = provinces_of(task)
    if region is None or len(responsible) < 2:
        return report.status == TaskStatus.COMPLETED, report.progress
    latest = {r: (u.status, u.progress) for r, u in latest_by_region(session, task).items() if r in responsible}
    latest[region] = (report.status, report.progress)
    done = all(latest.get(r, ("", 0))[0] == TaskStatus.COMPLETED for r in responsible)
    mean = round(sum(latest.get(r, ("", 0))[1] for r in responsible) / len(responsible))
    return done, 100 if done else min(mean, 99)


def report(session: Session, *, actor: Actor, task: PlanTask, data: TaskReportIn | None = None,
           **fields: Any) -> TaskUpdate:
    """A jurisdiction reports on a task it is responsible for (the office on any task): the report's status makes
    the task's move; the report is kept with its evidence and audited."""
    data = data if data is not None else TaskReportIn(**fields)
    region = data.region
    if region is not None and region not in provinces_of(task):
        raise DomainError("task.not_responsible", field="region", region=PROVINCE.get(region, region),
                          task=task.code)
    target = Target(province=region)
    all_done, progress = _parts(session, task, region, data)
    name = task_move(TaskStatus(task.status), data.status, all_done=all_done,
                     may_reopen=can(actor, "monitoring.task_reopen", target))
    before = {"status": task.status, "progress": task.progress}
    TASK.move(task, name, actor=actor, target=target, reason=data.note, context={"all_done": all_done})
    task.progress = progress
    update = TaskUpdate(task_code=task.code, region_code=region, status=data.status, progress=data.progress,
                        note=data.note, evidence=data.evidence, milestone=data.milestone,
                        milestone_due=data.milestone_due, created_by=actor.username)
    session.add(update)
    session.flush()
    audit.record(session, actor, "monitoring.task_report", "plan_task", task.code, before=before,
                 after={"status": task.status, "progress": task.progress, "move": name, "region": region,
                        "reported": data.status, "evidence": data.evidence})
    return update


def report_moves(session: Session, *, actor: Actor, task: PlanTask, region: str | None) -> list[str]:
    """The statuses this actor may report on the task now, for this jurisdiction (what the form offers)."""
    target = Target(province=region)
    if region is not None and region not in provinces_of(task):
        return []
    out = []
    for status in STATUSES:
        probe = TaskReportIn(region=region, status=status, progress=100 if status == "completed" else 0,
                             note="-", evidence="-")
        all_done, _ = _parts(session, task, region, probe)
        name = task_move(TaskStatus(task.status), status, all_done=all_done,
                         may_reopen=can(actor, "monitoring.task_reopen", target))
        if any(m.name == name for m in TASK.allowed(actor, task, target, {"all_done": all_done})):
            out.append(status)
    return out


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
        out.append(Progress(k, len(group), {s.value: counts.get(s.value, 0) for s in TaskStatus},
                            sum(is_overdue(t, today) for t in group),
                            sum(t.progress for t in group) / len(group)))
    order = {a["code"]: i for i, a in enumerate(areas())}
    return sorted(out, key=lambda p: (order.get(p.key, 99), p.key))
