"""Who may read monitoring's records, stated once per model (the WHERE clause of every get and list).

- Submissions: accepted data are public; other states are read by the joint office and by the statisticians and
  admins of the submission's jurisdiction.
- Evaluation runs: published (and superseded) runs are public; a run not yet published is the office's.
- Frameworks, plan tasks and their progress reports, measured values and the records behind them: public.
"""

from __future__ import annotations

from yrdhub.accounts.access import Everyone, ReadRule, Role
from yrdhub.accounts.policy import read_rule
from yrdhub.monitoring.lifecycle import PUBLIC_RUNS, SubmissionStatus
from yrdhub.monitoring.models import (
    EvaluationRun,
    Framework,
    Measurement,
    MeasurementBatch,
    MeasurementRecord,
    PlanTask,
    Submission,
    TaskUpdate,
)

SUBMISSIONS = read_rule(ReadRule(
    Submission,
    Everyone(when=Submission.status == SubmissionStatus.ACCEPTED.value),
    Role("office_admin"),
    Role("statistician", provinces=Submission.region_code.expression),
    Role("jurisdiction_admin", provinces=Submission.region_code.expression),
))
EVALUATIONS = read_rule(ReadRule(
    EvaluationRun,
    Everyone(when=EvaluationRun.status.in_([s.value for s in PUBLIC_RUNS])),
    Role("office_admin"),
))
FRAMEWORKS = read_rule(ReadRule(Framework, Everyone()))
TASKS = read_rule(ReadRule(PlanTask, Everyone()))
TASK_UPDATES = read_rule(ReadRule(TaskUpdate, Everyone()))
MEASUREMENTS = read_rule(ReadRule(Measurement, Everyone()))
BATCHES = read_rule(ReadRule(MeasurementBatch, Everyone()))
RECORDS = read_rule(ReadRule(MeasurementRecord, Everyone()))
