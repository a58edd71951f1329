"""Patent tables (incoPat/CNIPA and Patsnap column schemas) and technology-contract tables.

One row is one patent. A row with 转让人/受让人 also yields a `transfer` record (assignors → assignees).
Applicant lists are `;`-separated; the province/city columns are aligned with them when the counts match,
otherwise each listed place becomes a party of its own (the places are what the measures need)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from yrdhub.analytics.readers.common import parse_year, split_list
from yrdhub.analytics.readers.tables import iter_rows
from yrdhub.analytics.records import BadRecord, Party, Record, Role

INCOPAT = {
    "pub": ("公开（公告）号", "公开(公告)号", "公开号"),
    "app": ("申请号",),
    "date": ("申请日",),
    "title": ("标题", "发明名称", "名称"),
    "applicants": ("申请人", "标准化申请人", "当前专利权人"),
    "province": ("申请人省市代码", "申请人省市"),
    "city": ("中国申请人地市",),
    "address": ("申请人地址",),
    "country": ("申请人国别代码",),
    "type": ("专利类型",),
    "assignors": ("转让人",),
    "assignees": ("受让人",),
    "transfer_date": ("转让执行日",),
    "assignee_address": ("受让人地址",),
}
PATSNAP = {
    "pub": ("公开(公告)号", "公开（公告）号", "公开号"),
    "app": ("申请号",),
    "date": ("申请日",),
    "title": ("标题", "发明名称", "标题 (中文)"),
    "applicants": ("[标]原始申请(专利权)人", "原始申请(专利权)人", "[标]当前申请(专利权)人"),
    "province": ("原始申请(专利权)人州/省", "当前申请(专利权)人州/省"),
    "city": ("原始申请(专利权)人地市", "当前申请(专利权)人地市"),
    "address": ("原始申请(专利权)人地址", "申请人地址"),
    "country": ("原始申请(专利权)人国家/地区",),
    "type": ("专利类型",),
    "assignors": ("转让人",),
    "assignees": ("受让人",),
    "transfer_date": ("转让执行日",),
    "assignee_address": ("受让人地址",),
}
CONTRACTS = {
    "id": ("合同编号", "登记号"),
    "title": ("合同名称", "项目名称"),
    "date": ("登记日期", "签订日期", "认定登记日期"),
    "sellers": ("卖方名称", "卖方", "转让方", "技术卖方"),
    "seller_place": ("卖方所在地", "卖方地区", "卖方地址"),
    "buyers": ("买方名称", "买方", "受让方", "技术买方"),
    "buyer_place": ("买方所在地", "买方地区", "买方地址"),
}
# CN application numbers: 12 digits (2003+) with the type digit at position 5, or 8-9 digits (before).
APP_NO = re.compile(r"(?:CN)?(\d{4})([1-9])(\d{7})\.?[\dX]?$|(?:CN)?(\d{2})([1-9])(\d{5,6})\.?[\dX]?$", re.I)


def invention_flag(app_no: str, pub_no: str, patent_type: str) -> bool | None:
    """Invention patents: type 发明*, application type digit 1 or 8 (PCT), or publication kind A/B."""
    if patent_type:
        return patent_type.startswith("发明") or "invention" in patent_type.lower()
    m = APP_NO.match(app_no.replace(" ", ""))
    if m:
        digit = m.group(2) or m.group(5)
        return digit in ("1", "8")
    kind = re.search(r"([A-Z])\d?$", pub_no.strip())
    if pub_no.upper().startswith("CN") and kind:
        return kind.group(1) in ("A", "B", "C")
    return None


def _pick(row: dict[str, str], names: tuple[str, ...]) -> str:
    for n in names:
        if row.get(n):
            return row[n]
    return ""


def _parties(names: list[str], provinces: list[str], cities: list[str], address: str, role: Role) -> list[Party]:
    if len(provinces) in (0, len(names)) and len(cities) in (0, len(names)):
        out = []
        for i, name in enumerate(names):
            out.append(
                Party(
                    text=address if i == 0 and address else name,
                    role=role,
                    name=name,
                    hint_province=provinces[i] if provinces else "",
                    hint_city=cities[i] if cities else "",
                )
            )
        return out
    size = max(len(provinces), len(cities))
    return [
        Party(
            text="",
            role=role,
            hint_province=provinces[i] if i < len(provinces) else "",
            hint_city=cities[i] if i < len(cities) else "",
        )
        for i in range(size)
    ]


def _read_patents(path: Path, source: str, cols: dict[str, tuple[str, ...]]) -> Iterator[Record | BadRecord]:
    file = str(path)
    for line, row in iter_rows(path):
        if "__error__" in row:
            yield BadRecord(file, line, row["__error__"])
            continue
        pub, app = _pick(row, cols["pub"]), _pick(row, cols["app"])
        if not pub and not app:
            yield BadRecord(file, line, "row without 公开（公告）号 or 申请号")
            continue
        applicants = split_list(_pick(row, cols["applicants"]))
        if not applicants:
            yield BadRecord(file, line, "row without 申请人")
            continue
        provinces = split_list(_pick(row, cols["province"]))
        cities = split_list(_pick(row, cols["city"]))
        date = _pick(row, cols["date"])
        patent = Record(
            source=source,
            kind="patent",
            file=file,
            line=line,
            title=_pick(row, cols["title"]),
            year=parse_year(date),
            patent_no=pub,
            application_no=app,
            is_invention=invention_flag(app, pub, _pick(row, cols["type"])),
            doc_type=_pick(row, cols["type"]),
            date=date,
            parties=_parties(applicants, provinces, cities, _pick(row, cols["address"]), "applicant"),
        )
        yield patent
        assignors = split_list(_pick(row, cols["assignors"]))
        assignees = split_list(_pick(row, cols["assignees"]))
        if assignors or assignees:
            if not (assignors and assignees):
                yield BadRecord(file, line, "transfer with only one side (转让人/受让人)")
                continue
            tdate = _pick(row, cols["transfer_date"])
            parties = _transfer_parties(
                assignors,
                assignees,
                applicants,
                provinces,
                cities,
                _pick(row, cols["address"]),
                _pick(row, cols["assignee_address"]),
            )
            yield replace(patent, kind="transfer", year=parse_year(tdate), date=tdate, doc_type="转让", parties=parties)


def _transfer_parties(
    assignors: list[str],
    assignees: list[str],
    applicants: list[str],
    provinces: list[str],
    cities: list[str],
    address: str,
    assignee_address: str,
) -> list[Party]:
    """Assignors that are applicants take the applicant's place columns; others resolve by name."""
    out: list[Party] = []
    for name in assignors:
        i = applicants.index(name) if name in applicants else -1
        out.append(
            Party(
                text=address if i == 0 and address else name,
                role="assignor",
                name=name,
                hint_province=provinces[i] if 0 <= i < len(provinces) else "",
                hint_city=cities[i] if 0 <= i < len(cities) else "",
            )
        )
    for j, name in enumerate(assignees):
        out.append(Party(text=assignee_address if j == 0 and assignee_address else name, role="assignee", name=name))
    return out


