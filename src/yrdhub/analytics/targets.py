"""The counts behind the plan's 2025 targets, per year, with the works behind every value (drill-down).

Definitions (docs/analytics.md explains the choices):
- yrd_coauthored_intl_papers: works held by an international index (WoS, Scopus, OpenAlex, IEEE) with
  addresses in at least two of the four YRD provincial units (跨省合作).
- yrd_coauthored_intl_papers_2cities: the same with at least two YRD cities (any province).
- cross_province_invention_patent_coapplications: invention patents whose applicants lie in at least two
  YRD provincial units.
- cross_province_patent_transfers: transfers from an assignor in one YRD provincial unit to an assignee in
  another.
- cross_province_link_share_<kind>: share of city-pair links (full counting) that cross a provincial border.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

TARGET_INDICATORS = {
    "yrd_coauthored_intl_papers": 25000,
    "cross_province_invention_patent_coapplications": 3500,
    "cross_province_patent_transfers": 15000,
}


def _selected(name: str, t: ir.Table) -> ir.Table:
    return t.select("wid", "year", indicator=ibis.literal(name))


def target_works(reg_city: ir.Table, links_province: ir.Table) -> ir.Table:
    """(indicator, year, wid) for every work counted by a target indicator."""
    und = reg_city.filter(reg_city.side == "any")
    stats = und.group_by(["wid", "kind", "year", "intl", "invention"]).agg(
        n_prov=und.province.nunique(), n_city=und.region.nunique()
    )
    papers = stats.filter((stats.kind == "paper") & stats.intl)
    patents = stats.filter((stats.kind == "patent") & stats.invention & (stats.n_prov >= 2))
    tr = links_province.filter(links_province.kind == "transfer")
    transfers = tr.select("wid", "year").distinct()
    parts = [
        _selected("yrd_coauthored_intl_papers", papers.filter(papers.n_prov >= 2)),
        _selected("yrd_coauthored_intl_papers_2cities", papers.filter(papers.n_city >= 2)),
        _selected("cross_province_invention_patent_coapplications", patents),
        _selected("cross_province_patent_transfers", transfers),
    ]
    out = parts[0]
    for p in parts[1:]:
        out = out.union(p, distinct=False)
    return out


def indicator_values(drill: ir.Table, links_city: ir.Table) -> ir.Table:
    """Indicator values per year (counts, and the cross-province share of city links per kind)."""
    counts = drill.group_by(["indicator", "year"]).agg(value=drill.wid.nunique().cast("float64"))
    counts = counts.mutate(n_links=ibis.null("int64"))
    lk = links_city
    share = lk.group_by(["kind", "year"]).agg(
        value=(lk.province_a != lk.province_b).cast("float64").mean(), n_links=lk.wid.count()
    )
    share = share.select(
        indicator="cross_province_link_share_" + share.kind,
        year=share.year,
        value=share.value,
        n_links=share.n_links.cast("int64"),
    )
    return counts.select("indicator", "year", "value", "n_links").union(share, distinct=False)
