"""Migration 20261201_0010 converts documents indexed before it: their kind, grants and facet rows become
search_key codes, and searching, filtering and facet counts work on them as on new documents."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from yrdhub.db import make_engine, session_factory
from yrdhub.migrate import alembic_config, upgrade
from yrdhub.search import SearchDocument, SearchQuery, index, search, suggest


def test_documents_indexed_before_the_migration_are_converted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, revision="20261201_0011")
    engine = make_engine(url)
    with engine.begin() as conn:  # two documents as the earlier index wrote them
        for doc_id, title, grant, facet in ((1, "海洋 观测", "public", "310000"), (2, "海洋 牧场", "org:5", "320000")):
            conn.execute(text(
                "INSERT INTO search_document (id, kind, ref, title, title_key, body, title_tokens, body_tokens, "
                "extra_tokens, meta_tokens, facets, indexed_at) VALUES (:id, 'report', :ref, :title, :title, '', "
                ":title, '', '', '', :facets, '2026-11-30 00:00:00')"),
                {"id": doc_id, "ref": str(doc_id), "title": title, "facets": f'{{"jurisdiction": ["{facet}"]}}'})
            conn.execute(text("INSERT INTO search_fts (rowid, title_tokens, body_tokens, extra_tokens, meta_tokens) "
                              "VALUES (:id, :title, '', '', '')"), {"id": doc_id, "title": title})
            conn.execute(text("INSERT INTO search_grant (doc_id, token) VALUES (:id, :token)"),
                         {"id": doc_id, "token": grant})
            conn.execute(text("INSERT INTO search_facet (doc_id, name, value) VALUES (:id, 'jurisdiction', :v)"),
                         {"id": doc_id, "v": facet})
    upgrade(url)
    with session_factory(engine)() as session:
        public = search(session, SearchQuery(text="海洋", facets=("jurisdiction", "kind")), {"public"})
        assert [h.ref for h in public.hits] == ["1"] and public.total == 1
        assert public.facets == {"jurisdiction": [("310000", 1)], "kind": [("report", 1)]}
        member = search(session, SearchQuery(text="海洋", filters={"jurisdiction": ["320000"]}), {"public", "org:5"})
        assert [h.ref for h in member.hits] == ["2"]
    command.downgrade(alembic_config(url), "20261201_0011")  # and back: facet rows from the codes
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT doc_id, name, value FROM search_facet ORDER BY doc_id")).all()
    assert [tuple(r) for r in rows] == [(1, "jurisdiction", "310000"), (2, "jurisdiction", "320000")]
    engine.dispose()


def test_suggestion_keys_are_shortened_and_the_fts_buffer_enlarged(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    upgrade(url, revision="20261201_0010")
    title = "长三角科技创新共同体建设发展规划实施方案"
    engine = make_engine(url)
    with session_factory(engine)() as session:  # indexed by the code of that time: a 100-character key
        index(session, SearchDocument("report", "1", title, grants=["public"]))
        session.execute(text("UPDATE search_document SET title_key = title"))
        session.commit()
    upgrade(url)
    with session_factory(engine)() as session:
        assert session.scalar(text("SELECT title_key FROM search_document")) == title[:16]
        assert session.scalar(text("SELECT v FROM search_fts_config WHERE k = 'hashsize'")) == 32 * 1024 * 1024
        assert suggest(session, title[:18], {"public"}) == [title]
    command.downgrade(alembic_config(url), "20261201_0010")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT title_key FROM search_document")) == title
    engine.dispose()


def test_migration_20261201_0012_round_trip_on_the_test_database(database_url: str, engine: Engine) -> None:
    """On PostgreSQL, documents indexed before it gain their word pairs (phrase look-ups need them); on SQLite, FTS5's
    buffer size is set. Downgrading takes both back."""
    factory = session_factory(engine)
    with factory() as session:
        index(session, SearchDocument("report", "pairs-1", "钙钛矿电池稳定性", "高效钙钛矿叠层电池", grants=["public"]))
        session.commit()
    postgres = engine.dialect.name == "postgresql"
    config = alembic_config(database_url)
    try:
        command.downgrade(config, "20261201_0010")
        with factory() as session:
            if postgres:
                stored = session.scalar(text("SELECT meta_tokens FROM search_document WHERE ref = 'pairs-1'"))
                assert "yrdmetax" not in stored  # (this code searches the later schema only: no search here)
            else:
                assert session.scalar(text("SELECT v FROM search_fts_config WHERE k = 'hashsize'")) == 1024 * 1024
        command.upgrade(config, "head")
        with factory() as session:
            if postgres:
                stored = session.scalar(text("SELECT meta_tokens FROM search_document WHERE ref = 'pairs-1'"))
                assert stored.count("yrdmetax") == 2 + 3  # title 钙钛矿|电池|稳定性, body 高效|钙钛矿|叠层|电池
            else:
                assert session.scalar(text("SELECT v FROM search_fts_config WHERE k = 'hashsize'")) == 32 << 20
            hits = search(session, SearchQuery(text='"叠层电池" "电池稳定性"'), {"public"}).hits
            assert [hit.ref for hit in hits] == ["pairs-1"]
            session.execute(text("DELETE FROM search_document WHERE ref = 'pairs-1'"))
            session.commit()
    finally:
        command.upgrade(config, "head")


def test_migration_20261202_0013_phrase_rows_round_trip_on_the_test_database(database_url: str, engine: Engine) -> None:
    """On PostgreSQL, documents indexed before it get their phrase row (title and body words with positions), and
    the trigger keeps the rows in step when documents are re-indexed or removed; on SQLite the table stays empty."""
    factory = session_factory(engine)
    postgres = engine.dialect.name == "postgresql"
    config = alembic_config(database_url)

    def phrase_rows(session: Session) -> list[str]:
        return [str(w) for w in session.scalars(text(
            "SELECT p.words FROM search_phrase p JOIN search_document d ON d.id = p.doc_id WHERE d.ref = 'phrase-1'"))]

    try:
        command.downgrade(config, "20261201_0012")
        with factory() as session:
            index(session, SearchDocument("report", "phrase-1", "海上风电运维机器人", "深远海风电场智能运维",
                                          grants=["public"]))
            session.commit()
        command.upgrade(config, "head")
        with factory() as session:
            rows = phrase_rows(session)
            if postgres:
                assert len(rows) == 1 and "'机器人':4A" in rows[0] and "yrdmeta" not in rows[0]
            else:
                assert rows == []
            assert [h.ref for h in search(session, SearchQuery(text='"海上风电运维"'), {"public"}).hits] == ["phrase-1"]
            assert search(session, SearchQuery(text='"风电运维智能"'), {"public"}).total == 0  # not consecutive
            index(session, SearchDocument("report", "phrase-1", "陆上光伏", "沙漠光伏电站运维", grants=["public"]))
            session.commit()
            assert search(session, SearchQuery(text='"海上风电运维"'), {"public"}).total == 0
            assert [h.ref for h in search(session, SearchQuery(text='"沙漠光伏电站"'), {"public"}).hits] == ["phrase-1"]
            if postgres:
                assert len(phrase_rows(session)) == 1 and "'光伏'" in phrase_rows(session)[0]
            session.execute(text("DELETE FROM search_document WHERE ref = 'phrase-1'"))
            session.commit()
            assert session.scalar(text("SELECT count(*) FROM search_phrase WHERE doc_id NOT IN "
                                       "(SELECT id FROM search_document)")) == 0  # gone with its document
    finally:
        command.upgrade(config, "head")


def test_migration_20261202_0015_triples_round_trip_on_the_test_database(database_url: str, engine: Engine) -> None:
    """On PostgreSQL, documents indexed before it gain the triples of their words, and their vector is then what
    the trigger computes for a document indexed after it; three-word phrases are found by them alone."""
    factory = session_factory(engine)
    postgres = engine.dialect.name == "postgresql"
    config = alembic_config(database_url)
    title, body = "海上风电运维机器人", "深远海风电场智能运维平台"  # body: 深远|海风|电场|智能|运维|平台

    def stored(session: Session, ref: str) -> tuple[str, str]:
        row = session.execute(text("SELECT d.meta_tokens, coalesce(CAST(m.tsv AS TEXT), '') FROM search_document d "
                                   "LEFT JOIN search_match m ON m.id = d.id WHERE d.ref = :ref"), {"ref": ref}).one()
        return row[0], row[1]

    try:
        with factory() as session:
            index(session, SearchDocument("report", "triple-1", title, body, grants=["public"]))
            session.commit()
        command.downgrade(config, "20261202_0014")
        with factory() as session:
            assert "yrdmetay" not in stored(session, "triple-1")[0]  # (no search at the older schema)
        command.upgrade(config, "head")
        with factory() as session:
            migrated = stored(session, "triple-1")
            index(session, SearchDocument("report", "triple-2", title, body, grants=["public"]))
            session.commit()
            if postgres:  # title 海上|风电|运维|机器人: 2 triples; body: 4
                assert migrated[0].count("yrdmetay") == 2 + 4
                assert migrated == stored(session, "triple-2")
            hits = search(session, SearchQuery(text='"风电运维机器人" "智能运维平台"'), {"public"}).hits
            assert sorted(hit.ref for hit in hits) == ["triple-1", "triple-2"]
            assert search(session, SearchQuery(text='"海上风电机器人"'), {"public"}).total == 0  # not consecutive
            session.execute(text("DELETE FROM search_document WHERE ref LIKE 'triple-%'"))
            session.commit()
    finally:
        command.upgrade(config, "head")
