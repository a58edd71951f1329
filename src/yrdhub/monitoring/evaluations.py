"""Running, publishing and verifying evaluations. The joint office computes a run (visible to the office only),
reviews it, and publishes it: the published run is "the" evaluation the public sees, and the run published before
it is superseded (it stays readable, with the reports that cite it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import Actor
from yrdhub.accounts.policy import Target, authorize, readable
from yrdhub.db import utcnow
from yrdhub.errors import DomainError
from yrdhub.lifecycle import Move
from yrdhub.monitoring import evaluation
from yrdhub.monitoring.lifecycle import EVALUATION, EvaluationStatus
from yrdhub.monitoring.models import EvaluationRun, Framework
from yrdhub.monitoring.queries import PROVINCES, accepted_values, spec_of

E = EvaluationStatus
OFFICE = Target()


def run(session: Session, *, actor: Actor, framework: Framework, method: evaluation.Method | None = None
        ) -> EvaluationRun:
    """Compute an evaluation from the accepted data (a run the office reviews before publishing it)."""
    authorize(actor, "monitoring.evaluate")
    spec = spec_of(framework)
    method = method or evaluation.Method(base_year=spec.base_year, first_year=spec.periods[0],
                                         last_year=last_complete_year(session, framework))
    table = evaluation.inputs_table(spec, accepted_values(session, framework), method)
    results = evaluation.compute(spec, table, method)
    row = EvaluationRun(framework_id=framework.id, created_by=actor.username, method=method.as_dict(),
                        inputs=evaluation.table_to_json(table), inputs_hash=evaluation.inputs_hash(table),
                        results=results, results_hash=evaluation.results_hash(results),
                        status=E.COMPUTED.value, published_by="")
    session.add(row)
    session.flush()
    audit.record(session, actor, "monitoring.evaluate", "evaluation", row.id,
                 after={"framework": f"{framework.code} v{framework.version}", "method": row.method,
                        "inputs_hash": row.inputs_hash, "results_hash": row.results_hash})
    return row


def last_complete_year(session: Session, framework: Framework) -> int:
    """The latest year for which all four jurisdictions have accepted data."""
    values = accepted_values(session, framework)
    years = [y for y in {p for _, p in values} if all((r, y) in values for r in PROVINCES)]
    if not years:
        raise DomainError("evaluation.no_complete_year")
    return max(years)


def publish(session: Session, *, actor: Actor, run: EvaluationRun) -> EvaluationRun:
    """Make a computed run the public evaluation; the run published before it is superseded."""
    if not any(m.name == "publish" for m in EVALUATION.allowed(actor, run, OFFICE)):
        EVALUATION.move(run, "publish", actor=actor, target=OFFICE)  # raises the refusal (policy or state)
    current = published(session, run.framework_id)
    if current is not None and current.id != run.id:
        EVALUATION.move(current, "supersede", actor=actor, target=OFFICE)
        session.flush()  # the old one first: one published run per framework at any moment
    EVALUATION.move(run, "publish", actor=actor, target=OFFICE)
    run.published_at, run.published_by = utcnow(), actor.username
    session.flush()
    audit.record(session, actor, "monitoring.publish", "evaluation", run.id,
                 after={"status": run.status, "superseded": current.id if current is not None else None})
    return run


def allowed_moves(actor: Actor, run: EvaluationRun) -> list[Move[EvaluationStatus]]:
    """What the pages offer on a run (publishing; superseding is done by publishing another)."""
    return [m for m in EVALUATION.allowed(actor, run, OFFICE) if m.name != "supersede"]


def published(session: Session, framework_id: int | None = None) -> EvaluationRun | None:
    """The public evaluation: the published run (of a framework, or the newest of any)."""
    stmt = select(EvaluationRun).where(EvaluationRun.status == E.PUBLISHED.value)
    if framework_id is not None:
        stmt = stmt.where(EvaluationRun.framework_id == framework_id)
    return session.execute(stmt.order_by(EvaluationRun.id.desc()).limit(1)).scalar_one_or_none()


def latest(session: Session, framework: Framework | None = None) -> EvaluationRun | None:
    """The newest run of any state (whether an evaluation was ever computed: the office's view)."""
    stmt = select(EvaluationRun).order_by(EvaluationRun.id.desc()).limit(1)
    if framework is not None:
        stmt = stmt.where(EvaluationRun.framework_id == framework.id)
    return session.execute(stmt).scalar_one_or_none()


def get(session: Session, *, actor: Actor, ref: str) -> EvaluationRun | None:
    """A run the actor may read: "latest" is the published evaluation; a number, that run."""
    if ref == "latest":
        return published(session)
    if not (ref.isdigit() and len(ref) < 10):
        return None
    stmt = select(EvaluationRun).where(EvaluationRun.id == int(ref), readable(actor, EvaluationRun))
    return session.execute(stmt).scalar_one_or_none()


def pending(session: Session, *, actor: Actor, framework: Framework) -> list[EvaluationRun]:
    """Computed runs newer than the published one that the actor may read (the office's runs to review)."""
    current = published(session, framework.id)
    stmt = (select(EvaluationRun).where(EvaluationRun.framework_id == framework.id,
                                        EvaluationRun.status == E.COMPUTED.value, readable(actor, EvaluationRun))
            .order_by(EvaluationRun.id.desc()).limit(5))
    if current is not None:
        stmt = stmt.where(EvaluationRun.id > current.id)
    return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class Verification:
    ok: bool
    inputs_ok: bool
    results_ok: bool
    current_data_same: bool  # whether today's accepted data would give the same inputs

    @property
    def code(self) -> str:
        if self.ok:
            return "evaluation.reproduced" if self.current_data_same else "evaluation.reproduced_data_changed"
        return "evaluation.not_reproduced" if self.inputs_ok else "evaluation.inputs_altered"


def verify(session: Session, run_row: EvaluationRun) -> Verification:
    """Recompute from the frozen inputs: the inputs must match their hash and the results must be identical."""
    framework = session.get(Framework, run_row.framework_id)
    assert framework is not None
    spec = spec_of(framework)
    method = evaluation.Method(**run_row.method)
    try:
        table = evaluation.table_from_json(run_row.inputs)
        inputs_ok = evaluation.inputs_hash(table) == run_row.inputs_hash
        results = evaluation.compute(spec, table, method)
    except (ValueError, KeyError, TypeError):  # inputs so damaged that they no longer compute
        return Verification(False, False, False, False)
    results_ok = evaluation.results_hash(results) == run_row.results_hash == evaluation.results_hash(run_row.results)
    current = evaluation.inputs_table(spec, accepted_values(session, framework), method)
    return Verification(inputs_ok and results_ok, inputs_ok, results_ok,
                        evaluation.inputs_hash(current) == run_row.inputs_hash)
