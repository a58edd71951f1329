"""Readers on the real export samples in ../shared/reference/collab (read in place, never copied)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from yrdhub.analytics.divisions import token, yrd_divisions
from yrdhub.analytics.places import Resolver
from yrdhub.analytics.readers import detect_format, read
from yrdhub.analytics.records import BadRecord, Record


def own_count(path: Path) -> int:
    """The number of records the file itself declares, counted independently of the readers."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return sum(1 for row in list(csv.reader(fh))[1:] if any(row))
    if re.search(r"^RT ", text, re.M):
        return len(re.findall(r"^RT ", text, re.M))
    return len(re.findall(r"^ER\s*$", text, re.M))


def records(path: Path) -> tuple[list[Record], list[BadRecord]]:
    good, bad = [], []
    for item in read(path):
        (good if isinstance(item, Record) else bad).append(item)
    return good, bad


SAMPLES = {
    "wos/wos_plain_xzy11239_ai-diagnosis_part7.txt": ("wos", 500),
    "wos/wos_plain_xzy11239_ai-diagnosis_part8.txt": ("wos", 271),
    "wos/wos_plain_bibliometrix_fixture.txt": ("wos", 8),
    "scopus/scopus_csv_litstudy_fixture.csv": ("scopus", 58),
    "scopus/ieee_csv_litstudy_1.csv": ("scopus", 100),
    "cnki/cnki_refworks_zzccJJ00_a.txt": ("cnki", 500),
    "cnki/cnki_refworks_zzccJJ00_b_with_keji-chengguo.txt": ("cnki", 274),
    "cnki/cnki_citespace-converted_wosformat_zzccJJ00.txt": ("wos", 321),
    "cnki/cnki_citespace-converted_wosformat_jayden.txt": ("wos", 307),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_record_is_read(collab_dir: Path, name: str) -> None:
    path = collab_dir / name
    fmt, documented = SAMPLES[name]
    assert detect_format(path) == fmt
    good, bad = records(path)
    assert own_count(path) == documented
    assert len(good) + len(bad) >= documented  # nothing lost
    assert len(good) == documented > 0, bad[:5]
    assert all(r.title for r in good)
    assert len({r.line for r in good}) == len(good)


def test_cnki_records_keep_their_organisations(collab_dir: Path) -> None:
    good, _ = records(collab_dir / "cnki/cnki_refworks_zzccJJ00_b_with_keji-chengguo.txt")
    achievements = [r for r in good if r.doc_type == "科技成果"]
    assert len(achievements) == 24
    assert all(r.parties and r.year for r in achievements)  # AD = completing unit, FD = date
    theses = [r for r in good if r.doc_type == "Dissertation/Thesis"]
    assert theses and all(r.parties for r in theses)  # the university from PB


def test_citespace_cnki_records_are_labelled_cnki(collab_dir: Path) -> None:
    good, _ = records(collab_dir / "cnki/cnki_citespace-converted_wosformat_zzccJJ00.txt")
    assert {r.source for r in good} == {"cnki"}
    jayden, _ = records(collab_dir / "cnki/cnki_citespace-converted_wosformat_jayden.txt")
    assert not any(r.ut for r in jayden)  # `CNKI:0` identifies nothing and must not merge records


def test_wos_fields(collab_dir: Path) -> None:
    good, _ = records(collab_dir / "wos/wos_plain_xzy11239_ai-diagnosis_part7.txt")
    assert good and all(r.ut.startswith("WOS:") for r in good)
    assert sum(bool(r.doi) for r in good) >= 495
    assert all(r.year and 1990 < r.year < 2030 for r in good)
    first = good[0]
    assert first.title.startswith("Automated CLL cell population detection using a weakly supervised approach")
    assert len(first.parties) == 2 and first.parties[1].text.endswith("Seattle, WA USA.")


YRD_CITY_NAMES = {token(d.name_en): d.code for d in yrd_divisions() if d.level == "city"}


@pytest.mark.parametrize(
    "name", ["wos/wos_plain_xzy11239_ai-diagnosis_part7.txt", "wos/wos_plain_xzy11239_ai-diagnosis_part8.txt"]
)
def test_yrd_addresses_found(collab_dir: Path, name: str) -> None:
    """Every China address whose city part (the part before the province/country) names a YRD city is placed
    in that city; checked independently of the parser by a plain pattern."""
    resolver = Resolver()
    good, _ = records(collab_dir / name)
    checked = 0
    with_yrd = 0
    for rec in good:
        places = [resolver.resolve(p.text) for p in rec.parties]
        with_yrd += any(p.is_yrd for p in places)
        for party, place in zip(rec.parties, places, strict=True):
            m = re.search(
                r",\s*([A-Za-z' ]+?)\s*(\d{6})?\s*,\s*(?:(Jiangsu|Zhejiang|Anhui)\s*,\s*)?Peoples R China",
                party.text,
            )
            if not m or token(m.group(1)) not in YRD_CITY_NAMES:
                continue
            code = YRD_CITY_NAMES[token(m.group(1))]
            if token(m.group(1)) in ("suzhou", "taizhou"):
                continue  # two YRD cities each: checked in test_places
            checked += 1
            assert place.city_code == code, party.text
    assert checked > 40
    # SOURCES.md counts 88 / 47 records by name matching; one of the 88 is "Zunyi Bozhou Dist" (Guizhou).
    assert with_yrd >= {"wos/wos_plain_xzy11239_ai-diagnosis_part7.txt": 87}.get(name, 47)


def test_scopus_and_ieee_yrd(collab_dir: Path) -> None:
    """SOURCES.md counts 3 and 6 records; the IEEE file has a 7th YRD address that ends in a postcode after
    the country ("Shanghai Institute of Technology,…,Shanghai,China,201418") and one without any place
    ("…, East China Normal University", placed by the gazetteer)."""
    resolver = Resolver()
    expected = {
        "scopus/scopus_csv_litstudy_fixture.csv": {},
        "scopus/ieee_csv_litstudy_1.csv": {
            9: "330100",
            38: "310100",
            62: "320800",
            74: "310100",
            81: "340100",
            83: "310100",
            99: "340100",
        },
    }
    counts = {"scopus/scopus_csv_litstudy_fixture.csv": 3, "scopus/ieee_csv_litstudy_1.csv": 7}
    for name, lines in expected.items():
        good, _ = records(collab_dir / name)
        found = {}
        for r in good:
            cities = [p.city_code for p in (resolver.resolve(x.text) for x in r.parties) if p.is_yrd]
            if cities:
                found[r.line] = cities[0]
        assert len(found) == counts[name], name
        for line, city in lines.items():
            assert found[line] == city, (name, line)
