from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yrdhub import imports
from yrdhub.resources import instruments
from yrdhub.resources.imports import InstrumentImporter
from yrdhub.resources.models import Instrument, Rate

from .conftest import World, org

HEADER = ("仪器编号,仪器名称,仪器分类,型号规格,生产制造商,产地国别,原值（万元）,购置日期,所属单位,所在实验室,服务方式,"
          "是否需要培训,校内收费（元/小时）,省内收费（元/小时）,跨省收费（元/小时）,委托测试收费（元/样）\n")


def run(session: Session, actor: Any, body: str, dry_run: bool = False) -> imports.ImportReport:
    return imports.run(session, InstrumentImporter, actor=actor, data=(HEADER + body).encode(),
                       filename="instruments.csv", dry_run=dry_run)


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Instrument)).scalar_one()


def test_a_provincial_file_imports_once_and_again_changes_nothing(session: Session, world: World) -> None:
    host = world.host.name
    body = (f"SH-XRD-0001,X射线衍射仪,分析仪器,D8 Advance,Bruker,德国,85.5,2018-05-20,{host},材料表征平台,"
            "自主上机;委托测试,是,80,150,180,60\n"
            f"SH-SEM-0001,扫描电子显微镜,分析仪器,Regulus 8100,Hitachi,日本,120,2020/9/1,{host},,委托测试,否,,,200,\n")
    before = count(session)
    report = run(session, world.manager, body)
    assert report.ok and (report.created, report.updated) == (2, 0), report.errors
    xrd = instruments.by_code(session, "SH-XRD-0001")
    assert xrd is not None and xrd.original_value_fen == 85_500_000 and xrd.purchase_year == 2018
    assert xrd.needs_training and xrd.service_types == ["sample_testing", "self_operated"]
    rates = {(r.price_group, r.unit): r.steps for r in instruments.rates_of(session, xrd.id)}
    assert rates[("cross_jurisdiction", "hour")] == [[0, 18_000]] and rates[("internal", "sample")] == [[0, 6000]]
    again = run(session, world.manager, body)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert count(session) == before + 2


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(session: Session, world: World) -> None:
    host = world.host.name
    body = (f"SH-A-0001,好仪器,分析仪器,,,,10,2019-01-01,{host},,,否,,,,\n"
            f"SH-B-0001,坏原值,分析仪器,,,,十万,2019-01-01,{host},,,否,,,,\n"
            "SH-C-0001,无主,分析仪器,,,,10,2019-01-01,不存在的研究所,,,否,,,,\n"
            f"SH-A-0001,重复编号,分析仪器,,,,10,2019-01-01,{host},,,否,,,,\n")
    before = count(session)
    report = run(session, world.manager, body)
    assert sorted((e.line, e.code) for e in report.errors) == [
        (3, "cell.number"), (4, "instrument.no_org"), (5, "import.duplicate_row")]
    assert count(session) == before


def test_a_row_for_another_hosts_instrument_is_refused(session: Session, world: World, make_user: Any) -> None:
    """An organisation admin cannot take over another host's instrument by naming its code."""
    other = org(session, "合肥共享测试研究院", "institute", "340100")
    _, other_admin = make_user("org_admin", f"org:{other.id}")
    code = world.instrument.code
    report = run(session, other_admin, f"{code},改名的仪器,分析仪器,,,,1,2019-01-01,{other.name},,,否,,,,\n")
    assert [(e.line, e.code) for e in report.errors] == [(2, "policy.denied")]
    session.refresh(world.instrument)
    assert world.instrument.org_id == world.host.id and world.instrument.name == "电感耦合等离子体质谱仪"
    assert session.execute(select(func.count()).select_from(Rate).where(
        Rate.instrument_id == world.instrument.id)).scalar_one() == 4  # its prices untouched
