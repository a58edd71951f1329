"""Organisation import: atomic, idempotent, every bad row reported; hostile files refused cleanly."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yrdhub import imports
from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.models import AuditEvent
from yrdhub.regions.imports import OrgImporter
from yrdhub.regions.models import Organisation

GOOD = """名称,类型,统一社会信用代码,地址,别名,上级机构
东南大学,高校,,南京市玄武区四牌楼2号,东大;Southeast University,
东南大学附属中大医院,医院,,南京市鼓楼区丁家桥87号,中大医院,东南大学
复旦大学,university,12100000400000624D,上海市杨浦区邯郸路220号,,
"""


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Organisation)).scalar_one()


def events(session: Session) -> int:
    return session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def run(session: Session, data: bytes | str, filename: str = "orgs.csv", actor=SYSTEM):  # type: ignore[no-untyped-def]
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return imports.run(session, OrgImporter, actor=actor, data=raw, filename=filename)


def test_good_file_imports_and_second_run_changes_nothing(session: Session) -> None:
    before = count(session)
    report = run(session, GOOD)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert count(session) == before + 3
    hospital = session.execute(select(Organisation).where(Organisation.name == "东南大学附属中大医院")).scalar_one()
    parent = session.execute(select(Organisation).where(Organisation.name == "东南大学")).scalar_one()
    assert hospital.parent_id == parent.id and hospital.region_code == "320106"
    n_events = events(session)
    again = run(session, GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert count(session) == before + 3
    assert events(session) == n_events + 1  # only the import's own summary event


def test_changed_row_updates_by_uscc(session: Session) -> None:
    run(session, GOOD)
    changed = GOOD.replace("复旦大学,university,12100000400000624D", "复旦大学（更名）,university,12100000400000624D")
    report = run(session, changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert session.execute(select(Organisation.name).where(Organisation.uscc == "12100000400000624D")
                           ).scalar_one() == "复旦大学（更名）"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_encodings_are_detected(session: Session, encoding: str) -> None:
    report = run(session, GOOD.encode(encoding))
    assert report.ok and report.created == 3
    assert report.fmt == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gbk"}[encoding]


def test_xlsx(session: Session) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in GOOD.strip().splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(session, buffer.getvalue(), "orgs.xlsx")
    assert report.ok and report.created == 3 and report.fmt == "xlsx"


def test_every_bad_row_is_reported_and_nothing_written(session: Session) -> None:
    before, n_events = count(session), events(session)
    bad = GOOD + "\n".join([
        ",高校,,上海市,,",                                   # line 5: no name
        "某公司,公司,,上海市,,",                              # line 6: bad type
        "某企业,enterprise,91350100M000100Y44,上海市,,",     # line 7: wrong check character
        "东南大学,高校,,南京市,,",                            # line 8: duplicate of line 2
        "某院所,institute,,,,不存在的上级",                   # line 9: unknown parent
        "某院所2,institute,,上海市,,,多余",                   # line 10: extra cell
    ]) + "\n"
    report = run(session, bad)
    assert not report.ok
    assert [(e.line, e.column, e.code) for e in report.errors] == [
        (5, "名称", "cell.required"), (6, "类型", "org.type"), (7, "统一社会信用代码", "uscc.check"),
        (8, None, "import.duplicate_row"), (10, None, "import.extra_cells")]
    assert report.errors[2].params == {"expected": "3", "given": "4"} and report.errors[3].params == {"line": 2}
    assert count(session) == before and events(session) == n_events


def test_a_parent_named_nowhere_is_reported_once_every_row_is_in(session: Session) -> None:
    report = run(session, GOOD + "某院所,institute,,上海市,,不存在的上级\n")
    assert [(e.line, e.column, e.code, dict(e.params)) for e in report.errors] == [
        (5, "上级机构", "org.parent_ref", {"parent": "不存在的上级"})]


def test_a_parent_further_down_the_file(session: Session) -> None:
    report = run(session, "名称,类型,地区,上级机构\n某研究所,institute,上海,某大学\n某大学,university,上海,\n")
    assert report.ok, report.errors
    child = session.execute(select(Organisation).where(Organisation.name == "某研究所")).scalar_one()
    parent = session.execute(select(Organisation).where(Organisation.name == "某大学")).scalar_one()
    assert child.parent_id == parent.id


@pytest.mark.parametrize(("data", "code"), [
    (b"", "table.empty"),
    (b"   \n\n", "table.empty"),
    (b"\xff\xfe\x00\x00garbage\x81\x30", "table.encoding"),
    (b"foo,bar\n1,2\n", "import.missing_columns"),
    ("名称,类型,颜色\n甲,高校,红\n".encode(), "import.unknown_columns"),
    ("名称,名称,类型\n甲,乙,高校\n".encode(), "import.duplicate_column"),
    (b"\x00\x01\x02binary\x00" * 10, "table.binary"),
    (b"PK\x03\x04not really a zip", "table.xlsx"),
    (b"[1, 2", "table.json"),
    (b'{"a": 1}', "table.json_shape"),
])
def test_hostile_files_get_a_clear_error(session: Session, data: bytes, code: str) -> None:
    before = count(session)
    report = run(session, data)
    assert report.file_error is not None and report.file_error.code == code, report.errors
    assert [e.line for e in report.errors] == [0]
    assert count(session) == before


def test_header_only_is_an_empty_import(session: Session) -> None:
    report = run(session, "名称,类型\n")
    assert report.ok and report.rows == 0


def test_large_file_with_one_bad_row_at_the_end(session: Session) -> None:
    """Every row goes through the service; the last row's error is found by its line, nothing is written."""
    lines = ["名称,类型,地区"] + [f"企业{i:06d},enterprise,上海" for i in range(5_000)]
    lines.append("企业000007,enterprise,上海")
    before, n_events = count(session), events(session)
    report = run(session, "\n".join(lines))
    assert report.rows == 5_001
    assert [(e.line, e.code) for e in report.errors] == [(5_002, "import.duplicate_row")]
    assert count(session) == before and events(session) == n_events


