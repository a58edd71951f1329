"""A small world for the resources tests: a 上海 institute hosting instruments, a 嘉兴 (浙江) enterprise and a
上海 enterprise that book them, their people, and the joint office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import SYSTEM, Actor
from yrdhub.i18n import BEIJING
from yrdhub.regions import orgs
from yrdhub.regions.models import Organisation
from yrdhub.regions.schemas import OrgCreate
from yrdhub.resources import instruments
from yrdhub.resources.models import Instrument
from yrdhub.resources.schemas import InstrumentCreate

MONDAY = datetime(2030, 3, 4, 9, 0, tzinfo=BEIJING)
NOW = MONDAY - timedelta(days=7)  # the clock of the tests: bookings are made a week ahead


def org(session: Session, name: str, type_: str, region: str) -> Organisation:
    return orgs.create(session, actor=SYSTEM, data=OrgCreate(name=name, type=type_, region=region))


def instrument_data(host: Organisation, code: str = "SH-ICP-0001", **changes: Any) -> InstrumentCreate:
    values: dict[str, Any] = {
        "code": code, "name": "电感耦合等离子体质谱仪", "name_en": "ICP mass spectrometer", "category": "分析仪器",
        "model": "NexION 2000", "maker": "PerkinElmer", "maker_country": "美国", "value_yuan": Decimal("3200000.00"),
        "purchase_year": 2019, "org_id": host.id, "lab": "分析测试中心", "min_minutes": 30, "max_minutes": 480,
        "cancel_hours_before": 24, "cancel_fee_yuan": Decimal("50"),
        "service_types": ["self_operated", "sample_testing"],
        "rates": [{"price_group": g, "unit": "hour", "steps": [[0, p], [10, p * Decimal("0.8")]]}
                  for g, p in (("internal", Decimal(100)), ("same_jurisdiction", Decimal(200)),
                               ("cross_jurisdiction", Decimal(240)))]
        + [{"price_group": "cross_jurisdiction", "unit": "sample", "steps": [[0, Decimal("35.50")]]}],
    }
    values.update(changes)
    return InstrumentCreate(**values)


@dataclass
class World:
    host: Organisation  # 上海 institute
    zhejiang: Organisation  # 嘉兴 enterprise
    shanghai: Organisation  # 上海 enterprise
    manager: Actor  # org_admin of the host
    booker: Actor  # member of the 嘉兴 enterprise
    local: Actor  # member of the 上海 enterprise
    outsider: Actor  # signed in, of no organisation
    office: Actor
    instrument: Instrument
    ids: dict[str, int]


@pytest.fixture
def world(session: Session, make_user: Any) -> World:
    host = org(session, "上海资源共享测试研究所", "institute", "310115")
    zhejiang = org(session, "嘉兴共享测试科技有限公司", "enterprise", "330400")
    shanghai = org(session, "上海共享测试科技有限公司", "enterprise", "310104")
    manager_user, manager = make_user("org_admin", f"org:{host.id}")
    booker_user, booker = make_user("member", f"org:{zhejiang.id}")
    local_user, local = make_user("member", f"org:{shanghai.id}")
    outsider_user, outsider = make_user()
    _, office = make_user("office_admin")
    instrument = instruments.create(session, actor=manager, data=instrument_data(host))
    return World(host, zhejiang, shanghai, manager, booker, local, outsider, office, instrument,
                 {"booker": booker_user.id, "local": local_user.id, "outsider": outsider_user.id,
                  "manager": manager_user.id})


def slot(start_hours: float, hours: float = 2) -> tuple[datetime, datetime]:
    start = MONDAY + timedelta(hours=start_hours)
    return start, start + timedelta(hours=hours)
