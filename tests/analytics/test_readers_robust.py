"""Readers on generated files: encodings, CRLF, continuation lines, broken records (all GENERATED text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yrdhub.analytics.readers import detect_format, read
from yrdhub.analytics.records import BadRecord, Record

WOS = """FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Li, A
   Wang, B
TI A generated title about collaboration
   across cities
PY 2024
DI 10.9999/gen.1
C1 [Li, A] Southeast Univ, Sch Transportat, Nanjing 210096, Jiangsu, Peoples R China.
   [Wang, B] Anhui Univ Technol, Maanshan 243002, Anhui, Peoples R China.
UT WOS:000000000000001
ER

PT J
AU Zhao, C
PY 2024
UT WOS:000000000000002
ER

PT J
TI Truncated record without ER
PY 2023
PT J
TI Third good record
PY 2022
UT WOS:000000000000003
ER

EF
"""

REFWORKS = """RT Journal Article
SR 1
A1 张三;李四
AD 东南大学交通学院;河海大学;中国科学技术大学
T1 生成的测试题名
YR 2023
DS CNKI

RT Dissertation/Thesis
A1 王五
T1 生成的学位论文
PB 浙江大学
YR 2021

RT Journal Article
A1 赵六
AD 安徽工业大学
YR 2020
"""

ENDNOTE = """%0 Journal Article
%A 张三
%A 李四
%+ 东南大学;同济大学;
%T 生成的EndNote题名
%J 测试期刊
%D 2022

%0 Journal Article
%A 王五
%+ 安徽大学
%D 2021
"""

CUSTOM = """SrcDatabase-来源库: 期刊
Title-题名: 生成的自定义题名
Author-作者: 张三;李四;
Organ-单位: 中国科学技术大学;复旦大学;
Source-文献来源: 测试期刊
PubTime-发表时间: 2022-05-01
Year-年: 2022

