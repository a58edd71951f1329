"""Place resolution: English addresses, Chinese addresses (cpca), the institution gazetteer, export fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from yrdhub.analytics.gazetteer import Gazetteer, Institution
from yrdhub.analytics.places import Resolver, parse_english


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver()


@pytest.mark.parametrize(
    ("text", "city", "method"),
    [
        ("Nanjing Univ, Nanjing 210093, Jiangsu, Peoples R China", "320100", "english"),
        (
            "[Li, A; Wang, B] Anhui Univ Technol, Sch Met, Maanshan 243002, Anhui, Peoples R China.",
            "340500",
            "english",
        ),
        ("Maanshan", "340500", "english"),
        ("Ma'anshan 243000, Peoples R China", "340500", "english"),
        ("Lu'an Hosp, Lu'an 237000, Anhui, Peoples R China", "341500", "english"),
        ("Shanghai Jiao Tong Univ, Shanghai 200240, Peoples R China.", "310100", "english"),
        ("Soochow Univ, Suzhou 215006, Peoples R China", "320500", "english"),  # 苏州 by postcode
        ("Suzhou Univ, Suzhou 234000, Anhui, Peoples R China", "341300", "english"),  # 宿州
        ("Taizhou Univ, Taizhou 318000, Zhejiang, Peoples R China", "331000", "english"),  # 台州
        ("Taizhou Peoples Hosp, Taizhou 225300, Jiangsu, Peoples R China", "321200", "english"),  # 泰州
        (
            "Zhejiang Univ, Yiwu City, Zhejiang Prov, Peoples R China",
            "330700",
            "english",
        ),  # county-level city
        ("Kunshan Hosp, Kunshan 215300, Jiangsu, Peoples R China", "320500", "english"),
        ("Beihang Univ, Beijing 100191, Peoples R China", "110100", "english"),
        ("Harbin Inst Technol, Harbin 150001, Peoples R China", "230100", "english"),
        ("Univ Sci & Technol China, Hefei, China", "340100", "english"),
        ("Fudan University, Shanghai, China", "310100", "english"),
        ("东南大学", "320100", "gazetteer"),
        ("河海大学", "320100", "gazetteer"),
        ("中国科学技术大学", "340100", "gazetteer"),
        ("同济大学交通运输工程学院", "310100", "gazetteer"),
        ("华东交通大学", "360100", "gazetteer"),  # 南昌, not the YRD
        ("Southeast University", "320100", "gazetteer"),
        ("江苏省南京市玄武区四牌楼2号", "320100", "cpca"),
        ("马鞍山钢铁股份有限公司", "340500", "cpca"),
        ("上海交通大学", "310100", "cpca"),
    ],
)
def test_resolves(resolver: Resolver, text: str, city: str, method: str) -> None:
    place = resolver.resolve(text)
    assert (place.city_code, place.method) == (city, method)
    assert place.province_code == city[:2] + "0000"


def test_foreign_and_unresolved(resolver: Resolver) -> None:
    assert resolver.resolve("Weill Cornell Med, Dept Pathol, New York, NY USA.").method == "foreign"
    assert parse_english("Univ Tokyo, Tokyo, Japan").country == "JAPAN"
    place = resolver.resolve("School of Computer Science, Some Unknown Institute")
    assert place.method == "unresolved" and not place.city_code
    assert resolver.resolve("国际标准化组织").method == "unresolved"
    only = resolver.resolve("安徽蓝盾光电子股份有限公司")
    assert (only.province_code, only.city_code, only.method) == ("340000", "", "province-only")
    hk = resolver.resolve("Univ Hong Kong, Pokfulam, Hong Kong, Peoples R China")
    assert hk.province_code == "810000" and not hk.is_yrd


def test_export_fields_win(resolver: Resolver) -> None:
    assert resolver.resolve("示例有限公司", "32", "南京市").city_code == "320100"
    assert resolver.resolve("示例有限公司", "江苏", "无锡").city_code == "320200"
    assert resolver.resolve("", "上海", "").city_code == "310100"
    province_only = resolver.resolve("", "340000", "")
    assert (province_only.province_code, province_only.city_code) == ("340000", "")


def test_batch_keeps_order(resolver: Resolver) -> None:
    texts = ["河海大学", "Maanshan", "国际标准化组织", "江苏省南京市玄武区四牌楼2号", "河海大学"]
    places = resolver.resolve_many([(t, "", "") for t in texts])
    assert [p.city_code for p in places] == ["320100", "340500", "", "320100", "320100"]


def test_gazetteer_extension_and_user_file(tmp_path: Path) -> None:
    seed = Gazetteer.seed()
    entries = seed.entries
    assert len(entries) >= 40 and all(e.source for e in entries)
    r = Resolver(seed)
    assert r.resolve("示例量子创新研究院").city_code == ""
    registry = [Institution("示例量子创新研究院", "340100", "340000", "organisation registry #42")]
    extended = Gazetteer(seed.entries).extend(registry)
    assert Resolver(extended).resolve("示例量子创新研究院二室").city_code == "340100"
    user = tmp_path / "gazetteer.csv"
    user.write_text(
        "name,aliases,city_code,province_code,source\n东南大学,Southeast Univ,320500,,user edit: campus in 苏州\n",
        encoding="utf-8",
    )
    edited = Gazetteer.from_csv(user, base=seed)
    assert Resolver(edited).resolve("东南大学").city_code == "320500"  # later entries win
    out = tmp_path / "all.csv"
    edited.to_csv(out)
    assert len(Gazetteer.from_csv(out)) == len(edited)
    with pytest.raises(ValueError):
        Institution.from_row({"name": "x", "city_code": "nanjing"})


def test_gazetteer_refuses_a_city_outside_its_province() -> None:
    with pytest.raises(ValueError, match="not in its province"):
        Institution.from_row({"name": "某大学", "city_code": "320100", "province_code": "330000"})
    assert Institution.from_row({"name": "某大学", "city_code": "320100"}).province_code == "320000"
