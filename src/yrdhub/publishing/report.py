"""The evaluation report: a Chinese document (HTML and PDF) generated from an evaluation run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from yrdhub import __version__
from yrdhub.monitoring import evaluation, service
from yrdhub.monitoring import tasks as plan_tasks
from yrdhub.monitoring.models import EvaluationRun, Framework
from yrdhub.monitoring.targets import plan_targets
from yrdhub.publishing import charts

TEMPLATES = Path(__file__).parent / "templates"
UNIT_NAMES = evaluation.UNIT_NAMES
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
_env.filters["extract"] = lambda key, mapping: mapping.get(key, key)


@dataclass(frozen=True)
class Document:
    html: str

    def pdf(self) -> bytes:
        charts.cjk_font()  # refuse early, with the package name, when the font is missing
        from weasyprint import HTML

        return bytes(HTML(string=self.html, base_url=str(TEMPLATES)).write_pdf())


def _cagr(first: float, last: float, years: int) -> float | None:
    return (last / first) ** (1 / years) - 1 if first > 0 and years > 0 else None


def context(session: Session, run: EvaluationRun) -> dict[str, Any]:
    framework = session.get(Framework, run.framework_id)
    assert framework is not None
    spec = service.spec_of(framework)
    results = run.results
    first, last = run.method["first_year"], run.method["last_year"]
    scores = results["scores"]
    by = {(r["uCode"], r["Time"]): r for r in scores}
    units = [*list(evaluation.PROVINCES), evaluation.YRD]
    index_series = {u: [(r["Time"], r["Index"]) for r in scores if r["uCode"] == u] for u in units}
    ranks = sorted(results["ranks"], key=lambda r: r["Nominal"])
    dims = [d.code for d in spec.dimensions]
    yrd_first, yrd_last = by[(evaluation.YRD, first)]["Index"], by[(evaluation.YRD, last)]["Index"]
    growth = _cagr(yrd_first, yrd_last, last - first)
    targets = plan_targets(session, framework)
    uncertain = [UNIT_NAMES[r["uCode"]] for r in ranks if r["Q95"] > r["Q5"]]
    dim_growth = sorted(((by[(evaluation.YRD, last)][d] or 0) / (by[(evaluation.YRD, first)][d] or 1), d)
                        for d in dims)
    dim_names = {d.code: d.name for d in spec.dimensions}
    summary = [
        f"以长三角 {spec.base_year} 年为 100，{last} 年长三角科技创新共同体发展指数为 {yrd_last:.1f}"
        + (f"，{first}—{last} 年年均增长 {growth * 100:.1f}%。" if growth is not None else "。"),
        f"四地中 {UNIT_NAMES[ranks[0]['uCode']]} 指数最高（{by[(ranks[0]['uCode'], last)]['Index']:.1f}），"
        f"{UNIT_NAMES[ranks[-1]['uCode']]} 最低（{by[(ranks[-1]['uCode'], last)]['Index']:.1f}）。"
        + (f"{'、'.join(uncertain)} 的位次在不同方法和权重下会互换（见第二部分的不确定性区间）。" if uncertain else
           "各地位次在不同方法和权重下保持不变。"),
        f"五个维度中增长最快的是{dim_names[dim_growth[-1][1]]}（{dim_growth[-1][0] * 100:.0f}，{first} 年 = 100），"
        f"最慢的是{dim_names[dim_growth[0][1]]}（{dim_growth[0][0] * 100:.0f}）。",
    ]
    official = [t for t in targets if t.latest and not t.measured]
    counted = [t for t in targets if t.measured]
    reached = [t for t in official + counted if t.reached]
    missing = len(targets) - len(official) - len(counted)
    summary.append(f"《规划》六项 2025 年目标中，{len(official)} 项由官方统计测算"
                   + (f"，{len(counted)} 项由联合办公室从论文、专利记录测算（仅计所导入的记录）" if counted else "")
                   + f"，其中 {len(reached)} 项已达到"
                   + (f"；{missing} 项暂无数据。" if missing else "。"))
    labels = {u: UNIT_NAMES[u] for u in units}
    latest_dims = {u: [by[(u, last)][d] or 0 for d in dims] for u in units}
    indicator_table = service.indicator_values(session, framework)
    latest_values: dict[str, dict[str, float]] = {}
    for row in indicator_table:
        if row["period"] == last:
            latest_values.setdefault(row["indicator"], {})[row["region_code"]] = row["value"]
    tasks = plan_tasks.list_tasks(session)
    area_names = {a["code"]: a["name"] for a in plan_tasks.areas()}
    return {
        "task_areas": plan_tasks.progress_by(tasks, "area"), "task_regions": plan_tasks.progress_by(tasks, "region"),
        "area_names": area_names, "overdue_tasks": [t for t in tasks if plan_tasks.is_overdue(t)],
        "n_tasks": len(tasks), "reported_tasks": sum(1 for t in tasks if t.status != plan_tasks.UNREPORTED),
        "run": run, "spec": spec, "framework": framework, "first": first, "last": last, "summary": summary,
        "units": units, "names": UNIT_NAMES, "by": by, "ranks": ranks, "dims": spec.dimensions,
        "targets": targets, "version": __version__, "latest_values": latest_values,
        "imputed": _imputed_summary(results.get("imputed", []), spec), "n_imputed": len(results.get("imputed", [])),
        "bases": results["bases"], "sw": results["strengths_weaknesses"],
        "indicator_names": {i.code: i.name for i in spec.indicators},
        "chart_index": charts.lines(index_series, labels, ylabel=f"指数（长三角 {spec.base_year} = 100）",
                                    baseline=100),
        "chart_ranks": charts.rank_intervals(ranks, labels),
        "chart_dims": charts.grouped_bars([d.name for d in spec.dimensions], latest_dims, labels,
                                          ylabel=f"{last} 年维度得分"),
    }


def evaluation_report(session: Session, run: EvaluationRun) -> Document:
    template = _env.get_template("evaluation_report.html")
    return Document(template.render(**context(session, run)))


def _imputed_summary(cells: list[dict[str, Any]], spec: Any) -> list[str]:
    """'指标：单元 年份–年份' lines instead of one entry per cell."""
    names = {i.code: i.name for i in spec.indicators}
    grouped: dict[str, dict[str, list[int]]] = {}
    for c in cells:
        grouped.setdefault(c["indicator"], {}).setdefault(c["uCode"], []).append(int(c["Time"]))
    lines = []
    for indicator, units in grouped.items():
        by_years: dict[str, list[str]] = {}
        for unit, years in units.items():
            years.sort()
            span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
            by_years.setdefault(span, []).append(UNIT_NAMES.get(unit, unit))
        parts = [f"{'、'.join(u)} {span}" for span, u in by_years.items()]
        lines.append(f"{names.get(indicator, indicator)}：{'；'.join(parts)}")
    return lines