SrcDatabase-来源库: 期刊
Author-作者: 王五;
Organ-单位: 南京大学;
Year-年: 2021
"""


def split(path: Path) -> tuple[list[Record], list[BadRecord]]:
    good: list[Record] = []
    bad: list[BadRecord] = []
    for item in read(path):
        (good if isinstance(item, Record) else bad).append(item)
    return good, bad


@pytest.mark.parametrize(("encoding", "newline"), [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("gbk", "\r\n")])
def test_wos_plain_any_encoding(tmp_path: Path, encoding: str, newline: str) -> None:
    path = tmp_path / "savedrecs.txt"
    path.write_bytes(WOS.replace("\n", newline).encode(encoding))
    good, bad = split(path)
    assert [r.ut for r in good] == ["WOS:000000000000001", "WOS:000000000000003"]
    assert good[0].title == "A generated title about collaboration across cities"
    assert len(good[0].parties) == 2 and good[0].doi == "10.9999/gen.1"
    reasons = {(b.line, b.reason) for b in bad}
    assert (15, "record without a title (TI)") in reasons
    assert (21, "record not closed by ER (truncated?)") in reasons
    assert bad and all(b.file == str(path) for b in bad)


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "utf-8-sig"])
def test_refworks_any_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "cnki.txt"
    path.write_bytes(REFWORKS.replace("\n", "\r\n").encode(encoding))
    assert detect_format(path) == "cnki"
    good, bad = split(path)
    assert [r.title for r in good] == ["生成的测试题名", "生成的学位论文"]
    assert [p.text for p in good[0].parties] == ["东南大学交通学院", "河海大学", "中国科学技术大学"]
    assert [p.text for p in good[1].parties] == ["浙江大学"]  # thesis: the university from PB
    assert [(b.line, b.reason) for b in bad] == [(15, "record without a title (T1)")]


def test_endnote_and_custom(tmp_path: Path) -> None:
    en = tmp_path / "endnote.txt"
    en.write_text(ENDNOTE, encoding="utf-8")
    good, bad = split(en)
    assert [r.title for r in good] == ["生成的EndNote题名"] and good[0].year == 2022
    assert [p.text for p in good[0].parties] == ["东南大学", "同济大学"]
    assert len(bad) == 1 and bad[0].line == 9
    cu = tmp_path / "custom.txt"
    cu.write_text(CUSTOM, encoding="gb18030")
    good, bad = split(cu)
    assert [r.title for r in good] == ["生成的自定义题名"]
    assert [p.text for p in good[0].parties] == ["中国科学技术大学", "复旦大学"]
    assert [(b.line, b.reason) for b in bad] == [(9, "record without Title-题名")]


def test_scopus_chinese_headers(tmp_path: Path) -> None:
    header = '"作者","文献标题","年份","来源出版物名称","归属机构","带归属机构的作者","DOI","文献类型","EID"\n'
    rows = [
        '"Li A.; Wang B.","Generated Scopus title one","2023","J","Southeast University, Nanjing, China; '
        'Zhejiang University, Hangzhou, China","","10.9999/S1","Article","2-s2.0-1"\n',
        '"Zhao C.","","2023","J","Fudan University, Shanghai, China","","","Article","2-s2.0-2"\n',
        '"short row"\n',
    ]
    path = tmp_path / "scopus.csv"
    path.write_text(header + "".join(rows), encoding="utf-8-sig")
    good, bad = split(path)
    assert len(good) == 1 and good[0].eid == "2-s2.0-1" and good[0].doi == "10.9999/s1"
    assert [p.text for p in good[0].parties] == [
        "Southeast University, Nanjing, China",
        "Zhejiang University, Hangzhou, China",
    ]
    assert sorted(b.line for b in bad) == [3, 4]


def test_openalex_jsonl_and_page(tmp_path: Path) -> None:
    work = {
        "id": "https://openalex.org/W1",
        "doi": "https://doi.org/10.9999/OA1",
        "display_name": "Generated OA",
        "publication_year": 2022,
        "type": "article",
        "authorships": [
            {
                "institutions": [{"display_name": "Hohai University", "country_code": "CN"}],
                "raw_affiliation_strings": ["Hohai University, Nanjing 210098, China"],
            },
            {
                "institutions": [{"display_name": "University of Tokyo", "country_code": "JP"}],
                "raw_affiliation_strings": [],
            },
        ],
    }
    jl = tmp_path / "works.jsonl"
    jl.write_text(json.dumps(work) + "\n{broken\n" + json.dumps({"id": "x"}) + "\n", encoding="utf-8")
    good, bad = split(jl)
    assert len(good) == 1 and good[0].doi == "10.9999/oa1"
    assert [p.text for p in good[0].parties] == [
        "Hohai University, Nanjing 210098, China",
        "University of Tokyo, JP",
    ]
    assert [b.line for b in bad] == [2, 3]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"meta": {}, "results": [work, work]}), encoding="utf-8")
    good, bad = split(page)
    assert len(good) == 2 and not bad


def test_wos_tab_export(tmp_path: Path) -> None:
    cols = ["PT", "AU", "TI", "PY", "DI", "C1", "C3", "UT"]
    row = [
        "J",
        "Li, A",
        "Generated tab title",
        "2021",
        "10.9999/T1",
        "[Li, A] Southeast Univ, Nanjing 210096, Peoples R China; [Wang, B] Tongji Univ, Shanghai 200092, "
        "Peoples R China",
        "Southeast University; Tongji University",
        "WOS:000000000000009",
    ]
    path = tmp_path / "savedrecs.tsv"
    path.write_text("\t".join(cols) + "\n" + "\t".join(row) + "\n", encoding="utf-8-sig")
    good, bad = split(path)
    assert not bad and len(good) == 1
    assert len(good[0].parties) == 2 and good[0].parties[1].text.startswith("[Wang, B] Tongji Univ")


def test_wos_excel_export(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(
        [
            "Publication Type",
            "Authors",
            "Article Title",
            "Addresses",
            "Affiliations",
            "Publication Year",
            "DOI",
            "UT (Unique WOS ID)",
        ]
    )
    sheet.append(
        [
            "J",
            "Li, A",
            "Generated Excel title",
            "[Li, A] Hohai Univ, Nanjing 210098, Peoples R China; [Wang, B] Anhui Univ, Hefei 230601, Peoples R China",
            "Hohai University; Anhui University",
            "2022",
            "10.9999/X1",
            "WOS:000000000000021",
        ]
    )
    sheet.append(["J", "Zhao, C", "", "", "", "2022", "", "WOS:000000000000022"])
    path = tmp_path / "savedrecs.xlsx"
    wb.save(path)
    assert detect_format(path) == "wos"
    good, bad = split(path)
    assert [r.ut for r in good] == ["WOS:000000000000021"] and good[0].year == 2022
    assert [p.text.split("] ")[1][:9] for p in good[0].parties] == ["Hohai Uni", "Anhui Uni"]
    assert [(b.line, b.reason) for b in bad] == [(3, "record without a title")]


def _oa_work(i: int, affiliation: str = "Hohai University, Nanjing 210098, China") -> dict[str, object]:
    """A GENERATED OpenAlex work."""
    return {
        "id": f"https://openalex.org/W{i}",
        "doi": f"https://doi.org/10.9999/oa{i}",
        "display_name": f"Generated OA work {i}",
        "publication_year": 2023,
        "authorships": [
            {
                "institutions": [{"display_name": "Hohai University", "country_code": "CN"}],
                "raw_affiliation_strings": [affiliation],
            }
        ],
    }


def test_openalex_documents_pretty_printed(tmp_path: Path) -> None:
    """An API page (keys before and after `results`), an array of works and a single work, indented."""
    page = tmp_path / "page.json"
    doc = {"meta": {"count": 2}, "results": [_oa_work(1), _oa_work(2)], "group_by": []}
    page.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    good, bad = split(page)
    assert [r.doi for r in good] == ["10.9999/oa1", "10.9999/oa2"] and not bad
    array = tmp_path / "array.json"
    array.write_text(json.dumps([_oa_work(3), 7, [1], _oa_work(4)], indent=1), encoding="utf-8")
    good, bad = split(array)
    assert [r.doi for r in good] == ["10.9999/oa3", "10.9999/oa4"]
    assert [(b.line, b.reason) for b in bad] == [(2, "not a JSON object"), (3, "not a JSON object")]
    one = tmp_path / "one.json"
    one.write_text(json.dumps(_oa_work(5), indent=2), encoding="utf-8")
    good, bad = split(one)
    assert [r.doi for r in good] == ["10.9999/oa5"] and not bad
    scalar = tmp_path / "scalar.json"
    scalar.write_text('"hello"', encoding="utf-8")
    assert [b.reason for b in split(scalar)[1]] == ["not a JSON object or array of works"]


def test_openalex_document_cut_off_keeps_the_works_before(tmp_path: Path) -> None:
    text = json.dumps({"results": [_oa_work(1), _oa_work(2), _oa_work(3)]}, indent=2)
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index('"Generated OA work 3"')], encoding="utf-8")
    good, bad = split(path)
    assert [r.doi for r in good] == ["10.9999/oa1", "10.9999/oa2"]
    assert len(bad) == 1 and bad[0].line == 3 and bad[0].reason.startswith("invalid JSON after work 2")


def test_openalex_minified_document_and_gbk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-line document longer than the first-line limit is streamed, not read as JSON Lines; GBK text
    is decoded before parsing."""
    from yrdhub.analytics.readers import openalex

    monkeypatch.setattr(openalex, "FIRST_LINE_LIMIT", 200)
    path = tmp_path / "works.json"
    works = [_oa_work(i, "河海大学, 南京 210098, 中国") for i in range(1, 4)]
    path.write_bytes(json.dumps({"results": works}, ensure_ascii=False).encode("gbk"))
    assert not openalex._is_json_lines(path)
    good, bad = split(path)
    assert len(good) == 3 and not bad
    assert good[0].parties[0].text == "河海大学, 南京 210098, 中国"


def test_openalex_document_is_streamed(tmp_path: Path) -> None:
    """Reading an array of 40,000 works takes no more Python memory than one of 10,000 (a fixed ~2 MB: the
    encoding sniff), a small fraction of the file (`json.load` would hold all of it)."""
    import tracemalloc

    peaks, sizes = [], []
    for n in (10_000, 40_000):
        path = tmp_path / f"works{n}.json"
        with path.open("w", encoding="utf-8") as fh:
            fh.write("[\n" + ",\n".join(json.dumps(_oa_work(i)) for i in range(n)) + "\n]\n")
        tracemalloc.start()
        try:
            count = sum(1 for item in read(path) if isinstance(item, Record))
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert count == n
        sizes.append(path.stat().st_size)
    assert sizes[1] > 12_000_000 and peaks[1] < sizes[1] / 4, (sizes, peaks)
    assert peaks[1] < peaks[0] * 1.25, peaks
