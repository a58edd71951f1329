"""The evaluation report (HTML and PDF) generated from an evaluation run, in Chinese or in English: every
sentence is a catalogue message, numbers and times go through the locale's formatting (Beijing time)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from yrdhub import __version__, i18n
from yrdhub.accounts.actor import SYSTEM, Actor
from yrdhub.i18n import N_, Lang, format_message, gettext
from yrdhub.monitoring import evaluation, service
from yrdhub.monitoring import tasks as plan_tasks
from yrdhub.monitoring.labels import EVALUATION_STATUS, OFFICE, SOURCE, UNIT, UNIT_NAME, label
from yrdhub.monitoring.models import EvaluationRun, Framework
from yrdhub.monitoring.targets import plan_targets
from yrdhub.publishing import charts

TEMPLATES = Path(__file__).parent / "templates"

SUMMARY_INDEX = N_("With the YRD's {base} value as 100, the development index of the YRD S&T Innovation Community "
                   "was {index} in {last}, growing by {growth} % a year from {first} to {last}.")
SUMMARY_INDEX_FLAT = N_("With the YRD's {base} value as 100, the development index of the YRD S&T Innovation "
                        "Community was {index} in {last}.")
SUMMARY_RANKS = N_("Among the four, {top} has the highest index ({top_index}) and {bottom} the lowest "
                   "({bottom_index}).")
SUMMARY_SWAP = N_("The positions of {units} swap under other methods and weights (see the uncertainty intervals "
                  "in part 2).")
SUMMARY_STABLE = N_("Every position holds under other methods and weights.")
SUMMARY_DIMENSIONS = N_("Of the five dimensions, {fastest} grew fastest ({fastest_index}, {first} = 100) and "
                        "{slowest} slowest ({slowest_index}).")
SUMMARY_TARGETS = N_("Of the plan's {total} targets for 2025, {official} are measured from official statistics and "
                     "{counted} are counted by the joint office from paper and patent records (only the records "
                     "imported count); {reached} of them are reached, and {missing} have no data yet.")
CHART_INDEX = N_("Index (YRD {base} = 100)")
CHART_DIMENSIONS = N_("Dimension scores, {year}")
CHART_RANKS = N_("Rank (dot: nominal rank; bar: mean; band: the interval from 5 to 95 %)")


@dataclass(frozen=True)
class Document:
    html: str

    def pdf(self) -> bytes:
        charts.cjk_font()  # refuse early, with the package name, when the font is missing
        from weasyprint import HTML

        return bytes(HTML(string=self.html, base_url=str(TEMPLATES)).write_pdf())


@lru_cache(maxsize=2)
def _environment(lang: Lang) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      extensions=["jinja2.ext.i18n"])
    i18n.install(env, lang)
    env.filters.update({
        "unit": lambda value: gettext(lang, UNIT[value]) if value in UNIT else value,
        "extract": lambda key, mapping: mapping.get(key, key),
    })
    return env


def _cagr(first: float, last: float, years: int) -> float | None:
    return (last / first) ** (1 / years) - 1 if first > 0 and years > 0 else None


def _one(value: float, lang: Lang) -> str:
    """A figure as the report states it: one decimal, the locale's digits (no float artefacts, no exponent)."""
    return i18n.format_number(value, lang, 1)


def _summary(lang: Lang, spec: Any, by: dict[Any, Any], ranks: list[dict[str, Any]], first: int, last: int,
             targets: list[Any]) -> list[str]:
    yrd_first, yrd_last = by[(evaluation.YRD, first)]["Index"], by[(evaluation.YRD, last)]["Index"]
    growth = _cagr(yrd_first, yrd_last, last - first)
    params: dict[str, Any] = {"base": str(spec.base_year), "index": _one(yrd_last, lang), "first": str(first),
                              "last": str(last)}
    out = [format_message(SUMMARY_INDEX if growth is not None else SUMMARY_INDEX_FLAT,
                          {**params, "growth": _one(growth * 100, lang) if growth is not None else None}, lang)]
    top, bottom = ranks[0]["uCode"], ranks[-1]["uCode"]
    uncertain = [UNIT_NAME[r["uCode"]] for r in ranks if r["Q95"] > r["Q5"]]
    out.append(format_message(SUMMARY_RANKS, {"top": UNIT_NAME[top], "top_index": _one(by[(top, last)]["Index"], lang),
                                              "bottom": UNIT_NAME[bottom],
                                              "bottom_index": _one(by[(bottom, last)]["Index"], lang)}, lang)
               + (" " if lang == "en" else "")
               + (format_message(SUMMARY_SWAP, {"units": uncertain}, lang) if uncertain
                  else gettext(lang, SUMMARY_STABLE)))
    dims = {d.code: d for d in spec.dimensions}
    growth_by = sorted(((by[(evaluation.YRD, last)][d] or 0) / (by[(evaluation.YRD, first)][d] or 1), d) for d in dims)
    out.append(format_message(SUMMARY_DIMENSIONS, {
        "fastest": i18n.local(dims[growth_by[-1][1]], lang), "fastest_index": round(growth_by[-1][0] * 100),
        "slowest": i18n.local(dims[growth_by[0][1]], lang), "slowest_index": round(growth_by[0][0] * 100),
        "first": str(first)}, lang))
    official = [t for t in targets if t.latest and not t.measured]
    counted = [t for t in targets if t.measured]
    out.append(format_message(SUMMARY_TARGETS, {
        "total": len(targets), "official": len(official), "counted": len(counted),
        "reached": sum(1 for t in official + counted if t.reached),
        "missing": len(targets) - len(official) - len(counted)}, lang))
    return out


