"""Build `src/yrdhub/data/analytics/cn_places.csv`: every Chinese province and prefecture with its pinyin.

The YRD itself comes from the bundled division table (with counties); this file lets the English address
parser place the *other* Chinese cities of a WoS/Scopus address ("Beijing 100191, Peoples R China") so that
they are counted as resolved-outside-YRD instead of unresolved.

Source: the adcode table shipped in PyPI `cpca` 0.5.5 (MIT, `cpca/resources/adcodes.csv`); pinyin from
`pypinyin` (phrase mode), with the spellings WoS uses where they differ (Shaanxi, Inner Mongolia, Tibet...).

Run: .venv/bin/python scripts/analytics_build_places.py
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

from pypinyin import Style, lazy_pinyin

OUT = Path(__file__).resolve().parents[1] / "src/yrdhub/data/analytics/cn_places.csv"
SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "地区",
    "省",
    "市",
    "盟",
)
# WoS / Scopus spellings that plain pinyin does not give.
ENGLISH = {
    "610000": "Shaanxi",
    "150000": "Inner Mongolia|Nei Mongol",
    "540000": "Tibet|Xizang",
    "810000": "Hong Kong",
    "820000": "Macau|Macao",
    "710000": "Taiwan",
    "640000": "Ningxia",
    "650000": "Xinjiang",
    "450000": "Guangxi",
    # cities whose usual English name is not their pinyin
    "230100": "Harbin|Haerbin",
    "650100": "Urumqi|Wulumuqi",
    "540100": "Lhasa|Lasa",
    "150100": "Hohhot|Huhehaote",
    "150200": "Baotou",
    "652900": "Aksu|Akesu",
    "653100": "Kashgar|Kashi",
}
SKIP = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
SOURCE = "cpca 0.5.5 resources/adcodes.csv (MIT); pinyin by pypinyin"


def short(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def pinyin(name: str) -> str:
    return "".join(lazy_pinyin(short(name), style=Style.NORMAL)).capitalize()


def main() -> None:
    path = resources.files("cpca").joinpath("resources/adcodes.csv")
    rows: list[dict[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            code12 = rec["adcode"]
            code = code12[:6]
            if code12[6:].strip("0"):
                continue
            if rec["name"] in SKIP:
                continue
            if code[2:] == "0000":
                level, parent = "province", ""
                if code in MUNICIPALITIES:  # the city row of a municipality: <prov>0100, same name
                    rows.append(
                        {
                            "code": code[:2] + "0100",
                            "name": rec["name"],
                            "name_en": ENGLISH.get(code, pinyin(rec["name"])),
                            "level": "city",
                            "province_code": code,
                            "source": SOURCE,
                        }
                    )
            elif code[4:] == "00":
                level, parent = "city", code[:2] + "0000"
            else:
                continue
            rows.append(
                {
                    "code": code,
                    "name": rec["name"],
                    "name_en": ENGLISH.get(code, pinyin(rec["name"])),
                    "level": level,
                    "province_code": parent or code,
                    "source": SOURCE,
                }
            )
    rows.sort(key=lambda r: r["code"])
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
