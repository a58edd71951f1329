"""Organisation import: atomic, idempotent, every bad row reported; hostile files refused cleanly."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.models import AuditEvent
from yrdhub.regions.imports import import_organisations
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
    return import_organisations(session, actor=actor, data=raw, filename=filename)


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
    assert [(e.line, e.field) for e in report.errors] == [
        (5, "name"), (6, "type"), (7, "uscc"), (8, "name"), (10, None), (9, "parent")]
    assert "应为 3" in report.errors[2].reason and "第 2 行" in report.errors[3].reason
    assert count(session) == before and events(session) == n_events


@pytest.mark.parametrize(("data", "fragment"), [
    (b"", "为空"),
    (b"   \n\n", "为空"),
    (b"\xff\xfe\x00\x00garbage\x81\x30", "编码"),
    (b"foo,bar\n1,2\n", "缺少必需列"),
    ("名称,类型,颜色\n甲,高校,红\n".encode(), "无法识别的列"),
    ("名称,名称,类型\n甲,乙,高校\n".encode(), "列重复"),
    (b"\x00\x01\x02binary\x00" * 10, "二进制"),
    (b"PK\x03\x04not really a zip", "Excel"),
])
def test_hostile_files_get_a_clear_error(session: Session, data: bytes, fragment: str) -> None:
    before = count(session)
    report = run(session, data)
    assert report.file_error is not None and fragment in report.file_error, report.file_error
    assert count(session) == before


def test_header_only_is_an_empty_import(session: Session) -> None:
    report = run(session, "名称,类型\n")
    assert report.ok and report.rows == 0


def test_large_file_with_one_bad_row_at_the_end(session: Session) -> None:
    """100k rows: validated in full, the last row's error found by its line, nothing written."""
    lines = ["名称,类型,地区"] + [f"企业{i:06d},enterprise,上海" for i in range(100_000)]
    lines.append("企业000007,enterprise,上海")
    before = count(session)
    report = run(session, "\n".join(lines))
    assert report.rows == 100_001
    assert [(e.line, e.field) for e in report.errors] == [(100_002, "name")]
    assert count(session) == before


def test_jurisdiction_admin_may_only_import_own_province(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    _, js = make_user("jurisdiction_admin", "320000")
    report = run(session, "名称,类型,地区\n南京企业,enterprise,南京\n杭州企业,enterprise,杭州\n", actor=js)
    assert [(e.line, "无权" in e.reason) for e in report.errors] == [(3, True)]
    assert run(session, "名称,类型,地区\n南京企业,enterprise,南京\n", actor=js).created == 1


def test_member_may_not_import(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    from yrdhub.accounts.policy import PermissionDenied

    _, member = make_user("member", "org:1")
    with pytest.raises(PermissionDenied):
        run(session, GOOD, actor=member)
