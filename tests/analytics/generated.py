"""GENERATED test fixtures in the real incoPat/CNIPA and Patsnap column schemas (no real records).

The applicants, numbers and addresses are invented; only the column names follow the vendors' exports."""

from __future__ import annotations

import csv
from pathlib import Path

INCOPAT_COLUMNS = [
    "公开（公告）号",
    "申请号",
    "申请日",
    "标题",
    "申请人",
    "标准化申请人",
    "当前专利权人",
    "申请人国别代码",
    "申请人省市代码",
    "中国申请人地市",
    "中国申请人区县",
    "申请人地址",
    "申请人类型",
    "主分类号",
    "国民经济分类",
    "转让人",
    "受让人",
    "转让执行日",
]
INCOPAT_ROWS = [
    # invention co-filed by 南京 (江苏) and 合肥 (安徽): cross-province
    [
        "CN111000001A",
        "CN202010000001.1",
        "2020-03-02",
        "一种示例方法",
        "示例甲科技有限公司;示例乙大学",
        "",
        "",
        "CN;CN",
        "32;34",
        "南京市;合肥市",
        "",
        "江苏省南京市玄武区示例路1号",
        "企业;大专院校",
        "G06F",
        "",
        "",
        "",
        "",
    ],
    # the same patent again (a duplicate across exports)
    [
        "CN111000001A",
        "CN202010000001.1",
        "2020-03-02",
        "一种示例方法",
        "示例甲科技有限公司;示例乙大学",
        "",
        "",
        "CN;CN",
        "32;34",
        "南京市;合肥市",
        "",
        "江苏省南京市玄武区示例路1号",
        "企业;大专院校",
        "G06F",
        "",
        "",
        "",
        "",
    ],
    # utility model co-filed across provinces: not an invention
    [
        "CN212000002U",
        "CN202020000002.2",
        "2020-05-06",
        "一种示例装置",
        "示例丙有限公司;示例丁有限公司",
        "",
        "",
        "CN;CN",
        "31;33",
        "上海市;杭州市",
        "",
        "上海市浦东新区示例路2号",
        "企业;企业",
        "H01L",
        "",
        "",
        "",
        "",
    ],
    # invention within one province (苏州 + 无锡): not cross-province; transferred 苏州 → 宁波
    [
        "CN113000003B",
        "CN202110000003.3",
        "2021-01-04",
        "一种示例材料",
        "示例戊有限公司;示例己有限公司",
        "",
        "",
        "CN;CN",
        "32;32",
        "苏州市;无锡市",
        "",
        "江苏省苏州市工业园区示例街3号",
        "企业;企业",
        "C08L",
        "",
        "示例戊有限公司",
        "宁波示例庚有限公司",
        "2022-06-30",
    ],
    # transfer inside one province (杭州 → 温州): not cross-province
    [
        "CN114000004A",
        "CN202210000004.4",
        "2022-02-02",
        "一种示例系统",
        "示例辛有限公司",
        "",
        "",
        "CN",
        "33",
        "杭州市",
        "",
        "浙江省杭州市西湖区示例路4号",
        "企业",
        "G08G",
        "",
        "示例辛有限公司",
        "温州示例壬有限公司",
        "2023-01-15",
    ],
    # broken rows: no number, no applicant, a transfer with one side
    [
        "",
        "",
        "2022-02-02",
        "缺号",
        "示例癸有限公司",
        "",
        "",
        "CN",
        "34",
        "合肥市",
        "",
        "",
        "企业",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "CN115000006A",
        "CN202310000006.6",
        "2023-02-02",
        "缺申请人",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "CN116000007A",
        "CN202310000007.7",
        "2023-03-03",
        "单边转让",
        "示例子有限公司",
        "",
        "",
        "CN",
        "31",
        "上海市",
        "",
        "上海市徐汇区示例路7号",
        "企业",
        "",
        "",
        "示例子有限公司",
        "",
        "2024-01-01",
    ],
]
PATSNAP_COLUMNS = [
    "公开(公告)号",
    "申请号",
    "申请日",
    "标题",
    "[标]当前申请(专利权)人",
    "[标]原始申请(专利权)人",
    "当前申请(专利权)人州/省",
    "当前申请(专利权)人地市",
    "原始申请(专利权)人州/省",
    "IPC主分类号",
    "专利类型",
]
PATSNAP_ROWS = [
    # invention: 上海 + 合肥 (the city column of the current applicants is used when aligned)
    [
        "CN117000008A",
        "CN202110000008.8",
        "2021-08-08",
        "示例方法二",
        "示例丑有限公司 | 示例寅研究院",
        "示例丑有限公司;示例寅研究院",
        "上海;安徽",
        "上海市;合肥市",
        "上海;安徽",
        "G06N",
        "发明申请",
    ],
    # invention inside Zhejiang
    [
        "CN118000009A",
        "CN202110000009.9",
        "2021-09-09",
        "示例方法三",
        "示例卯有限公司",
        "示例卯有限公司;示例辰大学",
        "浙江",
        "杭州市",
        "浙江;浙江",
        "G06T",
        "发明申请",
    ],
]


def _write(path: Path, columns: list[str], rows: list[list[str]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def write_incopat_csv(path: Path, encoding: str = "gbk") -> Path:
    """incoPat exports open in Excel; analysts often save them as GBK CSV."""
    return _write(path, INCOPAT_COLUMNS, INCOPAT_ROWS, encoding)


def write_patsnap_csv(path: Path, encoding: str = "utf-8-sig") -> Path:
    return _write(path, PATSNAP_COLUMNS, PATSNAP_ROWS, encoding)


def write_incopat_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(INCOPAT_COLUMNS)
    for row in INCOPAT_ROWS:
        ws.append(row)
    wb.save(path)
    return path
