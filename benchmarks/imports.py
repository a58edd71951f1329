"""Benchmark: bulk import of the real National Key R&D projects (2018–2020) and of report file extraction.

    .venv/bin/python benchmarks/imports.py                        # fresh SQLite in a temporary directory
    .venv/bin/python benchmarks/imports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/yrd_imports_bench

Reads `../shared/data/projects/national_key_rd_projects_2018_2020.csv` in place, keeps the later announcement of
each project number (2,149 rows), registers the lead organisations, then times `import_projects` (the one import
engine: every row through the schema, the policy, `records.record_project` in its own savepoint; the file's audit
events and search documents written once at its end), a second run (all unchanged) and a dry run; then the text
extraction of a generated 20-page Chinese PDF. Each import is timed up to and including its commit, with the load
average (os.getloadavg) before and after, since the machine is shared. The last line reads
`created_rows_per_s=… unchanged_rows_per_s=… pdf_pages_per_s=…`. The database must be empty (a new one).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
MAPPING = {"NO": "code", "title": "title", "institution": "lead_org_id", "funds": "budget", "type": "discipline",
           "year": "start_on"}
SHARED = next((p for p in (HERE.parents[2] / "shared", HERE.parents[3] / "shared") if p.is_dir()),
              HERE.parents[2] / "shared")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--csv", default=str(SHARED / "data" / "projects" / "national_key_rd_projects_2018_2020.csv"))
    args = parser.parse_args()
    os.environ.setdefault("YRDHUB_PASSWORD_HASH", "test-only-cheap")
    from yrdhub import imports as import_engine
    from yrdhub.accounts.actor import SYSTEM
    from yrdhub.db import make_engine, session_factory, transaction
    from yrdhub.migrate import upgrade
    from yrdhub.outputs.extract import extract
    from yrdhub.programmes.imports import import_programmes, import_projects
    from yrdhub.regions.imports import OrgImporter
    from yrdhub.regions.loader import load_bundled

    tmp = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    rows = list(csv.DictReader(io.StringIO(Path(args.csv).read_text(encoding="utf-8-sig"))))
    latest = {r["NO"]: r for r in rows}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(latest.values())
    data = out.getvalue().encode("utf-8")
    names = sorted({r["institution"].strip() for r in latest.values()})
    orgs_csv = "名称,类型\n" + "".join(f"{n},{'高校' if '大学' in n else '科研院所'}\n" for n in names)
    with transaction(session_factory(engine)) as session:
        load_bundled(session, actor=SYSTEM)
        assert import_engine.run(session, OrgImporter, actor=SYSTEM, data=orgs_csv.encode(),
                                 filename="o.csv").ok
        assert import_programmes(session, actor=SYSTEM, filename="p.csv",
                                 data="计划编号,计划名称,主管方\nNKRD,国家重点研发计划,上海;江苏;浙江;安徽\n".encode()).ok
    options = dict(mapping=MAPPING, ignore_unknown=True, programme="NKRD")
    figures = {}
    for label, dry in (("created", False), ("unchanged", False), ("dry_run", True)):
        load_before = os.getloadavg()
        start = time.perf_counter()
        with transaction(session_factory(engine)) as session:
            report = import_projects(session, actor=SYSTEM, data=data, filename="nkrd.csv", dry_run=dry, **options)
            before_commit = time.perf_counter() - start
        seconds = time.perf_counter() - start  # with the commit
        assert report.ok, report.errors[:3]
        figures[label] = report.rows / seconds
        load = "/".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"{label}: {report.rows} rows in {seconds:.1f} s ({before_commit:.1f} s before the commit) — created "
              f"{report.created}, unchanged {report.unchanged} ({report.rows / seconds:.0f} rows/s); load average "
              f"{'/'.join(f'{x:.2f}' for x in load_before)} before, {load} after")
    engine.dispose()

    from weasyprint import HTML

    text = "长三角科技创新共同体建设发展规划。" * 120
    pdf = HTML(string="".join(f"<p style='page-break-after: always'>{text}</p>" for _ in range(20))).write_pdf()
    start = time.perf_counter()
    result = extract(bytes(pdf))
    seconds = time.perf_counter() - start
    print(f"pdf: {result.pages} pages, {len(result.text):,} characters in {seconds:.2f} s")
    print(f"created_rows_per_s={figures['created']:.0f} unchanged_rows_per_s={figures['unchanged']:.0f} "
          f"pdf_pages_per_s={(result.pages or 0) / seconds:.1f}")


if __name__ == "__main__":
    main()
