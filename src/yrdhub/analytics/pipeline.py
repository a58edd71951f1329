"""The collaboration pipeline, written once as Ibis expressions and run on DuckDB or Spark.

works ─dedup→ work ids ─┐
parties (resolved) ─────┴→ regions per work → links (pairs / flows, full and fractional weights)
                                              → matrices, intensity, target counts (+ the works behind them)
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from yrdhub.analytics.engine import parquet_source
from yrdhub.analytics.workspace import Workspace

INTERNATIONAL_SOURCES = ("wos", "scopus", "openalex", "ieee")
UNDIRECTED_KINDS = ("paper", "patent")
DIRECTED_KINDS = ("transfer", "contract")
FROM_ROLES = ("assignor", "seller")
TO_ROLES = ("assignee", "buyer")
LEVELS = ("city", "province")
DEDUP_COLUMNS = (
    "record_id",
    "source",
    "kind",
    "year",
    "is_invention",
    "file",
    "line",
    "doi",
    "ut",
    "eid",
    "pn_key",
    "title_key",
)


@dataclass(frozen=True)
class Inputs:
    works: ir.Table
    parties: ir.Table


def load(con: BaseBackend, ws: Workspace) -> Inputs:
    works = con.read_parquet(parquet_source(con, ws.table_dir("works")))
    parties = con.read_parquet(parquet_source(con, ws.table_dir("parties")))
    return Inputs(works, parties)


# -- de-duplication ---------------------------------------------------------------------------------------
def _spread(t: ir.Table, col: str, guard_doi: bool = False) -> ir.Table:
    """Give every record the smallest label among the records sharing `col` (one step of label
    propagation). A window, not a join back: each step reads its input once, so the nested steps stay
    linear (a self-join would make the SQL engine evaluate the previous step twice).
    `guard_doi`: skip groups whose records carry different DOIs (same title and year, other papers)."""
    w = ibis.window(group_by=t[col])
    ok = t[col].notnull()
    if guard_doi:
        hi, lo = t.doi.max().over(w), t.doi.min().over(w)
        ok = ok & (hi.isnull() | (hi == lo))
    return t.mutate(lbl=ibis.ifelse(ok, t.lbl.min().over(w), t.lbl))


def deduplicate(works: ir.Table, rounds: int = 1) -> ir.Table:
    """Add `work_id`: records linked by DOI, WoS UT, EID, patent number or title + year share one.

    Labels start from the strongest identifier (`doi:…` sorts before `eid:`, `pn:`, `t:`, `ut:`), and the
    spreading order (UT, EID, patent number, title, DOI) carries DOI labels outward, so one round joins
    chains such as WoS(UT, no DOI) ~title~ Scopus(EID, DOI) ~DOI~ OpenAlex; more rounds join longer ones."""
    works = works.select(*DEDUP_COLUMNS)  # carry only what the windows and the outputs need
    t = works.mutate(
        lbl=ibis.coalesce(
            "doi:" + works.doi,
            "ut:" + works.ut,
            "eid:" + works.eid,
            "pn:" + works.pn_key,
            "t:" + works.title_key,
            "r:" + works.record_id,
        )
    )
    for _ in range(rounds):
        for col in ("ut", "eid", "pn_key"):
            t = _spread(t, col)
        t = _spread(t, "title_key", guard_doi=True)
        t = _spread(t, "doi")
    return t.rename(work_id="lbl")


def with_work_attributes(dedup: ir.Table) -> ir.Table:
    """Work-level attributes on every record row (windows over `work_id`, so the de-duplicated table is
    read once): kind, first year, whether an international index holds it, invention flag."""
    w = ibis.window(group_by=dedup.work_id)
    return dedup.mutate(
        work_kind=dedup.kind.min().over(w),
        work_year=dedup.year.min().over(w),
        intl=dedup.source.isin(INTERNATIONAL_SOURCES).cast("int8").max().over(w) == 1,
        invention=dedup.is_invention.fill_null(False).cast("int8").max().over(w) == 1,
    )


def regions(inputs: Inputs, dedup: ir.Table, level: str = "city") -> ir.Table:
    """Distinct YRD regions of each work, with the side (from/to) for transfers and contracts.
    `dedup` carries the work attributes (`with_work_attributes`)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    p = inputs.parties
    p = p.filter(p.is_yrd & p.city_code.notnull())
    side = ibis.cases((p.role.isin(FROM_ROLES), "from"), (p.role.isin(TO_ROLES), "to"), else_="any")
    region = p.city_code if level == "city" else p.province_code
    placed = p.select("record_id", side=side, region=region, province=p.province_code)
    ids = dedup.select("record_id", "work_id", "intl", "invention", kind=dedup.work_kind, year=dedup.work_year)
    reg = placed.join(ids, "record_id")
    return reg.select("work_id", "kind", "year", "intl", "invention", "side", "region", "province").distinct()


