"""The resources pages, driven like a user (the login form, the real forms): every page answers in both languages
and speaks one of them; the booking form books and shows a refusal from its code next to its field; the calendar
tells when an instrument is taken, never by whom; the provider console records use, no-shows, training and
outages and sums the month; the catalogue's facets count and its pages follow the cursor."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpers import csrf_from, login
from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.models import User
from yrdhub.errors import render as message
from yrdhub.i18n import BEIJING
from yrdhub.resources import bookings, facilities, instruments, usage
from yrdhub.resources.models import Booking, Outage, Training, Usage
from yrdhub.resources.schemas import BookingCreate, UsageCreate
from yrdhub.web.pages.resources import common

from .conftest import World, instrument_data

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
# ASCII words a Chinese page may hold: formats, the brand, the language switch's "English", codes of records.
ZH_ALLOWED = {"csv", "xlsx", "yrdhub", "english", "api", "mit", "cstr", "geojson", "cnmaps", "data"}
PURPOSE = "PURPOSEMARKERQZ 测试用途"


def visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r'(?s)<!--.*?-->|<code\b.*?</code>|<a id="lang-switch".*?</a>', " ", page)
    titles = " ".join(re.findall(r'(?:title|aria-label|placeholder)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + titles)


def day_at(days: int, hour: int) -> datetime:
    """A moment `days` from today at `hour` o'clock, Beijing time (bookings start in the future)."""
    today = datetime.now(BEIJING).date() + timedelta(days=days)
    return datetime(today.year, today.month, today.day, hour, tzinfo=BEIJING)


