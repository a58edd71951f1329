"""Generated sample data (示例) so a new user can try every page: programmes, projects at every stage, reports of
each openness level, achievements. Every record is marked as a sample (is_sample, and 示例 in its name)."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor, Grant
from yrdhub.accounts.schemas import GrantRequest, UserCreate
from yrdhub.db import utcnow
from yrdhub.outputs import achievements
from yrdhub.outputs import service as outputs
from yrdhub.outputs.schemas import AchievementCreate, ReportCreate
from yrdhub.programmes import indexing, moves, review, writes
from yrdhub.programmes.models import Programme, Project
from yrdhub.programmes.schemas import CallCreate, ProgrammeCreate, ProjectCreate, ReviewIn
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate

ORGS = [  # (name, type, region) — generated organisations, clearly marked
    ("示例集成电路研究院（上海）", "institute", "上海"), ("示例理工大学（南京）", "university", "南京"),
    ("示例智能制造企业（杭州）", "enterprise", "杭州"), ("示例量子科技实验室（合肥）", "lab", "合肥"),
]
PROJECTS = [  # (code suffix, title, lead index, partners, funders, final state)
    ("01", "车规级芯片可靠性联合攻关（示例）", 0, [1, 3], {"310000": 600, "320000": 400, "340000": 300}, "accepted"),
    ("02", "工业互联网安全可信平台（示例）", 2, [0], {"310000": 500, "330000": 500}, "contracted"),
    ("03", "量子精密测量仪器国产化（示例）", 3, [1], {"320000": 300, "340000": 700}, "under_review"),
    ("04", "新型显示材料中试验证（示例）", 1, [2], {"320000": 400, "330000": 200}, "submitted"),
]


INSTRUMENTS = [  # (code, name, category, maker, value in yuan, host index, hourly prices: internal/same/cross)
    ("SAMPLE-INS-01", "场发射扫描电子显微镜（示例）", "分析仪器", "示例仪器公司", 3_600_000, 0, (120, 240, 260)),
    ("SAMPLE-INS-02", "X射线光电子能谱仪（示例）", "分析仪器", "示例仪器公司", 5_200_000, 1, (200, 360, 400)),
    ("SAMPLE-INS-03", "五轴联动加工中心（示例）", "工艺试验仪器", "示例机床公司", 2_800_000, 2, (150, 300, 330)),
    ("SAMPLE-INS-04", "稀释制冷机（示例）", "物理性能测试仪器", "示例低温公司", 9_800_000, 3, (300, 500, 550)),
]


def load_samples(session: Session, *, actor: Actor) -> int:
    """Idempotent: nothing happens when the samples are already there (but for a fresh search index of the
    projects: a database loaded before projects were searchable gets them indexed)."""
    instruments_added = _sample_instruments(session, actor)
    if session.execute(select(Programme).where(Programme.code == "SAMPLE-YRD-JOINT")).scalar_one_or_none():
        indexing.reindex_all(session)
        return instruments_added
    created = [orgs.resolve(session, name) or orgs.create(session, actor=actor,
                                                          data=OrgCreate(name=name, type=kind, region=region))
               for name, kind, region in ORGS]
    programme = writes.create_programme(session, actor=actor, data=ProgrammeCreate(
        code="SAMPLE-YRD-JOINT", name="长三角联合攻关计划（示例）", name_en="YRD joint research programme (sample)",
        owners=["310000", "320000", "330000", "340000"], description="生成的示例数据，用于体验平台功能。",
        is_sample=True))
    now = utcnow()
    call = writes.create_call(session, actor=actor, programme=programme, data=CallCreate(
        code="SAMPLE-CALL-2026", title="2026 年度联合攻关指南（示例）", opens_at=now - timedelta(days=10),
        deadline=now + timedelta(days=60), max_budget_wan=Decimal(3000), is_sample=True))
    for suffix, title, lead, partners, funders, state in PROJECTS:
        lead_org = created[lead]
        applicant = Actor(username="sample-applicant", grants=(Grant("member", f"org:{lead_org.id}"),),
                          via="system")
        project = writes.create_project(session, actor=applicant, call=call, data=ProjectCreate(
            code=f"SAMPLE-P-{suffix}", title=title, lead_org_id=lead_org.id,
            partner_org_ids=[created[p].id for p in partners],
            funders={p: {"2026": Decimal(amount) * Decimal("0.6"), "2027": Decimal(amount) * Decimal("0.4")}
                     for p, amount in funders.items()},
            start_on=date(2026, 7, 1), end_on=date(2028, 6, 30), is_sample=True, summary="生成的示例项目。"))
        _advance(session, actor, applicant, project, state)
    for i, (openness, embargo) in enumerate([("public", None), ("delayed", date.today() + timedelta(days=180)),
                                             ("restricted", None), ("public", None)]):
        outputs.create_report(session, actor=actor, is_sample=True, data=ReportCreate(
            number=f"SAMPLE-2025-{i + 1:04d}", title=f"{PROJECTS[i][1].removesuffix('（示例）')}年度科技报告（示例）",
            type="annual", org_id=created[PROJECTS[i][2]].id, openness=openness, embargo_until=embargo, year=2025,
            abstract="生成的示例报告摘要，用于体验公开、延期公开与限制三类访问。",
            full_text="生成的示例报告全文。" * 20, authors=["示例作者"], keywords=["示例"], status="accepted"))
    for i, (a, b) in enumerate([(0, 1), (2, 0), (3, 1), (1, 1)]):
        achievements.create_achievement(session, actor=actor, is_sample=True, data=AchievementCreate(
            kind="patent", title=f"一种示例装置及方法（示例 {i + 1}）", year=2025,
            applicant_org_ids=[created[a].id, created[b].id], identifier=f"CN2025SAMPLE{i + 1:03d}", trl=5))
    return 1


def _advance(session: Session, office: Actor, applicant: Actor, project: Project, state: str) -> None:
    from yrdhub.accounts import service as accounts

    order = ["submitted", "under_review", "approved", "contracted", "midterm_passed", "accepted"]
    target = order.index(state)
    moves.submit(session, actor=applicant, project=project)
    if target >= 1:
        moves.move(session, actor=office, project=project, name="start_review")
    if target >= 2:
        expert = accounts.get_user(session, username="sample_expert")
        if expert is None:
            expert = accounts.create_user(session, actor=office, data=UserCreate(
                username="sample_expert", password=secrets.token_urlsafe(24), display_name="示例专家"))
            accounts.grant(session, actor=office, user=expert, data=GrantRequest(role="expert"))
        review.assign_reviewer(session, actor=office, project=project, expert=expert)
        review.submit_review(session, actor=accounts.actor_for(expert), project=project,
                             data=ReviewIn(score=85, comment="示例评审意见"))
        for funding in list(project.funders):
            signer = Actor(username=f"sample-{funding.province_code}",
                           grants=(Grant("jurisdiction_admin", funding.province_code),), via="system")
            review.decide_funding(session, actor=signer, project=project, province=funding.province_code,
                                  approve=True)
    for action, step in (("contract", 3), ("midterm", 4), ("accept", 5)):
        if target >= step:
            moves.move(session, actor=office, project=project, name=action, reason="示例")


def _sample_instruments(session: Session, actor: Actor) -> int:
    """Generated instruments at the sample organisations, with prices per price group (marked 示例)."""
    from yrdhub.resources import instruments
    from yrdhub.resources.schemas import InstrumentCreate

    if instruments.by_code(session, INSTRUMENTS[0][0]) is not None:
        return 0
    hosts = [orgs.resolve(session, name) or orgs.create(session, actor=actor,
                                                        data=OrgCreate(name=name, type=kind, region=region))
             for name, kind, region in ORGS]
    for code, name, category, maker, value, host, prices in INSTRUMENTS:
        rates = [{"price_group": group, "unit": "hour", "steps": [[0, Decimal(price)], [20, Decimal(price) * 8 / 10]]}
                 for group, price in zip(("internal", "same_jurisdiction", "cross_jurisdiction"), prices,
                                         strict=True)]
        instruments.create(session, actor=actor, is_sample=True, data=InstrumentCreate(
            code=code, name=name, category=category, maker=maker, value_yuan=Decimal(value), org_id=hosts[host].id,
            lab="示例公共技术服务平台", purchase_year=2021, functions="生成的示例仪器，用于体验预约与计费。",
            service_types=["self_operated", "sample_testing"], rates=rates))
    return 1