def links(reg: ir.Table) -> ir.Table:
    """Region pairs per work. Co-authored papers and co-filed patents: unordered pairs of distinct regions.
    Transfers and contracts: flows from an assignor/seller region to a different assignee/buyer region.
    `weight` is fractional counting: each work adds up to 1 over its links."""
    und = reg.filter(reg.kind.isin(UNDIRECTED_KINDS)).select("work_id", "kind", "year", "region", "province")
    und = und.distinct()
    a, b = und, und.view()
    pairs = a.join(b, [a.work_id == b.work_id, a.region < b.region]).select(
        work_id=a.work_id,
        kind=a.kind,
        year=a.year,
        region_a=a.region,
        region_b=b.region,
        province_a=a.province,
        province_b=b.province,
        directed=ibis.literal(False),
    )
    d = reg.filter(reg.kind.isin(DIRECTED_KINDS))
    src = d.filter(d.side == "from")
    dst = d.filter(d.side == "to").view()
    flows = src.join(dst, [src.work_id == dst.work_id, src.region != dst.region]).select(
        work_id=src.work_id,
        kind=src.kind,
        year=src.year,
        region_a=src.region,
        region_b=dst.region,
        province_a=src.province,
        province_b=dst.province,
        directed=ibis.literal(True),
    )
    both = pairs.union(flows, distinct=False)
    w = ibis.window(group_by=both.work_id)
    return both.mutate(weight=1.0 / both.region_a.count().over(w).cast("float64"))


def _period(t: ir.Table, start: int | None, end: int | None) -> ir.Table:
    if start is not None:
        t = t.filter(t.year >= start)
    if end is not None:
        t = t.filter(t.year <= end)
    return t


def matrix(lk: ir.Table, start: int | None = None, end: int | None = None, by_year: bool = False) -> ir.Table:
    """Region-pair matrix in long form: kind, [year,] region_a, region_b, full and fractional counts."""
    lk = _period(lk, start, end)
    keys = ["kind", "directed", *(["year"] if by_year else []), "region_a", "region_b"]
    return lk.group_by(keys).agg(full=lk.work_id.count(), fractional=lk.weight.sum())


def region_totals(reg: ir.Table, start: int | None = None, end: int | None = None) -> ir.Table:
    """Works per region and kind (the denominators of the intensity measures)."""
    reg = _period(reg, start, end)
    return reg.group_by(["kind", "region"]).agg(works=reg.work_id.nunique())


def intensity(mat: ir.Table, totals: ir.Table) -> ir.Table:
    """Salton's cosine c/√(nᵢnⱼ), Jaccard c/(nᵢ+nⱼ−c) on works per region, and the probabilistic affinity
    index c·C/(CᵢCⱼ) on link totals (Zitt, Bassecoulard & Okubo 2000), for each undirected pair."""
    m = mat.filter(~mat.directed)
    ends = m.select("kind", region=m.region_a, full=m.full).union(
        m.select("kind", region=m.region_b, full=m.full), distinct=False
    )
    link_tot = ends.group_by(["kind", "region"]).agg(links=ends.full.sum())
    grand = ends.group_by("kind").agg(all_links=ends.full.sum())
    ta, tb = totals.view(), totals.view()
    la, lb = link_tot.view(), link_tot.view()
    j = (
        m.join(ta, [m.kind == ta.kind, m.region_a == ta.region])
        .join(tb, [m.kind == tb.kind, m.region_b == tb.region])
        .join(la, [m.kind == la.kind, m.region_a == la.region])
        .join(lb, [m.kind == lb.kind, m.region_b == lb.region])
        .join(grand, m.kind == grand.kind)
        .select(
            kind=m.kind,
            region_a=m.region_a,
            region_b=m.region_b,
            full=m.full,
            n_a=ta.works,
            n_b=tb.works,
            c_a=la.links,
            c_b=lb.links,
            c_all=grand.all_links,
        )
    )
    full = j.full.cast("float64")
    return j.select(
        "kind",
        "region_a",
        "region_b",
        "full",
        "n_a",
        "n_b",
        salton=full / (j.n_a * j.n_b).cast("float64").sqrt(),
        jaccard=full / (j.n_a + j.n_b - j.full).cast("float64"),
        affinity=full * j.c_all.cast("float64") / (j.c_a * j.c_b).cast("float64"),
    )


def city_pair_matrix(inputs: Inputs, level: str = "city", start: int | None = None, end: int | None = None) -> ir.Table:
    """The whole chain in one expression: dedup → regions → links → matrix (what the benchmark times)."""
    dedup = with_work_attributes(deduplicate(inputs.works))
    return matrix(links(regions(inputs, dedup, level)), start, end)
