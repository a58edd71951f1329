"""Faceted search, shared by the search page and the search API: facet filters from a request's parameters,
the hits under every active filter, each facet's counts (a facet with an active filter is counted under the other
facets' filters only, so that its other values stay offered as alternatives), and every value with its label,
its count, whether it is active and the address that toggles it.

Every count comes from `search.search`, which counts only what the reader may see. Labels are given by the caller
(the modules' label tables, in the reader's language): this package knows no module.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from yrdhub.search.query import search
from yrdhub.search.types import SearchQuery, SearchResult

FACETS = ("kind", "type", "year", "province", "funder", "status", "discipline", "openness")
MAX_FILTER_VALUES = 20  # per facet: more alternatives than a facet ever lists
MAX_VALUE_LENGTH = 100
Filters = dict[str, list[str]]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    active: bool
    href: str


@dataclass(frozen=True)
class Facet:
    name: str
    title: str
    values: list[FacetValue]


@dataclass(frozen=True)
class Chip:
    """An active filter, with the address of the same search without it."""

    name: str
    title: str
    value: str
    label: str
    href: str


@dataclass(frozen=True)
class Faceted:
    text: str
    filters: Filters
    result: SearchResult
    facets: list[Facet]
    chips: list[Chip]
    next_href: str = ""
    clear_href: str = ""
    hidden: list[tuple[str, str]] = field(default_factory=list)  # the active filters as (name, value) pairs


def filters_of(getlist: Callable[[str], Sequence[str]], names: Sequence[str] = FACETS) -> Filters:
    """The active facet filters of a request (?type=final&type=annual&year=2025): values of one facet are
    alternatives, different facets must all hold. Unknown parameters are ignored, blank values dropped."""
    out: Filters = {}
    for name in names:
        values = [v.strip()[:MAX_VALUE_LENGTH] for v in getlist(name) if v.strip()]
        if values:
            out[name] = list(dict.fromkeys(values))[:MAX_FILTER_VALUES]
    return out


def address(path: str, text: str, filters: Mapping[str, Sequence[str]], cursor: str = "",
            names: Sequence[str] = FACETS, extra: Sequence[tuple[str, str]] = ()) -> str:
    params: list[tuple[str, str]] = [("q", text)] if text else []
    params += [(name, v) for name in names for v in filters.get(name, ())]
    params += list(extra)
    if cursor:
        params.append(("cursor", cursor))
    return f"{path}?{urlencode(params)}" if params else path


def toggled(filters: Mapping[str, Sequence[str]], name: str, value: str) -> Filters:
    """The filters with `value` of facet `name` added (or removed when it is active)."""
    values = list(filters.get(name, []))
    changed = [v for v in values if v != value] if value in values else [*values, value]
    return {**{k: list(v) for k, v in filters.items() if k != name}, **({name: changed} if changed else {})}


def run(session: Session, query: SearchQuery, tokens: Collection[str]) -> SearchResult:
    """The page of hits under every filter of `query`, and the counts of its facets — a facet with an active
    filter counted under the other facets' filters only (its alternatives)."""
    result = search(session, query, tokens)
    for name in query.filters:
        if name not in query.facets:
            continue
        others = {k: v for k, v in query.filters.items() if k != name}
        alternatives = search(session, replace(query, filters=others, facets=(name,), limit=1, cursor=None), tokens)
        result.facets[name] = alternatives.facets.get(name, [])
    return result


def faceted(session: Session, *, text: str, filters: Filters, tokens: Collection[str], titles: Mapping[str, str],
            labels: Mapping[str, Mapping[str, str]], path: str, cursor: str | None = None, limit: int = 20,
            names: Sequence[str] = FACETS, extra: Sequence[tuple[str, str]] = ()) -> Faceted:
    """Run a faceted search and describe it for a page or an API answer: `titles` names the facets, `labels`
    the values of each (a value without a label shows as it is); `path` (and `extra` parameters, e.g. the
    language) make the addresses of the toggles, the chips and the next page."""
    query = SearchQuery(text=text, filters=filters, facets=names, cursor=cursor or None, limit=limit)
    result = run(session, query, tokens)

    def label(name: str, value: str) -> str:
        return str(labels.get(name, {}).get(value, value))

    def href(changed: Mapping[str, Sequence[str]], after: str = "") -> str:
        return address(path, text, changed, after, names, extra)

    facets = [Facet(name, titles.get(name, name), [
        FacetValue(value, label(name, value), count, value in filters.get(name, ()),
                   href(toggled(filters, name, value))) for value, count in values])
        for name, values in result.facets.items() if values]
    chips = [Chip(name, titles.get(name, name), value, label(name, value), href(toggled(filters, name, value)))
             for name in names for value in filters.get(name, ())]
    return Faceted(text=text, filters=filters, result=result, facets=facets, chips=chips,
                   next_href=href(filters, result.next_cursor) if result.next_cursor else "",
                   clear_href=href({}), hidden=[(name, v) for name in names for v in filters.get(name, ())])
