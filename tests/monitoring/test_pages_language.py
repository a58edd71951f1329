"""Every monitoring page and the evaluation report are in one language: in English nothing Chinese (task titles,
units, status names, the joint office, history steps, roles, chart titles and sources), in Chinese no English leaks
(steps, "annual", "imported", role names); every time shown in Beijing time."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts.actor import SYSTEM
from yrdhub.i18n import format_datetime
from yrdhub.monitoring import evaluation, evaluations, measurements, service
from yrdhub.monitoring import tasks as plan_tasks

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
LATIN = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
# Latin words a Chinese page may hold: file formats, acronyms used as such in Chinese documents, the product.
ZH_ALLOWED = {"PDF", "HTML", "CSV", "XLSX", "SHA", "API", "SCI", "PCT", "GDP", "MIT", "yrdhub", "analytics",
              "Parquet", "JSON", "techme", "PyPSA-China-PIK"}
PATH = re.compile(r"\S*[/.]\S*[A-Za-z]\S*")  # paths, file names, commands: identifiers, not prose
VALUES = "indicator,year,value\nyrd_coauthored_intl_papers,2024,2\n"
RECORDS = ("indicator,year,work_id,record_id,source,file,line\n"
           "yrd_coauthored_intl_papers,2024,doi:10.1/a,r1,wos,a.txt,3\n"
           "yrd_coauthored_intl_papers,2024,doi:10.1/b,r2,wos,a.txt,9\n")


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, code (identifiers, hashes), user names or the language switch."""
    for pattern in (r"<script\b.*?</script>", r"<style\b.*?</style>", r"<code\b.*?</code>",
                    r'<a id="lang-switch".*?</a>', r'<span class="(?:user|typed)">.*?</span>',
                    r'<a [^>]*id="account-link".*?</a>',
                    r"<svg\b.*?</svg>"):
        page = re.sub(pattern, " ", page, flags=re.S)
    page = re.sub(r'\b(?:title|placeholder|aria-label)="([^"]*)"', r"> \1 <", page)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", page))


def chinese_in(page: str) -> list[str]:
    return sorted(set(CJK.findall(visible_text(page))))


def english_in(page: str) -> list[str]:
    words = LATIN.findall(PATH.sub(" ", visible_text(page)))
    return sorted({w.strip("-") for w in words if w.strip("-") not in ZH_ALLOWED})


@pytest.fixture
def pages(client: TestClient, app: FastAPI, session: Session, make_user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A submission with a history (opened, returned with a typed reason, submitted), a task with a report,
    a measured value, and a published evaluation: every monitoring page worth reading."""
    _, stat = make_user("statistician", "340000", username="lang_stat")
    _, admin = make_user("jurisdiction_admin", "340000", username="lang_admin")
    framework = service.get_framework(session, "yrd-monitoring")
    assert framework is not None
    sub = service.open_submission(session, actor=stat, framework=framework, region="340000", period=2024)
    last = service.accepted_values(session, framework)[("340000", 2023)]
    entries = {k: service.Entry(float(v) * 1.03) for k, v in last.items()}
    entries["rd_intensity_published"] = service.Entry(
        float(entries["rd_expenditure"].value) / float(entries["gdp"].value) * 100)  # type: ignore[arg-type]
    service.set_values(session, actor=stat, submission=sub, entries=entries)
    service.submit(session, actor=stat, submission=sub)
    task = plan_tasks.get(session, actor=SYSTEM, code="T06")
    plan_tasks.report(session, actor=admin, task=task, status="in_progress", progress=40, note="building",
                      evidence="site photos", region="340000")
    parsed = measurements.parse(session, actor=SYSTEM, values=("indicators_province.csv", VALUES.encode()),
                                records=("indicator_records_province.csv", RECORDS.encode()))
    assert parsed.ok
    batch = measurements.record(session, actor=SYSTEM, values=parsed.values,
                                source="Web of Science export 2026-11").batch
    assert batch is not None
    run = evaluations.run(session, actor=SYSTEM, framework=framework, method=evaluation.Method(runs=50, last_year=2023))
    evaluations.publish(session, actor=SYSTEM, run=run)
    session.flush()
    measured = batch.values[0].id
    return {"dashboard": "/monitoring", "tasks": "/monitoring/tasks", "task": "/monitoring/tasks/T06",
            "measurement": f"/monitoring/measurements/{measured}", "workspace": "/monitoring/data",
            "submission": f"/monitoring/submissions/{sub.id}", "report": f"/monitoring/evaluations/{run.id}/report"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_is_in_one_language(client: TestClient, pages: dict[str, str], lang: str) -> None:
    login(client, "lang_stat")
    found = {}
    for name, path in pages.items():
        response = client.get(path, params={"lang": lang})
        assert response.status_code == 200, (name, response.status_code)
        leaks = chinese_in(response.text) if lang == "en" else english_in(response.text)
        if leaks:
            found[name] = leaks
    assert not found


def test_times_are_shown_in_beijing_time(client: TestClient, session: Session, pages: dict[str, str]) -> None:
    login(client, "lang_stat")
    sub_id = int(pages["submission"].rsplit("/", 1)[1])
    sub = service.get_submission(session, actor=SYSTEM, submission_id=sub_id)
    assert sub is not None and sub.submitted_at is not None
    page = client.get(pages["submission"]).text
    assert format_datetime(sub.submitted_at, "zh") in page
    utc = sub.submitted_at.strftime("%Y-%m-%d %H:%M")
    assert utc not in page  # Beijing is eight hours ahead, never the same clock time


def test_history_shows_steps_and_roles_in_the_page_language(client: TestClient, pages: dict[str, str]) -> None:
    login(client, "lang_stat")
    zh = client.get(pages["submission"], params={"lang": "zh"}).text
    history = zh[zh.index('id="history"'):]
    assert "安徽" in history and "统计" in history and "提交" in history
    assert "statistician" not in history and "340000" not in visible_text(history) and "submit" not in history
    en = client.get(pages["submission"], params={"lang": "en"}).text
    history = en[en.index('id="history"'):]
    assert "Anhui" in history and "Statistician" in history and "Submitted" in history