def local(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M")


def username(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    assert user is not None
    return user.username


def book(session: Session, world: World, start: datetime, hours: int = 2, **changes: Any) -> Booking:
    values: dict[str, Any] = {"instrument_id": world.instrument.id, "org_id": world.zhejiang.id,
                              "starts_at": start, "ends_at": start + timedelta(hours=hours), "purpose": PURPOSE}
    values.update(changes)
    return bookings.book(session, actor=world.booker, data=BookingCreate(**values))


def booking_form(client: TestClient, world: World, start: datetime, hours: int = 2, shown: bool = True,
                 **changes: str) -> Any:
    """The booking form posted as the browser would (`shown`: the page offers it to this reader)."""
    page = client.get(f"/resources/instruments/{world.instrument.id}")
    assert page.status_code == 200 and ('id="booking-form"' in page.text) == shown
    data = {"csrf_token": csrf_from(page.text), "org_id": str(world.zhejiang.id), "starts_at": local(start),
            "ends_at": local(start + timedelta(hours=hours)), "service_type": "self_operated", "purpose": "测试"}
    data.update(changes)
    return client.post(f"/resources/instruments/{world.instrument.id}/bookings", data=data, follow_redirects=False)


# --- every page, both languages -------------------------------------------------------------------------------

@pytest.fixture
def full(session: Session, world: World) -> dict[str, str]:
    """The registry loaded, a booking used and charged, one waiting and one confirmed: every page has content."""
    facilities.load(session, actor=SYSTEM)
    used = book(session, world, day_at(2, 9))
    usage.record_use(session, actor=world.manager, booking=used,
                     data=UsageCreate(started_at=used.starts_at, ended_at=used.ends_at))
    book(session, world, day_at(3, 9))
    book(session, world, day_at(3, 10), wait=True)
    month = usage.month_of(used.starts_at)
    return {"registry": "/resources", "facility": "/resources/facilities/hefei-advanced-computing-centre",
            "sourced": "/resources/facilities/craft-fusion", "catalogue": "/resources/instruments",
            "filtered": f"/resources/instruments?category=分析仪器&band=200w-500w&status=in_service"
                        f"&org={world.host.id}",
            "instrument": f"/resources/instruments/{world.instrument.id}?week={day_at(3, 9).date().isoformat()}",
            "bookings": "/resources/bookings", "console": f"/resources/console?status=&month={month}"}


def records(session: Session) -> str:
    """The records' own text a page may show in either language: names of organisations, a facility's hosts,
    the plan's wording, its sources, an instrument's category, lab and maker's country, a booking's purpose."""
    parts = [PURPOSE, "电感耦合等离子体质谱仪", "分析仪器", "分析测试中心", "美国", "NexION", "PerkinElmer",
             "SH-ICP-0001", "ICP mass spectrometer", "上海资源共享测试研究所", "嘉兴共享测试科技有限公司"]
    for row in facilities.bundled():
        parts += [row["name"], row["name_en"], row["plan_wording"], *row["hosts"], *row["co_builders"]]
        parts += [s[k] for s in row["sources"] for k in ("url", "title", "supports")]
    parts += list(session.execute(select(User.username)).scalars())
    return " ".join(parts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_answers_in_one_language(client: TestClient, session: Session, world: World,
                                            full: dict[str, str], lang: str) -> None:
    login(client, username(session, world.ids["manager"]))
    allowed_cjk = set(CJK.findall(records(session)))
    allowed_words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", records(session))} | ZH_ALLOWED
    found = {}
    for name, url in full.items():
        response = client.get(url, params={"lang": lang})
        assert response.status_code == 200, (name, response.status_code)
        text = visible_text(response.text)
        if lang == "en":
            leaks = sorted(set(CJK.findall(text)) - allowed_cjk)
        else:
            leaks = sorted({w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)} - allowed_words)
        if leaks:
            found[name] = leaks
    assert not found
    english = {name: visible_text(client.get(url, params={"lang": "en"}).text) for name, url in full.items()}
    assert "Comprehensive Research Facility for Fusion Technology (CRAFT)" in english["sourced"]
    assert "Under construction" in english["sourced"] and "not sourced" in english["facility"]
    assert "Cross-province price" in english["instrument"] and "In service" in english["catalogue"]
    assert "Record the use" in english["console"] or "Used" in english["console"]
    chinese = {name: visible_text(client.get(url, params={"lang": "zh"}).text) for name, url in full.items()}
    assert "在建" in chinese["sourced"] and "重大科技基础设施" in chinese["registry"]
    assert "跨省价" in chinese["instrument"] and "按小时" in chinese["instrument"]


def test_an_unsourced_fact_is_said_so_never_guessed(client: TestClient, session: Session) -> None:
    facilities.load(session, actor=SYSTEM)
    page = visible_text(client.get("/resources/facilities/hefei-advanced-computing-centre").text)
    assert page.count("未查证") >= 3  # its city, its stage, its hosts
    registry = client.get("/resources").text
    data = re.search(r'<script type="application/json" id="facility-data">(.*?)</script>', registry, re.S)
    assert data is not None
    import json

    points = json.loads(html.unescape(data.group(1)))["points"]
    keys = {p["key"] for p in points}
    assert "craft-fusion" in keys and "hefei-advanced-computing-centre" not in keys  # not placed where unsourced
    hefei = next(p for p in points if p["key"] == "craft-fusion")
    assert hefei["value"] == [pytest.approx(117.2272, abs=0.1), pytest.approx(31.8206, abs=0.1)]
    kinds = client.get("/resources", params={"kind": "national_science_centre"}).text
    assert "zhangjiang-national-science-centre" in kinds and "craft-fusion" not in kinds
    stage = client.get("/resources", params={"status": "planned"}).text
    assert "planned-crop-phenomics" in stage and "craft-fusion" not in stage
    assert client.get("/resources/facilities/no-such-facility").status_code == 404


# --- the booking form -----------------------------------------------------------------------------------------

def test_the_booking_form_books_and_shows_a_refusal_by_its_field(client: TestClient, session: Session,
                                                                  world: World) -> None:
    login(client, username(session, world.ids["booker"]))
    start = day_at(4, 9)
    booked = booking_form(client, world, start)
    assert booked.status_code == 303 and booked.headers["location"].startswith("/resources/bookings?done=confirmed")
    row = session.execute(select(Booking).where(Booking.instrument_id == world.instrument.id)).scalar_one()
    assert (row.starts_at, row.status, row.price_group) == (start, "confirmed", "cross_jurisdiction")
    mine = client.get(booked.headers["location"]).text
    assert f'id="booking-{row.id}"' in mine and "已确认" in mine and "跨省价" in mine

    client.post("/logout", data={"csrf_token": csrf_from(mine)})
    login(client, username(session, world.ids["local"]))
    overlap = booking_form(client, world, start + timedelta(hours=1), org_id=str(world.shanghai.id))
    assert overlap.status_code == 409
    shown = re.search(r'<span class="field-error" data-code="booking.overlap" role="alert">([^<]+)</span>',
                      overlap.text)
    assert shown is not None and shown.group(1) == message("booking.overlap", {}, "zh")
    assert overlap.text.index('id="b-start"') < shown.start() < overlap.text.index('id="b-end"')  # by its field
    assert len(session.execute(select(Booking.id)).all()) == 1  # nothing written
    backwards = booking_form(client, world, start + timedelta(days=1), hours=-1, org_id=str(world.shanghai.id))
    assert backwards.status_code == 422 and 'data-code="booking.order"' in backwards.text
    english = client.post(f"/resources/instruments/{world.instrument.id}/bookings?lang=en", data={
        "csrf_token": csrf_from(backwards.text), "org_id": str(world.shanghai.id), "starts_at": "",
        "ends_at": local(start)})
    assert english.status_code == 422 and message("validation.required", {}, "en") in english.text
    waiting = booking_form(client, world, start, org_id=str(world.shanghai.id), wait="1")
    assert waiting.status_code == 303 and "done=waiting" in waiting.headers["location"]
    assert session.execute(select(Booking.status).where(Booking.user_id == world.ids["local"])).scalar_one() \
        == "waiting"


def test_the_public_is_sent_to_sign_in_and_a_stranger_cannot_book_for_others(client: TestClient, session: Session,
                                                                             world: World) -> None:
    page = client.get(f"/resources/instruments/{world.instrument.id}").text
    assert 'id="booking-form"' not in page and 'id="login-to-book"' in page
    sent = client.post(f"/resources/instruments/{world.instrument.id}/bookings", follow_redirects=False, data={
        "csrf_token": csrf_from(client.get("/login").text), "org_id": str(world.zhejiang.id),
        "starts_at": local(day_at(4, 9)), "ends_at": local(day_at(4, 11))})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/login")
    login(client, username(session, world.ids["outsider"]))
    assert 'id="no-org"' in client.get(f"/resources/instruments/{world.instrument.id}").text
    refused = booking_form(client, world, day_at(4, 9), shown=False)
    assert refused.status_code == 403
    assert session.execute(select(Booking.id)).first() is None


def test_a_stranger_sees_when_an_instrument_is_taken_not_by_whom(client: TestClient, session: Session,
                                                                 world: World) -> None:
    start = day_at(5, 14)
    held = book(session, world, start, hours=3)
    week = f"/resources/instruments/{world.instrument.id}?week={start.date().isoformat()}"
    booker_name = username(session, world.ids["booker"])
    for who in (None, world.ids["outsider"], world.ids["local"]):
        if who is not None:
            login(client, username(session, who))
        page = client.get(week).text
        assert 'class="slot booked"' in page and "14:00–17:00" in page  # when
        for secret in (booker_name, PURPOSE, world.zhejiang.name):  # never who, for whom, why
            assert secret not in page, (who, secret)
        assert client.get("/resources/bookings").text.count(f'id="booking-{held.id}"') == 0
    assert client.get("/resources/console").status_code == 403  # a member of no host organisation
    login(client, username(session, world.ids["manager"]))
    console = client.get(f"/resources/console?instrument={world.instrument.id}").text
    assert booker_name in console and PURPOSE in console and world.zhejiang.name in console


# --- my bookings and the console ------------------------------------------------------------------------------

def test_my_bookings_offer_the_moves_the_lifecycle_allows(client: TestClient, session: Session, world: World) -> None:
    held = book(session, world, day_at(6, 9))
    token = login(client, username(session, world.ids["booker"]))
    page = client.get("/resources/bookings").text
    assert f'id="cancel-{held.id}"' in page and 'id="use-' not in page  # the booker cancels, never records use
    cancelled = client.post(f"/resources/bookings/{held.id}/cancel", data={"csrf_token": token, "back": "mine",
                                                                         "reason": "计划变更"},
                            follow_redirects=False)
    assert cancelled.status_code == 303
    session.refresh(held)
    assert (held.status, held.reason, held.cancel_fee_fen) == ("cancelled", "计划变更", 0)
    after = client.get("/resources/bookings").text
    assert f'id="cancel-{held.id}"' not in after and "已取消" in after
    again = client.post(f"/resources/bookings/{held.id}/cancel", data={"csrf_token": token, "back": "mine"})
    assert again.status_code == 409 and 'id="refused"' in again.text


def test_the_console_records_use_no_shows_training_and_outages(client: TestClient, session: Session,
                                                               world: World) -> None:
    used, missed, dropped = (book(session, world, day_at(7, h)) for h in (8, 11, 14))
    token = login(client, username(session, world.ids["manager"]))
    console = client.get(f"/resources/console?instrument={world.instrument.id}").text
    forms = [f'id="{form}-{b.id}"' for form in ("use", "miss", "cancel") for b in (used, missed)]
    assert len(forms) == 6 and [f for f in forms if f not in console] == []
    recorded = client.post(f"/resources/bookings/{used.id}/use", follow_redirects=False, data={
        "csrf_token": token, "started_at": local(used.starts_at), "ended_at": local(used.starts_at + timedelta(
            minutes=95))})
    assert recorded.status_code == 303
    charge = session.execute(select(Usage.charge_fen).where(Usage.booking_id == used.id)).scalar_one()
    assert charge == 38_000  # 95 minutes at 240 元 an hour (a cross-province payer)
    assert client.post(f"/resources/bookings/{missed.id}/miss", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    refused = client.post(f"/resources/bookings/{dropped.id}/cancel", data={"csrf_token": token, "back": "console",
                                                                          "reason": "设备故障"})
    assert refused.status_code == 200  # after the redirect: the console again
    session.expire_all()
    assert [session.get(Booking, b.id).status for b in (used, missed, dropped)] == ["used", "missed", "cancelled"]

    bad_use = client.post(f"/resources/bookings/{missed.id}/use", data={
        "csrf_token": token, "started_at": local(missed.starts_at), "ended_at": local(missed.ends_at)})
    assert bad_use.status_code == 409  # a missed booking has no use to record
    trained = client.post(f"/resources/instruments/{world.instrument.id}/training", follow_redirects=False, data={
        "csrf_token": token, "user": username(session, world.ids["booker"]), "trained_on": "", "valid_until": ""})
    assert trained.status_code == 303
    assert session.execute(select(Training.user_id)).scalar_one() == world.ids["booker"]
    nobody = client.post(f"/resources/instruments/{world.instrument.id}/training", data={
        "csrf_token": token, "user": "no_such_user"})
    assert nobody.status_code == 422 and 'data-code="user.not_found"' in nobody.text
    backwards = client.post(f"/resources/instruments/{world.instrument.id}/outages", data={
        "csrf_token": token, "starts_at": local(day_at(9, 12)), "ends_at": local(day_at(9, 10)), "reason": "校准"})
    assert backwards.status_code == 422 and message("outage.order", {}, "zh") in backwards.text
    outage = client.post(f"/resources/instruments/{world.instrument.id}/outages", follow_redirects=False, data={
        "csrf_token": token, "starts_at": local(day_at(9, 10)), "ends_at": local(day_at(9, 12)), "reason": "校准"})
    assert outage.status_code == 303 and session.execute(select(Outage.reason)).scalar_one() == "校准"

    month = usage.month_of(used.starts_at)
    statement = client.get(f"/resources/console?instrument={world.instrument.id}&month={month}").text
    assert 'id="statement-total">380.00<' in statement and world.zhejiang.name in statement
    link = re.search(r'<a href="([^"]+)" id="statement-csv">', statement)
    assert link is not None and html.unescape(link.group(1)) == (
        f"/api/v1/resources/statements?month={month}&by=org&format=csv")  # the API's export, as the house's lists
    rows = list(csv.reader(io.StringIO(client.get(html.unescape(link.group(1))).text.lstrip("\ufeff"))))
    assert rows[1:] == [[str(world.zhejiang.id), "hour", "1", "95", "38000"]]


def test_the_console_is_the_hosts(client: TestClient, session: Session, world: World) -> None:
    held = book(session, world, day_at(7, 9))
    assert client.get("/resources/console", follow_redirects=False).headers["location"].startswith("/login")
    token = login(client, username(session, world.ids["booker"]))
    assert client.get("/resources/console").status_code == 403
    assert client.get(f"/resources/console?instrument={world.instrument.id}").status_code == 403
    refused = client.post(f"/resources/bookings/{held.id}/use", data={
        "csrf_token": token, "started_at": local(held.starts_at), "ended_at": local(held.ends_at)})
    assert refused.status_code == 403 and session.execute(select(Usage.id)).first() is None


# --- the catalogue --------------------------------------------------------------------------------------------

def test_the_catalogue_searches_counts_facets_and_follows_the_cursor(client: TestClient, session: Session,
                                                                     world: World, app: FastAPI,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from decimal import Decimal

    for n, (category, value) in enumerate([("电子显微镜", "6000000"), ("电子显微镜", "800000"),
                                           ("色谱仪", "120000")]):
        instruments.create(session, actor=world.manager, data=instrument_data(
            world.host, f"SH-CAT-{n:04d}", name=f"目录仪器{n}", category=category, value_yuan=Decimal(value),
            rates=[]))
    page = client.get("/resources/instruments", params={"category": "电子显微镜"}).text
    assert "目录仪器0" in page and "目录仪器1" in page and "目录仪器2" not in page
    counts = dict(re.findall(r'data-value="([^"]+)">[^<]*</a> <span class="count">(\d+)</span>', page))
    assert counts["电子显微镜"] == "2" and counts["色谱仪"] == "1"  # its own facet counts its alternatives
    assert counts["ge500w"] == "1" and counts["50w-200w"] == "1" and "lt50w" not in counts  # within the category
    found = client.get("/resources/instruments", params={"q": "目录仪器2"}).text
    assert "目录仪器2" in found and "目录仪器1" not in found
    monkeypatch.setattr(common, "PAGE", 2)
    first = client.get("/resources/instruments").text
    cursor = re.search(r'id="next-page" rel="next" href="([^"]+)"', first)
    assert cursor is not None
    second = client.get(html.unescape(cursor.group(1))).text
    names = re.compile(r'<a href="/resources/instruments/(\d+)">')
    assert len(names.findall(first)) == 2 and names.findall(second) and not set(names.findall(first)) & set(
        names.findall(second))
    assert client.get("/resources/instruments", params={"cursor": "garbage"}).status_code == 200


def test_the_instrument_page_shows_its_prices_rules_and_cstr_identifier(client: TestClient, app: FastAPI,
                                                                        world: World) -> None:
    page = client.get(f"/resources/instruments/{world.instrument.id}").text
    assert 'id="cstr"' not in page  # no registry prefix: no identifier invented
    prices = visible_text(page[page.index('id="price-table"'):page.index("</table>", page.index('id="price-table"'))])
    assert "跨省价" in prices and "240.00" in prices and "192.00" in prices and "35.50" in prices
    app.state.settings = app.state.settings.model_copy(update={"cstr_prefix": "11111"})
    page = client.get(f"/resources/instruments/{world.instrument.id}").text
    assert '<code id="cstr">CSTR:11111.14.SH-ICP-0001</code>' in page
    assert client.get("/resources/instruments/999999").status_code == 404


def test_a_page_of_the_catalogue_or_of_my_bookings_costs_the_same_for_few_and_many(
        client: TestClient, session: Session, world: World, engine: Any) -> None:
    """The rows' hosts, cities, instruments and moves are looked up once per page, never once per row."""
    from contextlib import contextmanager

    from sqlalchemy import event

    from yrdhub.regions import orgs
    from yrdhub.regions.schemas import OrgCreate

    @contextmanager
    def counted() -> Any:
        seen: list[str] = []

        def note(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
            if not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                seen.append(sql)
        event.listen(engine, "before_cursor_execute", note)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", note)

    def grow(total: int) -> None:
        have = len(session.execute(select(Booking.id)).all())
        for n in range(have, total):
            host = orgs.create(session, actor=SYSTEM, data=OrgCreate(name=f"计数测试主机{n}", type="institute",
                                                                   region="310104"))
            tool = instruments.create(session, actor=SYSTEM, data=instrument_data(host, f"CNT-{n:04d}", rates=[]))
            book(session, world, day_at(2 + n % 50, 8 + n // 50), instrument_id=tool.id)

    login(client, username(session, world.ids["booker"]))
    costs = []
    for total in (3, 30):
        grow(total)
        cost = {}
        for url in ("/resources/instruments", "/resources/bookings"):
            session.expunge_all()  # what the app reads, it reads: nothing left over from making the rows
            with counted() as seen:
                assert client.get(url).status_code == 200
            cost[url] = len(seen)
        costs.append(cost)
    assert len(session.execute(select(Booking.id)).all()) == 30 and costs[0]["/resources/bookings"] > 0
    assert costs[0] == costs[1], costs