def test_too_many_rows_are_refused_before_any_row_is_read(session: Session) -> None:
    lines = ["名称,类型,地区"] + [f"企业{i:06d},enterprise,上海" for i in range(11)]
    report = imports.run(session, OrgImporter, actor=SYSTEM, data="\n".join(lines).encode(), filename="o.csv",
                         max_rows=10)
    assert [(e.line, e.code, dict(e.params)) for e in report.errors] == [
        (0, "import.too_many_rows", {"rows": 11, "limit": 10})]


def test_jurisdiction_admin_may_only_import_own_province(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    _, js = make_user("jurisdiction_admin", "320000")
    report = run(session, "名称,类型,地区\n南京企业,enterprise,南京\n杭州企业,enterprise,杭州\n", actor=js)
    assert [(e.line, e.code) for e in report.errors] == [(3, "policy.denied")]
    assert run(session, "名称,类型,地区\n南京企业,enterprise,南京\n", actor=js).created == 1


def test_a_row_updating_another_provinces_organisation_is_refused(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    """The audit's take-over: a Jiangsu organisation named in a Shanghai admin's file with region 上海 was moved
    to Shanghai, its address and credit code overwritten. A row is authorised against the record it changes."""
    run(session, "名称,类型,地区,地址,统一社会信用代码\n苏州某研究院,institute,苏州,苏州市工业园区星湖街1号,"
                 "91350100M000100Y43\n")
    _, sh = make_user("jurisdiction_admin", "310000")
    org = session.execute(select(Organisation).where(Organisation.name == "苏州某研究院")).scalar_one()
    snapshot = (org.province_code, org.address, org.uscc)
    by_code = run(session, "名称,类型,地区,地址,统一社会信用代码\n苏州某研究院,institute,上海,上海市浦东新区某路1号,"
                           "91350100M000100Y43\n", actor=sh)
    by_name = run(session, "名称,类型,地区,地址\n苏州某研究院,institute,上海,上海市浦东新区某路1号\n", actor=sh)
    renamed = run(session, "名称,类型,统一社会信用代码\n上海接管研究院,institute,91350100M000100Y43\n", actor=sh)
    for report in (by_code, by_name, renamed):
        assert [(e.line, e.code) for e in report.errors] == [(2, "policy.denied")]
    session.expire_all()
    assert (org.province_code, org.address, org.uscc) == snapshot
    assert snapshot == ("320000", "苏州市工业园区星湖街1号", "91350100M000100Y43")
