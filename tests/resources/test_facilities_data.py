"""The bundled registry of the plan's facilities (src/yrdhub/data/resources/facilities.csv): its columns and
codes, its wording checked against the plan's release in ../shared/seed, every name the release lists present
(enumerated from the release's sentences, not typed here), every fact sourced, and the curation script
reproducing the file byte for byte."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, require

DATA = REPO_ROOT / "src" / "yrdhub" / "data"
FACILITIES = DATA / "resources" / "facilities.csv"
SCRIPT = REPO_ROOT / "scripts" / "curate_facilities.py"
SEED = "000_e50f03f92f6a2696.txt"
HEADER = ["key", "kind", "name", "name_en", "city_code", "hosts", "co_builders", "status", "status_as_of",
          "plan_wording", "sources"]
KINDS = {"national_science_centre", "major_facility", "national_lab", "yrd_lab", "provincial_lab",
         "tech_innovation_centre", "industry_innovation_centre", "manufacturing_innovation_centre",
         "clinical_research_centre", "computing_centre", "data_centre"}
STATUSES = {"", "planned", "under_construction", "operating"}
# One item of a list in the release: a run of text without the punctuation between clauses.
ITEM = r"[^,，。;；\s]+?"


def rows() -> list[dict[str, str]]:
    with FACILITIES.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def sources(row: dict[str, str]) -> list[list[str]]:
    return [entry.split(" | ") for entry in row["sources"].split(" ;; ")] if row["sources"] else []


@pytest.fixture(scope="module")
def seed(shared: Path) -> str:
    path = shared / "seed" / SEED
    require(path.is_file(), f"{path} is absent (the plan's release)")
    return path.read_text(encoding="utf-8")


def test_header_keys_and_order() -> None:
    with FACILITIES.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == HEADER
    keys = [r["key"] for r in rows()]
    assert len(keys) >= 19
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", k) for k in keys)


def test_kinds_statuses_dates_and_city_codes_are_valid() -> None:
    with (DATA / "regions" / "divisions.csv").open(encoding="utf-8") as fh:
        cities = {r["code"] for r in csv.DictReader(fh) if r["level"] == "city"}
    assert len(cities) == 41
    table = rows()
    assert table
    assert all(r["kind"] in KINDS for r in table)
    assert all(r["status"] in STATUSES for r in table)
    assert all(bool(r["status"]) == bool(r["status_as_of"]) for r in table)
    dated = [r["status_as_of"] for r in table if r["status_as_of"]]
    assert dated and all(re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", d) for d in dated)
    located = [r["city_code"] for r in table if r["city_code"]]
    assert located and all(c in cities for c in located)


def test_every_plan_wording_is_in_the_release(seed: str) -> None:
    wordings = [r["plan_wording"] for r in rows()]
    assert wordings and all(wordings)
    assert [w for w in wordings if w not in seed] == []


def test_every_fact_has_a_web_source() -> None:
    table = rows()
    with_facts = [r for r in table if r["hosts"] or r["co_builders"] or r["city_code"] or r["status"]]
    assert len(with_facts) >= 10
    unsourced = [r["key"] for r in with_facts
                 if not any(s[0].startswith(("http://", "https://")) for s in sources(r))]
    assert unsourced == []
    entries = [s for r in table for s in sources(r)]
    assert entries
    assert [s for s in entries if len(s) != 3 or any(not part.strip() for part in s)] == []


def test_every_name_the_release_lists_is_present(seed: str) -> None:
    names = {r["name"] for r in rows()}

    def listed(pattern: str) -> list[str]:
        """The items of the one list in the release that `pattern` captures."""
        match = re.search(pattern, seed)
        assert match, pattern
        return match.group(1).split("、")

    facilities = listed(rf"加快({ITEM})等重大科技基础设施建设")
    assert len(facilities) == 5 and "硬X射线自由电子激光装置" in facilities
    fields = listed(rf"谋划筹建({ITEM})等前沿领域的重大科技基础设施")
    assert len(fields) == 7
    places = listed(rf"以({ITEM})综合性国家科学中心为依托")
    assert len(places) == 2
    labs = listed(rf"支持({ITEM})加快发展")
    assert len(labs) == 2
    centres = [*listed(rf"推进({ITEM}中心)建设"), *listed(rf"加快建设(长三角{ITEM}中心)"),
               *listed(rf"推动(长三角{ITEM}中心)建设")]
    assert len(centres) == 3 and all(c.endswith("中心") for c in centres)
    expected = [*facilities, *(f"{f}重大科技基础设施" for f in fields),
                *(f"{p}综合性国家科学中心" for p in places), *centres]
    assert len(expected) == 17
    assert [n for n in expected if n not in names] == []
    # The labs as the plan writes them carry their field: "网络通信与安全紫金山实验室".
    assert [lab for lab in labs if not any(lab.endswith(n) for n in names)] == []


def test_the_script_reproduces_the_file(tmp_path: Path) -> None:
    out = tmp_path / "facilities.csv"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == FACILITIES.read_bytes()
