"""Bulk import of instruments in the column layout the provincial sharing platforms publish (仪器名称, 型号规格,
生产制造商, 产地国别, 原值（万元）, 购置日期, 所属单位, 所在实验室, 主要技术指标, 主要功能, …), through the one
import engine.

A row is keyed by its code (仪器编号); it updates that instrument through `instruments.update` — authorised against
the host it has and the host it would move to, exactly as a single update — or creates one. The host organisation
is named by id, credit code, name or alias. Prices: one price per hour for each price group and one per sample
(委托测试) for all groups; a file that has no price columns keeps the instrument's rates.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from yrdhub.errors import DomainError
from yrdhub.imports import Column, Importer, Outcome, Row, choice, day, decimal, integer, items, text
from yrdhub.regions import orgs
from yrdhub.resources import instruments
from yrdhub.resources.models import Facility, Instrument
from yrdhub.resources.schemas import InstrumentCreate, InstrumentUpdate, yuan

STATUS = {"正常": "in_service", "在用": "in_service", "运行": "in_service", "维修": "maintenance",
          "维护": "maintenance", "停用": "maintenance", "报废": "retired", "in service": "in_service"}
SERVICE = {"自主上机": "self_operated", "机时共享": "self_operated", "操作上机": "staff_operated",
           "代为操作": "staff_operated", "委托测试": "sample_testing", "样品测试": "sample_testing"}
YES = {"是": "1", "需要": "1", "yes": "1", "否": "0", "不需要": "0", "no": "0"}
HOURLY = {"internal_hour": "internal", "same_hour": "same_jurisdiction", "cross_hour": "cross_jurisdiction"}

COLUMNS = (
    Column("code", ("仪器编号", "编号", "资产编号"), required=True),
    Column("name", ("仪器名称", "中文名称"), required=True),
    Column("name_en", ("英文名称",)),
    Column("category", ("仪器分类", "所属类别", "分类"), required=True),
    Column("model", ("型号规格", "规格型号", "型号")),
    Column("maker", ("生产制造商", "生产厂商", "制造商")),
    Column("maker_country", ("产地国别", "产地")),
    Column("value_wan", ("原值（万元）", "原值(万元)", "原值"), parse=decimal(0, 1_000_000), required=True),
    Column("purchased", ("购置日期", "启用日期"), parse=day()),
    Column("org", ("所属单位", "依托单位", "单位名称"), parse=text(200), required=True),
    Column("lab", ("所在实验室", "实验室")),
    Column("status", ("运行状态", "状态"), parse=choice(STATUS)),
    Column("specs", ("主要技术指标", "技术指标"), parse=text(5000)),
    Column("functions", ("主要功能", "主要功能及特色"), parse=text(5000)),
    Column("service_types", ("服务方式", "共享方式"), parse=items()),
    Column("needs_training", ("是否需要培训", "需培训"), parse=choice(YES)),
    Column("min_minutes", ("最短预约（分钟）",), parse=integer(1, 60 * 24 * 31)),
    Column("max_minutes", ("最长预约（分钟）",), parse=integer(1, 60 * 24 * 31)),
    Column("internal_hour", ("校内收费（元/小时）", "内部收费（元/小时）"), parse=decimal(0, 10_000_000)),
    Column("same_hour", ("省内收费（元/小时）",), parse=decimal(0, 10_000_000)),
    Column("cross_hour", ("跨省收费（元/小时）", "对外收费（元/小时）"), parse=decimal(0, 10_000_000)),
    Column("sample", ("委托测试收费（元/样）", "测试收费（元/样）"), parse=decimal(0, 10_000_000)),
)
PRICES = (*HOURLY, "sample")


class InstrumentImporter(Importer):
    action = "instrument.import"
    columns = COLUMNS

    def key(self, row: Row) -> str:
        return str(row.values["code"])

    def apply(self, row: Row) -> Outcome:
        host = orgs.resolve(self.session, row.values["org"])
        if host is None:
            raise DomainError("instrument.no_org", field="org", org=row.values["org"])
        existing = instruments.by_code(self.session, row.values["code"])
        values = self._current(existing) | self._values(row, host.id)
        if existing is None:
            instruments.create(self.session, actor=self.actor, data=InstrumentCreate(**values))
            return "created"
        changed = instruments.update(self.session, actor=self.actor, instrument=existing,
                                     data=InstrumentUpdate(**values))
        return "updated" if changed else "unchanged"

    def _values(self, row: Row, host_id: int) -> dict[str, Any]:
        v = row.values
        out: dict[str, Any] = {k: v[k] for k in ("code", "name", "name_en", "category", "model", "maker",
                                                 "maker_country", "lab", "specs", "functions", "min_minutes",
                                                 "max_minutes") if v.get(k) not in (None, "")}
        out["org_id"] = host_id
        out["value_yuan"] = (v["value_wan"] * 10_000).quantize(Decimal("0.01"))
        if v.get("purchased") is not None:
            out["purchase_year"] = v["purchased"].year
        if v.get("status"):
            out["status"] = v["status"]
        if v.get("needs_training"):
            out["needs_training"] = v["needs_training"] == "1"
        if v.get("service_types"):
            out["service_types"] = [SERVICE.get(s, s) for s in v["service_types"]]
        if any(row.has(k) for k in PRICES):
            rates = [{"price_group": group, "unit": "hour", "steps": [[0, v[key]]]}
                     for key, group in HOURLY.items() if v.get(key) is not None]
            if v.get("sample") is not None:
                rates += [{"price_group": group, "unit": "sample", "steps": [[0, v["sample"]]]}
                          for group in HOURLY.values()]
            out["rates"] = rates
        return out

    def _current(self, instrument: Instrument | None) -> dict[str, Any]:
        """An existing instrument as its schema: the columns a file leaves out keep their values."""
        if instrument is None:
            return {}
        rates = instruments.rates_of(self.session, instrument.id)
        return {"name_en": instrument.name_en, "model": instrument.model, "maker": instrument.maker,
                "maker_country": instrument.maker_country, "purchase_year": instrument.purchase_year,
                "lab": instrument.lab, "city": instrument.city_code, "status": instrument.status,
                "specs": instrument.specs, "functions": instrument.functions,
                "service_types": instrument.service_types, "needs_training": instrument.needs_training,
                "min_minutes": instrument.min_minutes, "max_minutes": instrument.max_minutes,
                "book_days_ahead": instrument.book_days_ahead, "book_hours_before": instrument.book_hours_before,
                "cancel_hours_before": instrument.cancel_hours_before,
                "cancel_fee_yuan": yuan(instrument.cancel_fee_fen),
                "facility": None if instrument.facility_id is None else self._facility_key(instrument.facility_id),
                "rates": [{"price_group": r.price_group, "unit": r.unit,
                           "steps": [[start, yuan(price)] for start, price in r.steps]} for r in rates]}

    def _facility_key(self, facility_id: int) -> str:
        facility = self.session.get(Facility, facility_id)
        assert facility is not None
        return facility.key
