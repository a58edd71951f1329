"""Evaluations: the index method, ranks with intervals, and verification from frozen inputs."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.monitoring import evaluation, evaluations, service
from yrdhub.monitoring.models import Framework


@pytest.fixture
def framework(session: Session) -> Framework:
    fw = service.get_framework(session, "yrd-monitoring", 1)
    assert fw is not None
    return fw


def test_index_is_100_for_the_yrd_in_the_base_year(session: Session, framework: Framework) -> None:
    run = evaluations.run(session, actor=SYSTEM, framework=framework,
                          method=evaluation.Method(runs=200, last_year=2023))
    scores = {(r["uCode"], r["Time"]): r for r in run.results["scores"]}
    assert scores[("YRD", 2011)]["Index"] == pytest.approx(100)
    for dim in ("RS", "IC", "RU", "IL", "ES"):
        assert scores[("YRD", 2011)][dim] == pytest.approx(100)
    # one indicator by hand: Shanghai's R&D intensity 2023 over the YRD's 2011 intensity
    values = service.accepted_values(session, framework)
    yrd_2011 = (sum(values[(p, 2011)]["rd_expenditure"] for p in evaluation.PROVINCES)
                / sum(values[(p, 2011)]["gdp"] for p in evaluation.PROVINCES) * 100)
    assert run.results["bases"]["rd_intensity"]["value"] == pytest.approx(yrd_2011)
    ranks = {r["uCode"]: r for r in run.results["ranks"]}
    assert set(ranks) == set(evaluation.PROVINCES)
    for r in ranks.values():
        assert 1 <= r["Q5"] <= r["Median"] <= r["Q95"] <= 4
    shares = run.results["contributions"]["310000"]
    assert sum(shares.values()) == pytest.approx(1.0)
    assert any(cell["indicator"] == "hitech_rd_gdp" and cell["Time"] == 2011 for cell in run.results["imputed"])


def test_verify_reproduces_and_detects_tampering(session: Session, framework: Framework) -> None:
    run = evaluations.run(session, actor=SYSTEM, framework=framework,
                          method=evaluation.Method(runs=100, last_year=2023))
    session.flush()
    result = evaluations.verify(session, run)
    assert result.ok and result.current_data_same
    session.execute(text("UPDATE mon_evaluation SET inputs = replace(inputs, '310000', '310001') WHERE id = :i"),
                    {"i": run.id})
    session.expire_all()
    tampered = evaluations.verify(session, session.get(type(run), run.id))  # type: ignore[arg-type]
    assert not tampered.ok and not tampered.inputs_ok and tampered.code == "evaluation.inputs_altered"
    assert result.code == "evaluation.reproduced"


def test_only_the_office_evaluates(session: Session, framework: Framework, make_user) -> None:  # type: ignore[no-untyped-def]
    _, admin = make_user("jurisdiction_admin", "320000")
    with pytest.raises(PermissionDenied):
        evaluations.run(session, actor=admin, framework=framework)