def context(session: Session, run: EvaluationRun, lang: Lang = "zh", actor: Actor = SYSTEM) -> dict[str, Any]:
    framework = session.get(Framework, run.framework_id)
    assert framework is not None
    spec = service.spec_of(framework)
    results = run.results
    first, last = run.method["first_year"], run.method["last_year"]
    scores = results["scores"]
    by = {(r["uCode"], r["Time"]): r for r in scores}
    units = [*list(evaluation.PROVINCES), evaluation.YRD]
    names = {u: gettext(lang, UNIT_NAME[u]) for u in units}
    index_series = {u: [(r["Time"], r["Index"]) for r in scores if r["uCode"] == u] for u in units}
    ranks = sorted(results["ranks"], key=lambda r: r["Nominal"])
    dims = [d.code for d in spec.dimensions]
    targets = plan_targets(session, actor=actor, framework=framework)
    latest_values: dict[str, dict[str, float]] = {}
    for row in service.indicator_values(session, framework):
        if row["period"] == last:
            latest_values.setdefault(row["indicator"], {})[row["region_code"]] = row["value"]
    tasks = plan_tasks.list_tasks(session, actor=actor)
    return {
        "task_areas": plan_tasks.progress_by(tasks, "area"), "task_regions": plan_tasks.progress_by(tasks, "region"),
        "area_names": {a["code"]: i18n.local(a, lang) for a in plan_tasks.areas()},
        "overdue_tasks": [t for t in tasks if plan_tasks.is_overdue(t)],
        "n_tasks": len(tasks), "reported_tasks": sum(1 for t in tasks if t.status != plan_tasks.UNREPORTED),
        "run": run, "status": EVALUATION_STATUS[run.status], "spec": spec, "framework": framework, "first": first,
        "last": last, "summary": _summary(lang, spec, by, ranks, first, last, targets), "office": OFFICE,
        "units": units, "names": names, "by": by, "ranks": ranks, "dims": spec.dimensions,
        "targets": targets, "version": __version__, "latest_values": latest_values,
        "imputed": _imputed_summary(results.get("imputed", []), spec, names, lang),
        "n_imputed": len(results.get("imputed", [])), "bases": results["bases"], "sw": results["strengths_weaknesses"],
        "indicators": {i.code: i for i in spec.indicators},
        "comma": ", " if lang == "en" else "、", "semicolon": "; " if lang == "en" else "；",
        "source": label(SOURCE, targets[0].source) if targets else "",
        "chart_index": charts.lines(index_series, names,
                                    ylabel=format_message(CHART_INDEX, {"base": str(spec.base_year)}, lang),
                                    baseline=100),
        "chart_ranks": charts.rank_intervals(ranks, names, xlabel=gettext(lang, CHART_RANKS)),
        "chart_dims": charts.grouped_bars([i18n.local(d, lang) for d in spec.dimensions],
                                          {u: [by[(u, last)][d] or 0 for d in dims] for u in units}, names,
                                          ylabel=format_message(CHART_DIMENSIONS, {"year": str(last)}, lang)),
    }


def evaluation_report(session: Session, run: EvaluationRun, *, lang: Lang = "zh", actor: Actor = SYSTEM
                      ) -> Document:
    template = _environment(lang).get_template("evaluation_report.html")
    return Document(template.render(**context(session, run, lang, actor)))


def _imputed_summary(cells: list[dict[str, Any]], spec: Any, names: dict[str, str], lang: Lang) -> list[str]:
    """'indicator: unit year–year' lines instead of one entry per cell."""
    indicators = {i.code: i18n.local(i, lang) for i in spec.indicators}
    grouped: dict[str, dict[str, list[int]]] = {}
    for c in cells:
        grouped.setdefault(c["indicator"], {}).setdefault(c["uCode"], []).append(int(c["Time"]))
    comma, semicolon, colon = (", ", "; ", ": ") if lang == "en" else ("、", "；", "：")
    lines = []
    for indicator, units in grouped.items():
        by_years: dict[str, list[str]] = {}
        for unit, years in units.items():
            years.sort()
            span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
            by_years.setdefault(span, []).append(names.get(unit, unit))
        parts = [f"{comma.join(u)} {span}" for span, u in by_years.items()]
        lines.append(f"{indicators.get(indicator, indicator)}{colon}{semicolon.join(parts)}")
    return lines

