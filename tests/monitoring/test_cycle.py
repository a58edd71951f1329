"""The submission cycle: validation, statistician → jurisdiction admin → joint office, corrections, scopes."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import Conflict, DomainError, Invalid
from yrdhub.monitoring import service, templates
from yrdhub.monitoring.framework import bundled_raw, parse
from yrdhub.monitoring.models import Framework
from yrdhub.monitoring.validation import Entry


@pytest.fixture
def framework(session: Session) -> Framework:
    fw = service.get_framework(session, "yrd-monitoring", 1)
    assert fw is not None
    return fw


def entries_2024(session: Session, framework: Framework, region: str) -> dict[str, Entry]:
    """Plausible 2024 values: the accepted 2023 values grown 3 %, intensity consistent with them."""
    last = service.accepted_values(session, framework, exact=True)[(region, 2023)]
    out = {k: Entry(v * Decimal("1.03")) for k, v in last.items()}
    out["rd_intensity_published"] = Entry(out["rd_expenditure"].value / out["gdp"].value * 100)  # type: ignore[operator]
    return out


def test_bundled_values_are_accepted_exact_and_traceable(session: Session, framework: Framework) -> None:
    exact = service.accepted_values(session, framework, exact=True)
    assert exact[("310000", 2022)]["rd_expenditure"] == Decimal("1981.6")  # exact, as published
    assert exact[("320000", 2021)]["rd_expenditure"] == Decimal("3438.6")
    assert exact[("310000", 2023)]["rd_intensity_published"] == Decimal("4.34")
    values = service.accepted_values(session, framework)
    rows = service.indicator_values(session, framework)
    sh = {r["indicator"]: r["value"] for r in rows if r["region_code"] == "310000" and r["period"] == 2022}
    assert sh["rd_intensity"] == pytest.approx(1981.6 / values[("310000", 2022)]["gdp"] * 100)
    assert service.load_bundled(session, actor=SYSTEM) == 0  # idempotent


def test_published_framework_cannot_change(session: Session) -> None:
    raw = bundled_raw()
    raw["dimensions"][0]["weight"] = 2
    with pytest.raises(Conflict) as caught:
        service.ensure_framework(session, actor=SYSTEM, raw=raw)
    assert caught.value.code == "framework.immutable" and caught.value.params["version"] == 1


def test_a_broken_framework_names_every_problem() -> None:
    raw = bundled_raw()
    raw["data_elements"].append(dict(raw["data_elements"][0]))
    raw["dimensions"][0]["indicators"][0]["numerator"] = "no_such_element"
    raw["dimensions"][0]["indicators"][1]["direction"] = 2
    with pytest.raises(Invalid) as caught:
        parse(raw)
    assert {e.code for e in caught.value.errors} == {"framework.duplicate_elements", "framework.unknown_element",
                                                     "framework.direction"}


def test_full_cycle_with_return_and_correction(session: Session, framework: Framework, make_user) -> None:  # type: ignore[no-untyped-def]
    _, stat = make_user("statistician", "340000")
    _, admin = make_user("jurisdiction_admin", "340000")
    _, office = make_user("office_admin")
    sub = service.open_submission(session, actor=stat, framework=framework, region="340000", period=2024)
    assert sub.version == 1 and sub.status == "draft"
    service.set_values(session, actor=stat, submission=sub, entries=entries_2024(session, framework, "340000"))
    service.submit(session, actor=stat, submission=sub)
    with pytest.raises(Conflict) as caught:  # under review: cannot be edited
        service.set_values(session, actor=stat, submission=sub, entries={})
    assert caught.value.code == "submission.not_editable"
    with pytest.raises(Conflict) as again:  # nor opened again
        service.open_submission(session, actor=stat, framework=framework, region="340000", period=2024)
    assert again.value.code == "submission.under_review"
    service.return_for_correction(session, actor=admin, submission=sub, reason="GDP 请按快报数更新")
    assert sub.status == "returned" and sub.comments[-1]["text"] == "GDP 请按快报数更新"
    assert sub.comments[-1]["step"] == "return" and sub.comments[-1]["role"] == "jurisdiction_admin"
    service.submit(session, actor=stat, submission=sub)
    service.approve(session, actor=admin, submission=sub)
    with pytest.raises(PermissionDenied):  # only the office accepts
        service.accept(session, actor=admin, submission=sub)
    service.accept(session, actor=office, submission=sub)
    assert ("340000", 2024) in service.accepted_values(session, framework)
    with pytest.raises(DomainError) as reason:
        service.open_submission(session, actor=stat, framework=framework, region="340000", period=2024)
    assert reason.value.code == "submission.correction_reason"
    fix = service.open_submission(session, actor=stat, framework=framework, region="340000", period=2024,
                                  reason="统计局修订")
    assert fix.version == 2 and len(fix.values) == len(sub.values)
    assert audit.verify(session).ok


def test_another_jurisdiction_cannot_touch(session: Session, framework: Framework, make_user) -> None:  # type: ignore[no-untyped-def]
    _, ah_stat = make_user("statistician", "340000")
    _, js_stat = make_user("statistician", "320000")
    _, js_admin = make_user("jurisdiction_admin", "320000")
    sub = service.open_submission(session, actor=ah_stat, framework=framework, region="340000", period=2024)
    with pytest.raises(PermissionDenied):
        service.open_submission(session, actor=js_stat, framework=framework, region="340000", period=2024)
    with pytest.raises(PermissionDenied):
        service.set_values(session, actor=js_stat, submission=sub, entries={})
    service.set_values(session, actor=ah_stat, submission=sub, entries=entries_2024(session, framework, "340000"))
    service.submit(session, actor=ah_stat, submission=sub)
    with pytest.raises(PermissionDenied):
        service.approve(session, actor=js_admin, submission=sub)
    session.flush()
    assert service.get_submission(session, actor=js_stat, submission_id=sub.id) is None
    assert service.get_submission(session, actor=ah_stat, submission_id=sub.id) is sub


def test_validation_names_every_cell(session: Session, framework: Framework, make_user) -> None:  # type: ignore[no-untyped-def]
    _, stat = make_user("statistician", "330000")
    sub = service.open_submission(session, actor=stat, framework=framework, region="330000", period=2024)
    entries = entries_2024(session, framework, "330000")
    entries["gdp"] = Entry(-5.0)                                   # below the minimum
    del entries["population"]                                      # required
    entries["rd_expenditure"] = Entry(entries["rd_expenditure"].value * 2)  # type: ignore[operator]  # +106 %
    with pytest.raises(Invalid) as info:
        service.set_values(session, actor=stat, submission=sub, entries=entries)
    codes: dict[str, set[str]] = {}
    for p in info.value.errors:
        codes.setdefault(p.field, set()).add(p.code)
    assert {"gdp", "population", "rd_expenditure"} <= set(codes)
    assert {"value.yoy_change", "value.off_trend"} <= codes["rd_expenditure"]
    assert "value.below_min" in codes["gdp"] and codes["population"] == {"value.required"}
    yoy = next(p for p in info.value.errors if p.code == "value.yoy_change")
    assert yoy.params["change"] == Decimal("106.0") and yoy.params["limit"] == Decimal(30)  # exact, no float noise
    assert sub.values == []  # nothing saved
    entries["gdp"], entries["population"] = entries_2024(session, framework, "330000")["gdp"], Entry(6700)
    entries["rd_expenditure"] = Entry(entries["rd_expenditure"].value, reason="口径调整")
    with pytest.raises(Invalid) as info:  # intensity now disagrees with expenditure / GDP
        service.set_values(session, actor=stat, submission=sub, entries=entries)
    assert [(p.field, p.code) for p in info.value.errors] == [("rd_intensity_published", "value.inconsistent")]


def test_template_round_trip_reports_every_bad_row_at_once(session: Session, framework: Framework,
                                                            make_user) -> None:  # type: ignore[no-untyped-def]
    _, stat = make_user("statistician", "340000")
    sub = service.open_submission(session, actor=stat, framework=framework, region="340000", period=2024)
    spec = service.spec_of(framework)
    previous = service.previous_values(session, framework, "340000", 2024)
    book = load_workbook(io.BytesIO(templates.xlsx(spec, "340000", 2024, previous, {}, "en")))
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == templates.HEADERS["en"]
    good = entries_2024(session, framework, "340000")
    lines = {}
    for row in sheet.iter_rows(min_row=2):
        code = row[0].value
        lines[code] = row[0].row
        row[4].value = float(good[code].value) if code in good else None  # type: ignore[index, arg-type]
    sheet.cell(row=lines["gdp"], column=5, value="abc")
    sheet.cell(row=lines["population"], column=5).value = None
    buffer = io.BytesIO()
    book.save(buffer)
    report = templates.upload(session, actor=stat, submission=sub, data=buffer.getvalue(), filename="t.xlsx")
    # the unreadable cell and the missing required value, in one report
    assert [(e.line, e.column, e.code) for e in report.errors] == [(lines["gdp"], "value", "cell.number"),
                                                                   (lines["population"], "value", "value.required")]
    assert sub.values == []
    sheet.cell(row=lines["gdp"], column=5, value=float(good["gdp"].value))  # type: ignore[arg-type]
    sheet.cell(row=lines["population"], column=5, value=float(good["population"].value))  # type: ignore[arg-type]
    sheet.append(["no_such_element", "", "", None, 1, ""])
    sheet.append(["gdp", "", "", None, 1, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    report = templates.upload(session, actor=stat, submission=sub, data=buffer.getvalue(), filename="t.xlsx")
    assert {e.code for e in report.errors} == {"value.unknown_element", "import.duplicate_row"}
    book.active.delete_rows(sheet.max_row - 1, 2)  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    report = templates.upload(session, actor=stat, submission=sub, data=buffer.getvalue(), filename="t.xlsx")
    assert report.ok and len(sub.values) == len(good)


def test_an_old_bilingual_template_is_still_read(session: Session, framework: Framework, make_user) -> None:  # type: ignore[no-untyped-def]
    _, stat = make_user("statistician", "340000")
    sub = service.open_submission(session, actor=stat, framework=framework, region="340000", period=2024)
    good = entries_2024(session, framework, "340000")
    body = "代码 code,数值 value,说明 reason\n" + "".join(f"{k},{e.value}," + "\n" for k, e in good.items())
    report = templates.upload(session, actor=stat, submission=sub, data=body.encode(), filename="old.csv")
    assert report.ok, report.errors
    assert {v.element: v.value for v in sub.values} == {k: e.value for k, e in good.items()}


def test_completeness(session: Session, framework: Framework, make_user) -> None:  # type: ignore[no-untyped-def]
    _, stat = make_user("statistician", "310000")
    service.open_submission(session, actor=stat, framework=framework, region="310000", period=2024)
    rows = {(c.region_code, c.period): c for c in service.completeness(session, framework, [2023, 2024],
                                                                        today=date(2025, 7, 1))}
    assert rows[("310000", 2023)].accepted and rows[("310000", 2024)].status == "draft"
    assert rows[("320000", 2024)].status is None
    assert rows[("320000", 2024)].due == date(2025, 6, 30) and rows[("320000", 2024)].late
    assert not rows[("310000", 2023)].late
    early = {(c.region_code, c.period): c for c in service.completeness(session, framework, [2024],
                                                                         today=date(2025, 3, 1))}
    assert not early[("320000", 2024)].late


def test_values_can_be_edited_repeatedly(session: Session, framework: Framework, make_user) -> None:  # type: ignore[no-untyped-def]
    _, stat = make_user("statistician", "310000")
    sub = service.open_submission(session, actor=stat, framework=framework, region="310000", period=2024)
    first = entries_2024(session, framework, "310000")
    service.set_values(session, actor=stat, submission=sub, entries=first)
    second = {k: Entry(e.value, "修订") for k, e in first.items() if k != "sci_papers"}  # optional element dropped
    service.set_values(session, actor=stat, submission=sub, entries=second)
    values = list(sub.values)
    assert second and {v.element for v in values} == set(second)
    assert all(v.reason == "修订" for v in values)


def test_plan_targets_measured_where_data_allow(session: Session, framework: Framework) -> None:
    from yrdhub.monitoring.targets import plan_targets

    targets = {t.code: t for t in plan_targets(session, actor=SYSTEM, framework=framework)}
    assert len(targets) == 6
    intensity = targets["rd_intensity_pct"]
    values = service.accepted_values(session, framework)
    provinces = ("310000", "320000", "330000", "340000")
    expected = (sum(values[(p, 2022)]["rd_expenditure"] for p in provinces)
                / sum(values[(p, 2022)]["gdp"] for p in provinces) * 100)
    assert dict(intensity.series)[2022] == pytest.approx(expected)
    assert intensity.latest is not None and intensity.latest[0] == 2023 and intensity.reached  # YRD > 3 % in 2023
    patents = targets["valid_invention_patents_per_10k_pop"]
    assert patents.latest is not None and patents.projected_year is not None
    for code in ("yrd_coauthored_intl_papers", "pct_applications", "cross_province_patent_transfers"):
        assert targets[code].series == [] and targets[code].no_data_reason
