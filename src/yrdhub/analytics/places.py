"""Place resolution: an address or organisation name → country, province code, city code, and how.

Methods, in order of trust: `field` (the export gives province/city), `english` (a WoS/Scopus address),
`gazetteer` (an institution name without a place), `cpca` (a Chinese address or a name containing a place),
`foreign` (an address outside China). Anything else is `unresolved` — kept, counted and listed."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from yrdhub.analytics.divisions import (
    MUNICIPALITIES,
    YRD_PROVINCES,
    Division,
    chinese_name_index,
    english_index,
    token,
)
from yrdhub.analytics.gazetteer import Gazetteer

CJK = re.compile(r"[\u4e00-\u9fff]")
CHINA = {"peoplesrchina", "china", "prchina", "peoplesrepublicofchina", "prc", "pr", "mainlandchina"}
# WoS writes these as countries of their own; they are China, outside the YRD.
CHINA_REGIONS = {"taiwan": "710000", "hongkong": "810000", "macau": "820000", "macao": "820000"}
# First two digits of a Chinese postcode → YRD province (disambiguates Suzhou/Taizhou without a province).
POSTCODE_PROVINCE = {
    "20": "310000",
    "21": "320000",
    "22": "320000",
    "23": "340000",
    "24": "340000",
    "31": "330000",
    "32": "330000",
}
INSTITUTION_WORDS = {
    "univ",
    "university",
    "inst",
    "institute",
    "college",
    "school",
    "sch",
    "hosp",
    "hospital",
    "dept",
    "department",
    "lab",
    "laboratory",
    "ctr",
    "center",
    "centre",
    "co",
    "ltd",
    "acad",
    "academy",
    "corp",
    "company",
    "inc",
    "fac",
    "faculty",
    "key",
}
AUTHORS = re.compile(r"^\s*\[[^\]]*\]\s*")
POSTCODE = re.compile(r"\b(\d{6})\b")
EMAIL = re.compile(r"\(?e-?mail:?[^)]*\)?|\S+@\S+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Place:
    country: str  # "CN", a foreign country as written, or "" when unknown
    province_code: str
    city_code: str
    method: str

    @property
    def is_yrd(self) -> bool:
        return self.province_code in YRD_PROVINCES


UNRESOLVED = Place("", "", "", "unresolved")


def _city_of(code: str) -> str:
    """An adcode (province, city or county) → its city code; a municipality's is <prov>0100; Hong Kong,
    Macau and Taiwan count as one unit each (their province code)."""
    if code[:2] in ("71", "81", "82"):
        return code[:2] + "0000"
    if code[2:] == "0000":
        return code[:2] + "0100" if code in MUNICIPALITIES else ""
    return code[:4] + "00"


class Resolver:
    """Resolves and caches; `resolve_many` batches the cpca calls (the slow part) over distinct texts."""

    def __init__(self, gazetteer: Gazetteer | None = None, cache_size: int = 500_000) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.seed()
        self.cache_size = cache_size
        self._cache: dict[tuple[str, str, str], Place] = {}

    # -- public -------------------------------------------------------------------------------------------
    def resolve(self, text: str, hint_province: str = "", hint_city: str = "") -> Place:
        return self.resolve_many([(text, hint_province, hint_city)])[0]

    def resolve_many(self, items: Sequence[tuple[str, str, str]]) -> list[Place]:
        """Places for (text, hint_province, hint_city) items, in order; each distinct item resolved once."""
        if len(self._cache) > self.cache_size:
            self._cache.clear()  # bounded memory on huge inputs; the next batch re-fills what it needs
        # "[Li, A; Wang, B] Nanjing Univ, …": the author list does not change the place
        items = [(AUTHORS.sub("", t, count=1), hp, hc) for t, hp, hc in items]
        pending: dict[tuple[str, str, str], None] = {}
        for item in items:
            if item not in self._cache:
                pending[item] = None
        cpca_needed: list[tuple[str, str, str]] = []
        for item in pending:
            place = self._resolve_without_cpca(*item)
            if place is None:
                cpca_needed.append(item)
            else:
                self._cache[item] = place
        if cpca_needed:
            for item, place in zip(cpca_needed, self._cpca([t for t, _, _ in cpca_needed]), strict=True):
                self._cache[item] = place
        return [self._cache[item] for item in items]

    # -- steps --------------------------------------------------------------------------------------------
    def _resolve_without_cpca(self, text: str, hint_province: str, hint_city: str) -> Place | None:
        place = self._from_hints(hint_province, hint_city)
        if place is not None and place.city_code:
            return place
        text = text.strip()
        if not text:
            return place or UNRESOLVED
        if CJK.search(text):
            inst = self.gazetteer.lookup(text)
            if inst is not None:
                return Place("CN", inst.province_code, inst.city_code, "gazetteer")
            return None  # → cpca
        english = parse_english(text)
        if english.city_code or english.method == "foreign":
            return english
        for part in (text, *text.split(",")):
            inst = self.gazetteer.lookup(part)
            if inst is not None:
                return Place("CN", inst.province_code, inst.city_code, "gazetteer")
        return place or english

    def _from_hints(self, hint_province: str, hint_city: str) -> Place | None:
        if not hint_province and not hint_city:
            return None
        city = _division_from_hint(hint_city)
        prov = _division_from_hint(hint_province)
        if city is not None and city.city_code:
            return Place("CN", city.province_code, city.city_code, "field")
        if prov is not None:
            return Place("CN", prov.province_code, _city_of(prov.province_code), "field")
        return None

    def _cpca(self, texts: list[str]) -> list[Place]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import cpca  # imported late: it loads its tables (about a second) on import

            frame = cpca.transform(texts)
        out: list[Place] = []
        for code in frame["adcode"].tolist():
            if not isinstance(code, str) or not re.fullmatch(r"\d{6}", code):
                out.append(UNRESOLVED)
                continue
            city = _city_of(code)
            out.append(Place("CN", code[:2] + "0000", city, "cpca" if city else "province-only"))
        return out


def _division_from_hint(value: str) -> Division | None:
    value = value.strip()
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) in (2, 4, 6) and len(digits) == len(value.replace(" ", "")):
        code = (digits + "0000")[:6]
        city = _city_of(code)
        prov = code[:2] + "0000"
        return Division(code, "", "", "city" if city else "province", city, prov)
    return chinese_name_index().get(value) or chinese_name_index().get(re.sub(r"[省市]$", "", value))


def parse_english(address: str) -> Place:
    """A WoS/Scopus/IEEE address: `Nanjing Univ, Nanjing 210093, Jiangsu, Peoples R China.`"""
    text = EMAIL.sub("", address)
    text = re.sub(r"^\[[^\]]*\]\s*", "", text).strip().rstrip(".").strip()
    parts = [p.strip() for p in text.split(",") if p.strip()]
    while parts and not re.search(r"[A-Za-z]", parts[-1]):
        parts.pop()  # IEEE: "…, Shanghai, China, 201418"
    if not parts or token(text) in ("na", "none", "null"):
        return UNRESOLVED
    last = place_key(parts[-1])
    if last in CHINA_REGIONS:
        prov = CHINA_REGIONS[last]
        return Place("CN", prov, prov, "english")
    in_china = last in CHINA or (last.endswith("china") and len(last) <= 12)
    body = parts[:-1] if in_china else parts
    found = _scan_places(body)
    if in_china or (found is not None and place_key(parts[-1]) in english_index()):
        if found is None:
            return Place("CN", "", "", "unresolved")
        return found
    if not _looks_like_country(parts[-1]):
        return UNRESOLVED
    words = re.sub(r"[\d.]+", " ", parts[-1]).upper().split()
    country = "USA" if words and words[-1] == "USA" else " ".join(words)  # "NY 10021 USA" → USA
    return Place(country, "", "", "foreign")


def _looks_like_country(part: str) -> bool:
    """`USA`, `NY 10021 USA`, `England`, `Korea` — not `East China Normal University`."""
    words = re.sub(r"[\d.]+", " ", part).lower().split()
    return 0 < len(words) <= 3 and not (set(words) & INSTITUTION_WORDS)


PLACE_SUFFIX = re.compile(r"\s+(city|prov|provinc|province|sar|shi|district|county|municipality)$", re.IGNORECASE)


def place_key(part: str) -> str:
    """`Yiwu City` → `yiwu`, `Zhejiang Prov` → `zhejiang`, `Hangzhou 310058` → `hangzhou`."""
    part = re.sub(r"[\d]+", " ", part).strip()
    return token(PLACE_SUFFIX.sub("", part))


def _scan_places(parts: list[str]) -> Place | None:
    """Right to left: province parts, then the first part that is a city name (postcode allowed)."""
    index = english_index()
    province = ""
    postcode_province = ""
    for part in parts:
        m = POSTCODE.search(part)
        if m:
            postcode_province = POSTCODE_PROVINCE.get(m.group(1)[:2], postcode_province)
    skip = -1
    for i in range(len(parts) - 1, max(len(parts) - 3, -1), -1):
        if any(c.level == "province" for c in index.get(place_key(parts[i]), ())):
            province = next(c.province_code for c in index[place_key(parts[i])] if c.level == "province")
            # "Changchun, Jilin": the province part is not the city (吉林市) unless it carries a postcode
            if skip < 0 and not POSTCODE.search(parts[i]):
                skip = i
    for i in range(len(parts) - 1, -1, -1):
        part = parts[i]
        if i == skip:
            continue
        candidates = [c for c in index.get(place_key(part), ()) if c.level != "province"]
        if not candidates:
            continue
        chosen = _choose(candidates, province or postcode_province)
        return Place("CN", chosen.province_code, chosen.city_code, "english")
    if province in CHINA_REGIONS.values():  # Hong Kong, Macau, Taiwan: one unit each
        return Place("CN", province, province, "english")
    if province:
        city = _city_of(province)
        return Place("CN", province, city, "english" if city else "province-only")
    return None


def _choose(candidates: Iterable[Division], province: str) -> Division:
    cands = list(candidates)
    if province:
        for c in cands:
            if c.province_code == province:
                return c
    return cands[0]
