"""Patent and contract readers on GENERATED fixtures in the real incoPat/CNIPA and Patsnap column schemas."""

from __future__ import annotations

from pathlib import Path

import pytest

from yrdhub.analytics.readers import detect_format, read
from yrdhub.analytics.readers.patents import invention_flag
from yrdhub.analytics.records import BadRecord, Record

from .generated import write_incopat_csv, write_incopat_xlsx, write_patsnap_csv


def split(path: Path) -> tuple[list[Record], list[BadRecord]]:
    good: list[Record] = []
    bad: list[BadRecord] = []
    for item in read(path):
        (good if isinstance(item, Record) else bad).append(item)
    return good, bad


@pytest.mark.parametrize("kind", ["gbk-csv", "utf8-csv", "xlsx"])
def test_incopat(tmp_path: Path, kind: str) -> None:
    if kind == "xlsx":
        path = write_incopat_xlsx(tmp_path / "incopat.xlsx")
    else:
        path = write_incopat_csv(tmp_path / "incopat.csv", "gbk" if kind == "gbk-csv" else "utf-8-sig")
    assert detect_format(path) == "incopat"
    good, bad = split(path)
    patents = [r for r in good if r.kind == "patent"]
    transfers = [r for r in good if r.kind == "transfer"]
    assert [r.patent_no for r in patents] == [
        "CN111000001A",
        "CN111000001A",
        "CN212000002U",
        "CN113000003B",
        "CN114000004A",
        "CN116000007A",
    ]
    assert [r.is_invention for r in patents] == [True, True, False, True, True, True]
    assert [(p.name, p.hint_province, p.hint_city) for p in patents[0].parties] == [
        ("示例甲科技有限公司", "32", "南京市"),
        ("示例乙大学", "34", "合肥市"),
    ]
    assert patents[0].year == 2020
    assert [r.patent_no for r in transfers] == ["CN113000003B", "CN114000004A"]
    assert [(p.role, p.name) for p in transfers[0].parties] == [
        ("assignor", "示例戊有限公司"),
        ("assignee", "宁波示例庚有限公司"),
    ]
    assert transfers[0].parties[0].hint_city == "苏州市"  # the assignor is an applicant: its place columns
    assert transfers[0].year == 2022 and transfers[0].date == "2022-06-30"
    assert sorted((b.line, b.reason) for b in bad) == [
        (7, "row without 公开（公告）号 or 申请号"),
        (8, "row without 申请人"),
        (9, "transfer with only one side (转让人/受让人)"),
    ]


def test_patsnap(tmp_path: Path) -> None:
    path = write_patsnap_csv(tmp_path / "patsnap.csv")
    assert detect_format(path) == "patsnap"
    good, bad = split(path)
    assert not bad and [r.kind for r in good] == ["patent", "patent"]
    assert [(p.name, p.hint_province, p.hint_city) for p in good[0].parties] == [
        ("示例丑有限公司", "上海", "上海市"),
        ("示例寅研究院", "安徽", "合肥市"),
    ]
    assert all(r.is_invention for r in good)


def test_contracts(tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    path.write_text(
        "合同编号,合同名称,登记日期,卖方名称,卖方所在地,买方名称,买方所在地,成交金额\n"
        "HT-1,示例技术开发,2023-04-01,示例大学,江苏省南京市,示例公司,安徽省合肥市,100\n"
        "HT-2,缺买方,2023-04-02,示例大学,江苏省南京市,,,5\n",
        encoding="gbk",
    )
    assert detect_format(path) == "contracts"
    good, bad = split(path)
    assert len(good) == 1 and good[0].kind == "contract" and good[0].year == 2023
    assert [p.role for p in good[0].parties] == ["seller", "buyer"]
    assert [(b.line, b.reason) for b in bad] == [(3, "contract without 卖方 or 买方")]


@pytest.mark.parametrize(
    ("app", "pub", "ptype", "expected"),
    [
        ("CN202010000001.1", "", "", True),
        ("202020000002.2", "", "", False),
        ("CN202030000003.3", "", "", False),
        ("", "CN111000001A", "", True),
        ("", "CN212000002U", "", False),
        ("", "", "发明授权", True),
        ("", "", "实用新型", False),
        ("CN01123456.7", "", "", True),
        ("", "", "", None),
    ],
)
def test_invention_flag(app: str, pub: str, ptype: str, expected: bool | None) -> None:
    assert invention_flag(app, pub, ptype) is expected
