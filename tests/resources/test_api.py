from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy.orm import Session

from helpers import login
from yrdhub.db import utcnow

from .conftest import World


def username(session: Session, user_id: int) -> str:
    from yrdhub.accounts.models import User

    user = session.get(User, user_id)
    assert user is not None
    return user.username


def when(days: int, hours: int = 2) -> dict[str, str]:
    start = (utcnow() + timedelta(days=days)).replace(hour=2, minute=0, second=0, microsecond=0)
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=hours)).isoformat()}


def book(client: TestClient, token: str, world: World, days: int, **extra: Any) -> Any:
    return client.post("/api/v1/resources/bookings", headers={"X-CSRF-Token": token, "Accept-Language": "en"},
                       json={"instrument_id": world.instrument.id, "org_id": world.zhejiang.id, **when(days),
                             **extra})


def test_a_booking_through_the_api_from_request_to_charge(client: TestClient, session: Session, world: World) -> None:
    token = login(client, username(session, world.ids["booker"]))
    first = book(client, token, world, 3)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "confirmed" and first.json()["price_group"] == "cross_jurisdiction"
    taken = book(client, token, world, 3)
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "booking.overlap"
    assert taken.json()["error"]["message"] == "The instrument is already booked for part of this time."
    waiting = book(client, token, world, 3, wait=True)
    assert waiting.status_code == 201 and waiting.json()["status"] == "waiting"

    feed = client.get(f"/api/v1/resources/instruments/{world.instrument.id}/calendar.ics?lang=en")
    events = [e for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert [str(e["summary"]) for e in events] == ["Booked"]  # when, not who

    client.cookies.clear()
    manager = login(client, username(session, world.ids["manager"]))
    booking = first.json()
    use = client.post(f"/api/v1/resources/bookings/{booking['id']}/use", headers={"X-CSRF-Token": manager},
                      json={"started_at": booking["starts_at"], "ended_at": booking["ends_at"]})
    assert use.status_code == 201, use.text
    assert (use.json()["quantity"], use.json()["charge_fen"]) == (120, 48_000)
    month = use.json()["month"]
    statement = client.get("/api/v1/resources/statements", params={"month": month}).json()
    assert statement == [{"org": world.zhejiang.id, "unit": "hour", "uses": 1, "quantity": 120,
                          "charge_fen": 48_000}]


def test_strangers_see_the_time_taken_but_not_the_booking(client: TestClient, session: Session,
                                                         world: World) -> None:
    token = login(client, username(session, world.ids["booker"]))
    booking = book(client, token, world, 4).json()
    client.cookies.clear()
    login(client, username(session, world.ids["local"]))
    assert client.get(f"/api/v1/resources/bookings/{booking['id']}").status_code == 404
    assert client.get("/api/v1/resources/bookings").json()["items"] == []
    start = (utcnow() + timedelta(days=3)).isoformat()
    slots = client.get(f"/api/v1/resources/instruments/{world.instrument.id}/slots",
                       params={"start": start, "days": 3}).json()
    assert [(s["starts_at"][:16], s["kind"]) for s in slots] == [(booking["starts_at"][:16], "booked")]


def test_the_catalogue_reads_and_exports(client: TestClient, world: World) -> None:
    page = client.get("/api/v1/resources/instruments", params={"q": "质谱", "limit": 5}).json()
    assert [i["code"] for i in page["items"]] == ["SH-ICP-0001"]
    item = page["items"][0]
    assert item["value_yuan"] == "3200000.00" and item["cstr"] is None
    assert {(r["price_group"], r["unit"]) for r in item["rates"]} >= {("cross_jurisdiction", "hour")}
    csv = client.get("/api/v1/resources/instruments", params={"format": "csv", "category": "分析仪器"})
    assert "SH-ICP-0001" in csv.text


def test_a_manager_of_another_host_cannot_change_the_instrument(client: TestClient, session: Session,
                                                               world: World, make_user: Any) -> None:
    user, _ = make_user("org_admin", f"org:{world.zhejiang.id}")
    token = login(client, user.username)
    url = f"/api/v1/resources/instruments/{world.instrument.id}"
    body = client.get(url).json()
    body = {k: v for k, v in body.items() if k not in ("id", "city_code", "province_code", "is_sample", "cstr")}
    body |= {"name": "被改名", "org_id": world.zhejiang.id}
    changed = client.put(url, headers={"X-CSRF-Token": token}, json=body)
    assert changed.status_code == 403 and changed.json()["error"]["code"] == "forbidden"
    assert client.get(url).json()["name"] == "电感耦合等离子体质谱仪"
