"""The collaboration pipeline, written once as Ibis expressions and run on DuckDB or Spark.

works ─dedup→ work ids ─┐
parties (resolved) ─────┴→ regions per work → links (pairs / flows, full and fractional weights)
                                              → matrices, intensity, target counts (+ the works behind them)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from yrdhub.analytics.divisions import YRD_PROVINCES, yrd_city_codes
from yrdhub.analytics.engine import parquet_source
from yrdhub.analytics.workspace import Workspace

INTERNATIONAL_SOURCES = ("wos", "scopus", "openalex", "ieee")
UNDIRECTED_KINDS = ("paper", "patent")
DIRECTED_KINDS = ("transfer", "contract")
FROM_ROLES = ("assignor", "seller")
TO_ROLES = ("assignee", "buyer")
LEVELS = ("city", "province")
DEDUP_COLUMNS = (
    "rid",
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
    cities: ir.Table | None = None  # `region_bits` of each level, registered in the backend by `load`
    provinces: ir.Table | None = None

    def bits(self, level: str = "city") -> ir.Table:
        table = self.cities if level == "city" else self.provinces
        return table if table is not None else region_bits(level)


def load(con: BaseBackend, ws: Workspace) -> Inputs:
    works = con.read_parquet(parquet_source(con, ws.table_dir("works")))
    parties = con.read_parquet(parquet_source(con, ws.table_dir("parties")))
    # the region bits as views of the backend (Spark cannot cache an expression over an in-memory table)
    tag = uuid.uuid4().hex[:8]
    cities, provinces = (
        con.create_view(f"_yrd_bits_{level}_{tag}", region_bits(level), overwrite=True) for level in LEVELS
    )
    return Inputs(works, parties, cities, provinces)


# -- de-duplication ---------------------------------------------------------------------------------------
IDENTIFIERS = ("ut", "eid", "pn_key", "title_key", "doi")  # the order labels spread in
LABEL_PREFIXES = (("doi", "doi:"), ("ut", "ut:"), ("eid", "eid:"), ("pn_key", "pn:"), ("title_key", "t:"))


def first_label(t: ir.Table, own_id: bool = True) -> ir.Value:
    """A record's own label: its strongest identifier (`doi:…` sorts before `eid:`, `pn:`, `t:`, `ut:`),
    else (`own_id`) `r:` + its record id. Linked records always hold an identifier: `own_id=False` spares
    reading every record id."""
    labels = [prefix + t[col] for col, prefix in LABEL_PREFIXES]
    return ibis.coalesce(*labels, "r:" + t.record_id) if own_id else ibis.coalesce(*labels)


def shared_members(works: ir.Table, col: str) -> ir.Table:
    """The records holding a value of `col` that another record holds: `rid` and the value `s_<col>`.

    Found in three steps: hash values held more than once (an integer aggregate over every record), then
    the records whose value has such a hash (few: the repeated values and the rare hash collisions), then
    among those the exact values held more than once. For the title key, `s_title_key` is null where the
    records of a title carry different DOIs (same title and year, other papers): such records are still
    listed (they share a work when their labels are equal), but the title does not spread labels."""
    present = works.filter(works[col].notnull())
    # two different projections, not one table read twice: an engine would materialise a shared one
    # (DuckDB keeps a CTE used twice: every value and its hash, per identifier)
    hashes = present.select(h=present[col].hash())
    repeated = hashes.group_by("h").agg(n=hashes.count())
    repeated = repeated.filter(repeated.n > 1).select(rh="h")
    extra = ["doi"] if col == "title_key" else []
    cand = present.select("rid", col, *extra, h=present[col].hash())
    cand = cand.semi_join(repeated, cand.h == repeated.rh)
    # windows over the few candidates, not a group-by joined back: the candidates are referenced once
    w = ibis.window(group_by=cand[col])
    s = f"s_{col}"
    shared = cand[col]
    if col == "title_key":
        hi, lo = cand.doi.max().over(w), cand.doi.min().over(w)
        shared = ibis.ifelse(hi.isnull() | (hi == lo), shared, ibis.null("string"))
    cand = cand.mutate(n=cand.count().over(w), **{s: shared})
    return cand.filter(cand.n > 1).select("rid", s)


def _spread(t: ir.Table, col: str) -> ir.Table:
    """Give every record the smallest label among the records sharing `col` (one step of label
    propagation; `col` holds shared values only, see `shared_members`)."""
    w = ibis.window(group_by=t[col])
    return t.mutate(lbl=ibis.ifelse(t[col].notnull(), t.lbl.min().over(w), t.lbl))


def linked_records(works: ir.Table, rounds: int = 1) -> ir.Table:
    """The records that share an identifier with another record, with their label after propagation,
    the work key `wid` (the smallest record id of the work) and the work attributes.

    Labels start from the strongest identifier and spread over WoS UT, EID, patent number, title + year
    and DOI, in that order, so one round joins chains such as WoS(UT, no DOI) ~title~ Scopus(EID, DOI)
    ~DOI~ OpenAlex; more rounds join longer ones. Only records holding a shared value can change label or
    pass theirs on, and every other record's label is its own (no other record has it), so the windows
    run over these few records, not over the whole table. The few records are found per identifier
    (`shared_members`) and joined on their integer ids: no string column of every record is probed."""
    members = [shared_members(works, col) for col in IDENTIFIERS]
    ids = members[0].select("rid")
    for m in members[1:]:
        ids = ids.union(m.select("rid"), distinct=True)
    sub = works.semi_join(ids, works.rid == ids.rid)
    sub = sub.select("rid", "source", "kind", "year", "is_invention", lbl=first_label(sub, own_id=False))
    for col, m in zip(IDENTIFIERS, members, strict=True):
        m = m.rename({f"r_{col}": "rid"})
        sub = sub.left_join(m, sub.rid == m[f"r_{col}"]).drop(f"r_{col}")
    sub = sub.rename({col: f"s_{col}" for col in IDENTIFIERS})
    for _ in range(rounds):
        for col in IDENTIFIERS:
            sub = _spread(sub, col)
    w = ibis.window(group_by=sub.lbl)
    return sub.select(
        "rid",
        "lbl",
        wid=sub.rid.min().over(w),
        work_kind=sub.kind.min().over(w),
        work_year=sub.year.min().over(w),
        intl=sub.source.isin(INTERNATIONAL_SOURCES).cast("int8").max().over(w) == 1,
        invention=sub.is_invention.fill_null(False).cast("int8").max().over(w) == 1,
    )


def deduplicate(works: ir.Table, rounds: int = 1, linked: ir.Table | None = None) -> ir.Table:
    """Every record with its work: `work_id` (the work's label, e.g. `doi:10.1/x`), the integer work key
    `wid`, and the work attributes (kind, first year, whether an international index holds it, invention
    flag). Records linked by DOI, WoS UT, EID, patent number or title + year share a work
    (`linked_records`, or `linked` if already computed); all others are works of their own (`wid` = `rid`)."""
    works = works.select(*DEDUP_COLUMNS)  # carry only what the joins and the outputs need
    sub = linked_records(works, rounds) if linked is None else linked
    j = works.left_join(sub, works.rid == sub.rid)
    own = sub.wid.isnull()
    return j.select(
        rid=works.rid,
        record_id=works.record_id,
        source=works.source,
        file=works.file,
        line=works.line,
        kind=works.kind,
        year=works.year,
        is_invention=works.is_invention,
        work_id=ibis.coalesce(sub.lbl, first_label(works)),
        wid=ibis.coalesce(sub.wid, works.rid),
        work_kind=ibis.ifelse(own, works.kind, sub.work_kind),
        work_year=ibis.ifelse(own, works.year, sub.work_year),
        intl=ibis.ifelse(own, works.source.isin(INTERNATIONAL_SOURCES), sub.intl),
        invention=ibis.ifelse(own, works.is_invention.fill_null(False), sub.invention),
    )


def regions(inputs: Inputs, linked: ir.Table, level: str = "city") -> ir.Table:
    """One row per work (`wid`), side and YRD region: the work's kind, first year, `intl` and `invention`
    flags, the side (from/to for the parties of transfers and contracts, else any) and the region's
    province. `linked` is `linked_records`: the parties carry their record's attributes, so only the few
    records that share a work with others are looked up."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    p = inputs.parties
    p = p.filter(p.is_yrd & p.city_code.notnull())
    # the level's regions only (`region_codes`: a code outside the 41 cities is no region)
    p = p.filter((p.city_code if level == "city" else p.province_code).isin(region_codes(level)))
    j = p.left_join(linked, p.rid == linked.rid)
    own = linked.wid.isnull()
    kind = ibis.ifelse(own, p.kind, linked.work_kind)
    side = ibis.cases(
        (~kind.isin(DIRECTED_KINDS), "any"),
        (p.role.isin(FROM_ROLES), "from"),
        (p.role.isin(TO_ROLES), "to"),
        else_="any",
    )
    reg = j.select(
        wid=ibis.coalesce(linked.wid, p.rid),
        kind=kind,
        year=ibis.ifelse(own, p.year, linked.work_year),
        intl=ibis.ifelse(own, p.source.isin(INTERNATIONAL_SOURCES), linked.intl),
        invention=ibis.ifelse(own, p.is_invention.fill_null(False), linked.invention),
        side=side,
        region=p.city_code if level == "city" else p.province_code,
        province=p.province_code,
    )
    return reg.distinct()


def links(reg: ir.Table) -> ir.Table:
    """Region pairs per work. Co-authored papers and co-filed patents: unordered pairs of distinct regions.
    Transfers and contracts: flows from an assignor/seller region to a different assignee/buyer region.
    `weight` is fractional counting: each work adds 1 over its links.

    `reg` is `regions`' table: a paper's or patent's regions are its rows (one per region: the side is
    `any` and the province follows from the region), so a work with k regions has k(k-1)/2 pairs."""
    und = reg.filter(reg.kind.isin(UNDIRECTED_KINDS)).select("wid", "kind", "year", "region", "province")
    per_work = und.group_by("wid").agg(k=und.count())
    per_work = per_work.filter(per_work.k > 1)  # works in one region have no pairs
    und = und.join(per_work, "wid").select("wid", "kind", "year", "region", "province", "k")
    a, b = und.view(), und.view()  # two references to one relation (a CTE), not two joins
    pairs = a.join(b, [a.wid == b.wid, a.region < b.region]).select(
        wid=a.wid,
        kind=a.kind,
        year=a.year,
        region_a=a.region,
        region_b=b.region,
        province_a=a.province,
        province_b=b.province,
        directed=ibis.literal(False),
        weight=1.0 / ((a.k * (a.k - 1)).cast("float64") / 2),
    )
    d = reg.filter(reg.kind.isin(DIRECTED_KINDS))
    src = d.filter(d.side == "from")
    dst = d.filter(d.side == "to").view()
    flows = src.join(dst, [src.wid == dst.wid, src.region != dst.region]).select(
        wid=src.wid,
        kind=src.kind,
        year=src.year,
        region_a=src.region,
        region_b=dst.region,
        province_a=src.province,
        province_b=dst.province,
        directed=ibis.literal(True),
    )
    w = ibis.window(group_by=flows.wid)
    flows = flows.mutate(weight=1.0 / flows.region_a.count().over(w).cast("float64"))
    return pairs.union(flows, distinct=False)


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
    return lk.group_by(keys).agg(full=lk.wid.count(), fractional=lk.weight.sum())


def region_totals(reg: ir.Table, start: int | None = None, end: int | None = None) -> ir.Table:
    """Works per region and kind (the denominators of the intensity measures)."""
    reg = _period(reg, start, end)
    return reg.group_by(["kind", "region"]).agg(works=reg.wid.nunique())


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


# -- region sets as bit masks ----------------------------------------------------------------------------
@ibis.udf.agg.builtin(name="bit_or")
def bit_or(x: int) -> int:  # type: ignore[empty-body]
    """Bitwise or of the values of a group (DuckDB's and Spark SQL's `bit_or`)."""


def region_codes(level: str = "city") -> tuple[str, ...]:
    """The regions of a level, in bit order: the 41 YRD cities or the 4 provincial units."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    return tuple(sorted(yrd_city_codes())) if level == "city" else YRD_PROVINCES


def region_bits(level: str = "city") -> ir.Table:
    """One row per region of the level with its bit (`1 << i`): a work's set of regions is the bitwise or
    of its regions' bits (41 cities fit in a 64-bit integer)."""
    codes = region_codes(level)
    return ibis.memtable(
        {"region": list(codes), "bit": [1 << i for i in range(len(codes))]},
        schema={"region": "string", "bit": "int64"},
    )


def work_masks(inputs: Inputs, linked: ir.Table, level: str = "city") -> ir.Table:
    """One row per work with a YRD region: `wid`, the work's kind and first year, and its regions as bit
    masks (`region_bits`): `mask` all of them, `mask_from`/`mask_to` those of the assignor/seller and
    assignee/buyer parties of transfers and contracts (0 for other kinds). The same sets as `regions`
    (whose `distinct` rows are the set bits), aggregated per work by a bitwise or instead of one row per
    work and region. `linked` is `linked_records`."""
    bits = inputs.bits(level)
    p = inputs.parties
    p = p.filter(p.is_yrd & p.city_code.notnull())
    code = p.city_code if level == "city" else p.province_code
    p = p.join(bits, code == bits.region)
    j = p.left_join(linked, p.rid == linked.rid)
    own = linked.wid.isnull()
    kind = ibis.ifelse(own, p.kind, linked.work_kind)
    directed = kind.isin(DIRECTED_KINDS)
    t = j.select(
        wid=ibis.coalesce(linked.wid, p.rid),
        kind=kind,
        year=ibis.ifelse(own, p.year, linked.work_year),
        bit=p.bit,
        # 0 where the party is on neither side: a plain `bit_or` of these is cheaper than a filtered one
        bit_from=ibis.ifelse(directed & p.role.isin(FROM_ROLES), p.bit, 0),
        bit_to=ibis.ifelse(directed & p.role.isin(TO_ROLES), p.bit, 0),
    )
    # kind and year are the same on every row of a work (the record's own, or the work's): any value
    return t.group_by("wid").agg(
        kind=t.kind.arbitrary(),
        year=t.year.arbitrary(),
        mask=bit_or(t.bit),
        mask_from=bit_or(t.bit_from),
        mask_to=bit_or(t.bit_to),
    )


def _set_bits(t: ir.Table, mask: str, bits: ir.Table, name: str) -> ir.Table:
    """One row per row of `t` and region whose bit is set in `t[mask]` (a small join: distinct masks ×
    the 41 regions)."""
    b = bits.view()
    return t.join(b, (t[mask] & b.bit) != 0).select(*t.columns, **{name: b.region})


def mask_matrix(
    wm: ir.Table,
    bits: ir.Table,
    start: int | None = None,
    end: int | None = None,
    by_year: bool = False,
) -> ir.Table:
    """The region-pair matrix of `matrix(links(regions(…)))` computed from `work_masks`: works are first
    counted per (kind, [year], region set), and every distinct set is expanded into its pairs once.
    A work with k regions adds 1 to each of its k(k−1)/2 pairs (full) and 1/(k(k−1)/2) to each
    (fractional), so a set held by n works adds n and n/(k(k−1)/2): the same sums as one row per work
    and pair, without the row explosion. Transfers and contracts: flows from each assignor/seller region
    to each different assignee/buyer region, each work's flows weighted 1/(number of its flows).
    `bits` is the level's `region_bits` (`Inputs.bits`)."""
    wm = _period(wm, start, end)
    keys = ["kind", *(["year"] if by_year else [])]
    # one pass over the works (an engine would otherwise keep them all for the second): papers and
    # co-filed patents with at least two regions (a mask that is not a power of two), transfers and
    # contracts with both sides in the YRD, counted per set
    multi = wm.kind.isin(UNDIRECTED_KINDS) & ((wm.mask & (wm.mask - 1)) != 0)
    flowing = wm.kind.isin(DIRECTED_KINDS) & (wm.mask_from != 0) & (wm.mask_to != 0)
    counted = wm.filter(multi | flowing)
    counted = counted.group_by([*keys, "mask", "mask_from", "mask_to"]).agg(n=counted.count())
    und = counted.filter(counted.kind.isin(UNDIRECTED_KINDS))
    sets = und.group_by([*keys, "mask"]).agg(n=und.n.sum())
    masks = sets.select("mask").distinct()
    members = _set_bits(masks, "mask", bits, "region")
    k = members.group_by("mask").agg(k=members.count())
    a, b = members.view(), members.view()
    pairs = a.join(b, [a.mask == b.mask, a.region < b.region]).select(mask=a.mask, region_a=a.region, region_b=b.region)
    pairs = pairs.join(k, "mask").select("mask", "region_a", "region_b", share=2.0 / (k.k * (k.k - 1)).cast("float64"))
    und_cells = sets.join(pairs, "mask").select(
        *keys, "region_a", "region_b", directed=ibis.literal(False), n=sets.n, frac=sets.n * pairs.share
    )
    d = counted.filter(counted.kind.isin(DIRECTED_KINDS))
    dsets = d.group_by([*keys, "mask_from", "mask_to"]).agg(n=d.n.sum())
    dmasks = dsets.select("mask_from", "mask_to").distinct()
    src = _set_bits(dmasks, "mask_from", bits, "region_a")
    dst = _set_bits(dmasks, "mask_to", bits, "region_b").view()
    flows = src.join(
        dst, [src.mask_from == dst.mask_from, src.mask_to == dst.mask_to, src.region_a != dst.region_b]
    ).select(src.mask_from, src.mask_to, src.region_a, dst.region_b)
    nflows = flows.group_by(["mask_from", "mask_to"]).agg(f=flows.count())
    flows = flows.join(nflows, ["mask_from", "mask_to"]).select(
        "mask_from", "mask_to", "region_a", "region_b", share=1.0 / nflows.f.cast("float64")
    )
    dir_cells = dsets.join(flows, ["mask_from", "mask_to"]).select(
        *keys, "region_a", "region_b", directed=ibis.literal(True), n=dsets.n, frac=dsets.n * flows.share
    )
    cells = und_cells.union(dir_cells, distinct=False)
    out = cells.group_by(["kind", "directed", *(["year"] if by_year else []), "region_a", "region_b"]).agg(
        full=cells.n.sum(), fractional=cells.frac.sum()
    )
    return out


def mask_region_totals(wm: ir.Table, bits: ir.Table, start: int | None = None, end: int | None = None) -> ir.Table:
    """Works per region and kind (`region_totals`) from `work_masks`: works counted per (kind, set) and the
    sets expanded into their regions."""
    wm = _period(wm, start, end)
    sets = wm.group_by(["kind", "mask"]).agg(n=wm.count())
    members = _set_bits(sets, "mask", bits, "region")
    return members.group_by(["kind", "region"]).agg(works=members.n.sum())


def city_pair_matrix(inputs: Inputs, level: str = "city", start: int | None = None, end: int | None = None) -> ir.Table:
    """The whole chain in one expression: dedup → region sets per work → matrix (what the benchmark times)."""
    linked = linked_records(inputs.works.select(*DEDUP_COLUMNS))
    return mask_matrix(work_masks(inputs, linked, level), inputs.bits(level), start, end)