def read_incopat(path: Path) -> Iterator[Record | BadRecord]:
    return _read_patents(path, "incopat", INCOPAT)


def read_patsnap(path: Path) -> Iterator[Record | BadRecord]:
    return _read_patents(path, "patsnap", PATSNAP)


def read_contracts(path: Path) -> Iterator[Record | BadRecord]:
    """Technology contracts (技术合同): sellers → buyers, like a transfer."""
    file = str(path)
    for line, row in iter_rows(path):
        if "__error__" in row:
            yield BadRecord(file, line, row["__error__"])
            continue
        sellers = split_list(_pick(row, CONTRACTS["sellers"]))
        buyers = split_list(_pick(row, CONTRACTS["buyers"]))
        if not sellers or not buyers:
            yield BadRecord(file, line, "contract without 卖方 or 买方")
            continue
        sp, bp = _pick(row, CONTRACTS["seller_place"]), _pick(row, CONTRACTS["buyer_place"])
        parties = [Party(text=f"{sp}{s}" if sp else s, role="seller", name=s) for s in sellers]
        parties += [Party(text=f"{bp}{b}" if bp else b, role="buyer", name=b) for b in buyers]
        date = _pick(row, CONTRACTS["date"])
        yield Record(
            source="contracts",
            kind="contract",
            file=file,
            line=line,
            title=_pick(row, CONTRACTS["title"]),
            patent_no=_pick(row, CONTRACTS["id"]),
            year=parse_year(date),
            date=date,
            parties=parties,
        )
