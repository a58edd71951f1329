"""What the monitoring pages show, in the reader's language: the dashboard's chart data (names, units and chart
labels translated before they reach the browser) and plan tasks with their English text in English."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from yrdhub.i18n import N_, Lang, gettext
from yrdhub.monitoring.framework import Spec
from yrdhub.monitoring.labels import UNIT, UNIT_NAME
from yrdhub.monitoring.models import EvaluationRun, PlanTask
from yrdhub.monitoring.queries import national_series
from yrdhub.monitoring.tasks import is_overdue

CHART_LABELS = {"national": N_("China (published)"), "save": N_("Save as image")}


def _named(obj: Any, lang: Lang) -> str:
    english = obj.get("name_en", "") if isinstance(obj, dict) else getattr(obj, "name_en", "")
    return str(english if lang == "en" and english else (obj["name"] if isinstance(obj, dict) else obj.name))


def unit(value: str, lang: Lang) -> str:
    msgid = UNIT.get(value)
    return gettext(lang, msgid) if msgid is not None else value


def dashboard_data(spec: Spec, rows: list[dict[str, Any]], provinces: dict[str, Any], lang: Lang,
                   period: int | None, region: str, run: EvaluationRun | None) -> dict[str, Any]:
    """The dashboard's chart data (JSON for monitoring.js): every label already in the page's language."""
    data: dict[str, Any] = {
        "indicators": [{"code": i.code, "name": _named(i, lang), "unit": unit(i.unit, lang),
                        "dimension": i.dimension} for i in spec.indicators],
        "dimensions": [{"code": d.code, "name": _named(d, lang)} for d in spec.dimensions],
        # `feature`: the province's name in the bundled boundaries (how the map finds it); `label`: what is shown
        "provinces": {c: {"feature": r.name, "label": _named(r, lang) if lang == "en" else r.short_name}
                      for c, r in provinces.items() if r},
        "values": [[r["region_code"], r["period"], r["indicator"], round(r["value"], 4)] for r in rows],
        # National comparison where a national figure is published (R&D intensity, from the statistical bulletin).
        "national": {"rd_intensity": national_series("rd_intensity_published")},
        "period": period, "region": region,
        "labels": {k: gettext(lang, v) for k, v in CHART_LABELS.items()} | {"YRD": gettext(lang, UNIT_NAME["YRD"])},
    }
    if run is not None:
        data["evaluation"] = {
            "scores": [[r["uCode"], r["Time"], r["Index"]] + [r.get(d.code) for d in spec.dimensions]
                       for r in run.results["scores"]],
            "contributions": run.results["contributions"], "last_year": run.method["last_year"]}
    return data


@dataclass(frozen=True)
class TaskView:
    code: str
    area: str
    title: str
    quote: str
    responsible: list[str]
    items: list[dict[str, str]]
    due: date | None
    status: str
    progress: int
    overdue: bool
    translated: bool  # the title and quote are yrdhub's translation (the Chinese text is the source)


def task_view(task: PlanTask, lang: Lang) -> TaskView:
    """A plan task in the reader's language (the English text is a translation by yrdhub)."""
    english = lang == "en"
    items = [{"name": str(i.get("name_en") or i["name"]) if english else str(i["name"]),
              "site": str(i.get("site_en") or i.get("site") or "") if english else str(i.get("site") or "")}
             for i in task.items]
    return TaskView(code=task.code, area=task.area, title=task.title_en if english and task.title_en else task.title,
                    quote=task.quote_en if english and task.quote_en else task.quote,
                    responsible=list(task.responsible), items=items, due=task.due, status=task.status,
                    progress=task.progress, overdue=is_overdue(task), translated=english and bool(task.quote_en))
