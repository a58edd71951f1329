"""Values counted from records (yrdhub analytics) taken into monitoring: strict reading, provenance, drill-down,
idempotence, supersession and the office-only rule; end to end from the real WoS samples."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.accounts.actor import ANONYMOUS, SYSTEM
from yrdhub.accounts.models import AuditEvent
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import DomainError
from yrdhub.monitoring import measurements, service
from yrdhub.monitoring.models import Framework, Measurement, MeasurementBatch
from yrdhub.monitoring.targets import plan_targets

SOURCE = "Web of Science 核心合集，检索式 AD=(Shanghai OR Jiangsu)，2026-11-30 导出（测试样本）"
VALUES = ("indicator,year,value,n_links\nyrd_coauthored_intl_papers,2024,2,\n"
          "cross_province_link_share_paper,2024,0.5,4\n")
RECORDS = ("indicator,year,work_id,record_id,source,file,line\n"
           "yrd_coauthored_intl_papers,2024,doi:10.1/a,r1,wos,/home/analyst/secret/wos_part1.txt,12\n"
           "yrd_coauthored_intl_papers,2024,doi:10.1/b,r2,wos,C:\\Users\\me\\wos_part2.txt,40\n"
           "yrd_coauthored_intl_papers,2024,doi:10.1/b,r2,wos,C:\\Users\\me\\wos_part2.txt,40\n")


@pytest.fixture
def framework(session: Session) -> Framework:
    fw = service.get_framework(session, "yrd-monitoring", 1)
    assert fw is not None
    return fw


def _read(session: Session, values: str | bytes = VALUES, records: str | None = RECORDS,
          name: str = "indicators_province.csv") -> measurements.Reading:
    data = values.encode() if isinstance(values, str) else values
    return measurements.parse(session, actor=SYSTEM, values=(name, data),
                              records=("indicator_records_province.csv", records.encode()) if records is not None
                              else None)


def _parse(session: Session, values: str = VALUES, records: str | None = RECORDS) -> list[measurements.MeasuredValue]:
    reading = _read(session, values, records)
    assert reading.ok, reading.problems
    return reading.values


def _target(session: Session, framework: Framework, code: str):  # type: ignore[no-untyped-def]
    return next(t for t in plan_targets(session, actor=ANONYMOUS, framework=framework) if t.code == code)


def test_a_batch_fills_the_target_and_keeps_its_records(session: Session, framework: Framework) -> None:
    before = _target(session, framework, "yrd_coauthored_intl_papers")
    assert before.latest is None and before.no_data_reason
    outcome = measurements.record(session, actor=SYSTEM, values=_parse(session), source=SOURCE)
    assert outcome.created and outcome.batch is not None
    target = _target(session, framework, "yrd_coauthored_intl_papers")
    assert target.series == [(2024, 2.0)] and target.no_data_reason is None
    assert target.measured_from == SOURCE
    row = session.get(Measurement, target.measured[2024])
    assert row is not None and row.n_records == 2
    records = measurements.records_of(session, actor=ANONYMOUS, measurement=row).items
    # the duplicate line adds nothing; only file names are kept, never the analyst's paths
    assert [(r.work_id, r.file, r.line) for r in records] == [("doi:10.1/a", "wos_part1.txt", 12),
                                                               ("doi:10.1/b", "wos_part2.txt", 40)]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "monitoring.measure")
                            .order_by(AuditEvent.seq.desc())).first()
    assert event is not None and event.object_id == str(outcome.batch.id)


def test_the_same_tables_twice_change_nothing(session: Session) -> None:
    first = measurements.record(session, actor=SYSTEM, values=_parse(session), source=SOURCE)
    count = session.query(MeasurementBatch).count()
    again = measurements.record(session, actor=SYSTEM, values=_parse(session), source=SOURCE + "（再次）")
    assert not again.created and again.batch is not None and first.batch is not None
    assert again.batch.id == first.batch.id and session.query(MeasurementBatch).count() == count


def test_a_later_batch_supersedes_and_history_stays(session: Session, framework: Framework) -> None:
    measurements.record(session, actor=SYSTEM, values=_parse(session), source=SOURCE)
    newer = VALUES.replace("yrd_coauthored_intl_papers,2024,2,", "yrd_coauthored_intl_papers,2024,3,")
    records = RECORDS + "yrd_coauthored_intl_papers,2024,doi:10.1/c,r3,scopus,scopus.csv,7\n"
    measurements.record(session, actor=SYSTEM, values=_parse(session, newer, records), source="更完整的导出")
    assert _target(session, framework, "yrd_coauthored_intl_papers").series == [(2024, 3.0)]
    kept = session.scalars(select(Measurement.value).where(Measurement.indicator == "yrd_coauthored_intl_papers",
                                                           Measurement.year == 2024)).all()
    assert sorted(kept) == [Decimal(2), Decimal(3)]


def test_only_the_office_records(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    _, admin = make_user("jurisdiction_admin", "320000")
    with pytest.raises(PermissionDenied):
        measurements.record(session, actor=admin, values=_parse(session), source=SOURCE)
    with pytest.raises(PermissionDenied):  # a dry run is authorised too
        measurements.record(session, actor=admin, values=_parse(session), source=SOURCE, dry_run=True)


def test_a_source_is_required(session: Session) -> None:
    with pytest.raises(DomainError) as caught:
        measurements.record(session, actor=SYSTEM, values=_parse(session), source=" ")
    assert caught.value.code == "measurement.source" and caught.value.field == "source"


def test_every_bad_row_is_reported_with_its_line_column_and_code(session: Session) -> None:
    bad = ("indicator,year,value,n_links\n"
           "yrd_coauthored_intl_papers,20x4,1,\n"     # line 2: year
           "Bad-Code,2024,1,\n"                         # line 3: code
           "yrd_coauthored_intl_papers,2024,-1,\n"     # line 4: negative
           "yrd_coauthored_intl_papers,2023,1,\n"
           "yrd_coauthored_intl_papers,2023,1,\n"      # line 6: duplicate
           "yrd_coauthored_intl_papers,2022,1,x\n")    # line 7: n_links
    reading = _read(session, bad, None)
    assert [(p.error.line, p.error.column, p.error.code) for p in reading.problems] == [
        (2, "year", "cell.number"), (3, "indicator", "measurement.indicator"), (4, "value", "cell.range"),
        (6, None, "import.duplicate_row"), (7, "n_links", "cell.number")]
    assert {p.file for p in reading.problems} == {"indicators_province.csv"} and reading.values == []


def test_records_that_do_not_match_their_values_are_refused(session: Session) -> None:
    reading = _read(session, VALUES.replace(",2024,2,", ",2024,5,"))
    problem = reading.problems[0]
    assert (problem.file, problem.error.line, problem.error.code) == ("indicators_province.csv", 2,
                                                                      "measurement.count_mismatch")
    assert problem.error.params["value"] == Decimal(5) and problem.error.params["works"] == 2
    orphan = RECORDS + "yrd_coauthored_intl_papers,2019,doi:10.1/z,r9,wos,x.txt,1\n"
    reading = _read(session, VALUES, orphan)
    assert [(p.file, p.error.line, p.error.code) for p in reading.problems] == [
        ("indicator_records_province.csv", 5, "measurement.record_orphan")]


@pytest.mark.parametrize("content, code", [(b"", "table.empty"), (b"a,b\n1,2\n", "import.missing_columns"),
                                           (b"indicator,year,value\n", "measurement.no_values")])
def test_empty_and_wrong_files(session: Session, content: bytes, code: str) -> None:
    reading = _read(session, content, None, name="indicators_city.csv")
    assert [(p.error.line, p.error.code) for p in reading.problems] == [(0, code)]


def test_gbk_csv_and_parquet_are_read(session: Session, tmp_path: Path) -> None:
    gbk = _read(session, VALUES.encode("gbk"), None, name="indicators.csv")
    frame = pd.read_csv(pd.io.common.StringIO(VALUES))
    frame.to_parquet(tmp_path / "indicators_city.parquet", index=False)
    parquet = _read(session, (tmp_path / "indicators_city.parquet").read_bytes(), None,
                    name="indicators_city.parquet")
    assert gbk.ok and parquet.ok and gbk.values
    assert [(v.indicator, v.year, v.value) for v in gbk.values] == [(v.indicator, v.year, v.value)
                                                                    for v in parquet.values]
    broken = _read(session, b"PAR1 not really parquet", None, name="x.parquet")
    assert [p.error.code for p in broken.problems] == ["measurement.parquet"]


def test_from_the_real_wos_samples_end_to_end(session: Session, framework: Framework, reference_dir: Path,
                                              tmp_path: Path) -> None:
    """Ingest the real Web of Science exports, compute with yrdhub analytics, import: the dashboard value is
    exactly the analytics count and every work behind it can be listed."""
    from yrdhub.analytics.ingest import ingest
    from yrdhub.analytics.run import collaboration, write_results
    from yrdhub.analytics.workspace import Workspace

    files = sorted((reference_dir / "collab" / "wos").glob("*.txt"))
    assert files, "the WoS samples are missing"
    workspace = Workspace.open(tmp_path / "ws")
    ingest(files, workspace)
    results = collaboration(workspace, level="province")
    write_results(results, tmp_path / "out", "csv")
    expected = results["indicators"]
    expected = expected[expected.indicator == "yrd_coauthored_intl_papers"]
    assert len(expected) > 0, "the samples hold YRD co-authored international papers"

    values_file, records_file = measurements.read_directory(tmp_path / "out")
    reading = measurements.parse(session, actor=SYSTEM, values=values_file, records=records_file)
    assert reading.ok, reading.problems[:5]
    measurements.record(session, actor=SYSTEM, values=reading.values, source=SOURCE)
    target = _target(session, framework, "yrd_coauthored_intl_papers")
    assert target.series == [(int(r.year), float(r.value)) for r in expected.sort_values("year").itertuples()]
    for year, value in target.series:
        row = session.get(Measurement, target.measured[year])
        assert row is not None
        records = list(measurements.all_records(session, actor=ANONYMOUS, measurement=row))
        assert len({r.work_id for r in records}) == value
        assert records and all(r.file.startswith("wos_") for r in records)


def test_api_import_page_and_drill_down(client: TestClient, session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("office_admin", username="office1")
    make_user("jurisdiction_admin", "310000", username="sh_admin")
    files = {"values": ("indicators_province.csv", VALUES.encode(), "text/csv"),
             "records": ("indicator_records_province.csv", RECORDS.encode(), "text/csv")}
    token = login(client, "sh_admin")
    refused = client.post("/api/v1/monitoring/measurements", data={"source": SOURCE}, files=files,
                          headers={"X-CSRF-Token": token})
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": token})
    token = login(client, "office1")
    bad = client.post("/api/v1/monitoring/measurements", data={"source": SOURCE}, headers={"X-CSRF-Token": token},
                      files={"values": ("indicators.csv", b"indicator,year,value\nx!,2024,2\n", "text/csv")})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "measurement.rejected"
    row = bad.json()["error"]["rows"][0]
    assert (row["file"], row["line"], row["column"], row["code"]) == ("indicators.csv", 2, "indicator",
                                                                      "measurement.indicator")
    dry = client.post("/api/v1/monitoring/measurements?dry_run=true", data={"source": SOURCE}, files=files,
                      headers={"X-CSRF-Token": token})
    assert dry.status_code == 200 and dry.json()["batch_id"] is None
    assert session.query(MeasurementBatch).count() == 0
    done = client.post("/api/v1/monitoring/measurements", data={"source": SOURCE}, files=files,
                       headers={"X-CSRF-Token": token})
    assert done.status_code == 200 and done.json()["created"] is True and done.json()["records"] == 2
    listed = client.get("/api/v1/monitoring/measurements").json()
    paper = next(r for r in listed if r["indicator"] == "yrd_coauthored_intl_papers")
    dashboard = client.get("/monitoring").text
    assert f'href="/monitoring/measurements/{paper["id"]}"' in dashboard
    page = client.get(f"/monitoring/measurements/{paper['id']}").text
    assert "doi:10.1/a" in page and "wos_part1.txt" in page and "secret" not in page
    csv_text = client.get(f"/api/v1/monitoring/measurements/{paper['id']}/records?format=csv").text
    assert csv_text.count("doi:10.1/") == 2
    assert client.get("/monitoring/measurements/999999").status_code == 404
