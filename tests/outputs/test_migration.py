"""Migration 0018 on a database filled before it (SQLite and PostgreSQL): every report becomes accepted
(today's visibility kept), nothing hanging off a report is lost (its usage, its file), achievements get their
unique key (a duplicate keeps its row, with its id in the key), and indexed documents' grants are rewritten to
the read rules' tokens, so the readers of the new vocabulary find what the old tokens gave them. Then back down
and up again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from yrdhub.accounts.actor import Actor, Grant
from yrdhub.db import make_engine
from yrdhub.migrate import alembic_config, upgrade
from yrdhub.search import AccessGrant, SearchDocument, SearchQuery, index_many, reader_tokens, search

BEFORE = "0017"
CREATED = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
REPORT = sa.table("out_report", *(sa.column(c) for c in (
    "id", "number", "title", "type", "org_id", "province_code", "abstract", "full_text", "openness", "year",
    "created_by", "is_sample")), sa.column("authors", sa.JSON), sa.column("keywords", sa.JSON),
    sa.column("embargo_until", sa.Date), sa.column("created_at", sa.DateTime(timezone=True)))
ACHIEVEMENT = sa.table("out_achievement", *(sa.column(c) for c in (
    "id", "kind", "title", "identifier", "year", "transfer_status", "created_by", "is_sample")),
    sa.column("applicants", sa.JSON), sa.column("created_at", sa.DateTime(timezone=True)))


def office() -> Actor:
    return Actor(user_id=1, username="o", grants=(Grant("office_admin"),), via="session")


def admin(province: str, role: str = "jurisdiction_admin") -> Actor:
    return Actor(user_id=2, username="j", grants=(Grant(role, province),), via="session")


def titles(session: Session, tokens: frozenset[str] | set[str]) -> list[str]:
    return sorted(h.title for h in search(session, SearchQuery(text="迁移", limit=50), tokens).hits)


def test_the_upgrade_keeps_visibility_and_rewrites_the_grants(fresh_url: str) -> None:
    upgrade(fresh_url, revision=BEFORE)
    engine = make_engine(fresh_url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO organisation (id, name, name_en, type, address, province_code, created_at, "
                             "updated_at) VALUES (1, '迁移研究院', '', 'institute', '', '310000', :t, :t)"),
                     {"t": CREATED})
        conn.execute(sa.insert(REPORT), [dict(
            id=i, number=f"MG-2025-{i:04d}", title=f"迁移报告{i}", type="final", org_id=1, province_code="310000",
            abstract="摘要", full_text="全文", openness=openness, year=2025, created_by="old", is_sample=False,
            authors=[], keywords=[], embargo_until=None, created_at=CREATED)
            for i, openness in ((1, "public"), (2, "restricted"))])
        conn.execute(sa.text("INSERT INTO out_usage (report_id, reader, day, kind) VALUES (1, 'anon:x', :d, 'view')"),
                     {"d": CREATED.date()})
        conn.execute(sa.text("INSERT INTO out_report_file (report_id, filename, kind, media_type, encoding, size, "
                             "sha256, text_chars, content, uploaded_by, uploaded_at) VALUES (1, 'r.txt', 'txt', "
                             "'text/plain', 'utf-8', 2, :h, 2, :c, 'old', :t)"),
                     {"h": "0" * 64, "c": b"ab", "t": CREATED})
        conn.execute(sa.insert(ACHIEVEMENT), [dict(
            id=i, kind="patent", title=title, identifier=identifier, year=2025, transfer_status="none",
            created_by="old", is_sample=False, applicants=[], created_at=CREATED)
            for i, title, identifier in ((1, "迁移专利", "cn2025001 "), (2, "迁移专利（重复）", "CN2025001"),
                                         (3, "无编号成果", ""))])
    with Session(engine) as session:  # documents as the index wrote them before: the old tokens
        index_many(session, [
            SearchDocument("report", "a", "迁移办公室文件", grants=["office", "org:1"]),
            SearchDocument("report", "b", "迁移江苏文件", grants=["prov:320000"]),
            SearchDocument("report", "c", "迁移浙江文件", grants=[AccessGrant("prov:330000",
                                                                         CREATED - timedelta(days=1))]),
            SearchDocument("report", "d", "迁移公开文件", grants=["public"])])
        session.commit()
        assert titles(session, {"office"}) == ["迁移办公室文件"]

    upgrade(fresh_url)
    with Session(engine) as session:
        rows = session.execute(sa.text("SELECT id, status, accepted_at, row_version FROM out_report ORDER BY id")
                               ).all()
        assert [(r.id, r.status, r.row_version) for r in rows] == [(1, "accepted", 1), (2, "accepted", 1)]
        assert all(r.accepted_at is not None for r in rows)
        assert session.scalar(sa.text("SELECT count(*) FROM out_usage")) == 1  # nothing cascaded away
        assert session.scalar(sa.text("SELECT count(*) FROM out_report_file")) == 1
        keys = session.execute(sa.text("SELECT id, natural_key FROM out_achievement ORDER BY id")).all()
        assert [tuple(k) for k in keys] == [(1, "patent|id:CN2025001"), (2, "patent|id:CN2025001|#2"),
                                            (3, "patent|t:无编号成果|2025")]
        tokens = set(session.execute(sa.text("SELECT DISTINCT token FROM search_grant")).scalars())
        assert tokens == {"role:office_admin", "org:1", "role:jurisdiction_admin@320000",
                          "role:statistician@320000", "role:jurisdiction_admin@330000", "role:statistician@330000",
                          "public"}
        assert not session.scalar(sa.text("SELECT count(*) FROM search_term WHERE term IN ('a:office', "
                                          "'a:prov:320000', 't:prov:330000')"))
        assert "迁移办公室文件" in titles(session, reader_tokens(office()))
        assert titles(session, reader_tokens(admin("320000"))) == ["迁移公开文件", "迁移江苏文件"]
        assert titles(session, reader_tokens(admin("320000", "statistician"))) == ["迁移公开文件", "迁移江苏文件"]
        assert titles(session, reader_tokens(admin("330000"))) == ["迁移公开文件", "迁移浙江文件"]
        assert titles(session, reader_tokens(admin("310000"))) == ["迁移公开文件"]
        with pytest.raises(sa.exc.IntegrityError), session.begin_nested():  # the lifecycle's CHECK
            session.execute(sa.text("UPDATE out_report SET status = 'lost' WHERE id = 1"))

    command.downgrade(alembic_config(fresh_url), BEFORE)
    with Session(engine) as session:
        assert "office" in set(session.execute(sa.text("SELECT DISTINCT token FROM search_grant")).scalars())
        assert titles(session, {"office"}) == ["迁移办公室文件"]
        assert titles(session, {"prov:320000"}) == ["迁移江苏文件"]
        columns = {c["name"] for c in sa.inspect(session.connection()).get_columns("out_report")}
        assert "status" not in columns and "row_version" not in columns
    upgrade(fresh_url)  # and up again
    with Session(engine) as session:
        assert titles(session, reader_tokens(office())) == ["迁移公开文件", "迁移办公室文件"]
    engine.dispose()
