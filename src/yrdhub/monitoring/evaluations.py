"""Running, storing and verifying evaluations (the office's action; results are public)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import authorize
from yrdhub.monitoring import evaluation, service
from yrdhub.monitoring.models import EvaluationRun, Framework


def run(session: Session, *, actor: Actor, framework: Framework, method: evaluation.Method | None = None
        ) -> EvaluationRun:
    authorize(actor, "monitoring.evaluate")
    spec = service.spec_of(framework)
    method = method or evaluation.Method(base_year=spec.base_year, first_year=spec.periods[0],
                                         last_year=_last_complete_year(session, framework))
    table = evaluation.inputs_table(spec, service.accepted_values(session, framework), method)
    results = evaluation.compute(spec, table, method)
    row = EvaluationRun(framework_id=framework.id, created_by=actor.username, method=method.as_dict(),
                        inputs=evaluation.table_to_json(table), inputs_hash=evaluation.inputs_hash(table),
                        results=results, results_hash=evaluation.results_hash(results))
    session.add(row)
    session.flush()
    audit.record(session, actor, "monitoring.evaluate", "evaluation", row.id,
                 after={"framework": f"{framework.code} v{framework.version}", "method": row.method,
                        "inputs_hash": row.inputs_hash, "results_hash": row.results_hash})
    return row


def _last_complete_year(session: Session, framework: Framework) -> int:
    """The latest year for which all four jurisdictions have accepted data."""
    values = service.accepted_values(session, framework)
    years = [y for y in {p for _, p in values} if all((r, y) in values for r in service.PROVINCES)]
    return max(years)


def latest(session: Session, framework: Framework | None = None) -> EvaluationRun | None:
    stmt = select(EvaluationRun).order_by(EvaluationRun.id.desc()).limit(1)
    if framework is not None:
        stmt = stmt.where(EvaluationRun.framework_id == framework.id)
    return session.execute(stmt).scalar_one_or_none()


def get(session: Session, ref: str) -> EvaluationRun | None:
    if ref == "latest":
        return latest(session)
    return session.get(EvaluationRun, int(ref)) if ref.isdigit() and len(ref) < 10 else None


@dataclass(frozen=True)
class Verification:
    ok: bool
    inputs_ok: bool
    results_ok: bool
    current_data_same: bool  # whether today's accepted data would give the same inputs

    @property
    def message(self) -> str:
        if self.ok:
            tail = "" if self.current_data_same else "（此后已有新接受的数据 / accepted data changed since）"
            return f"评估可复现 / evaluation reproduced exactly{tail}"
        return "评估无法复现 / evaluation does NOT reproduce" + ("" if self.inputs_ok else ": inputs altered")


def verify(session: Session, run_row: EvaluationRun) -> Verification:
    """Recompute from the frozen inputs: the inputs must match their hash and the results must be identical."""
    framework = session.get(Framework, run_row.framework_id)
    assert framework is not None
    spec = service.spec_of(framework)
    method = evaluation.Method(**run_row.method)
    try:
        table = evaluation.table_from_json(run_row.inputs)
        inputs_ok = evaluation.inputs_hash(table) == run_row.inputs_hash
        results = evaluation.compute(spec, table, method)
    except (ValueError, KeyError, TypeError):  # inputs so damaged that they no longer compute
        return Verification(False, False, False, False)
    results_ok = evaluation.results_hash(results) == run_row.results_hash == evaluation.results_hash(run_row.results)
    current = evaluation.inputs_table(spec, service.accepted_values(session, framework), method)
    return Verification(inputs_ok and results_ok, inputs_ok, results_ok,
                        evaluation.inputs_hash(current) == run_row.inputs_hash)
