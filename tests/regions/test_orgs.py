from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import ANONYMOUS, SYSTEM
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.errors import Conflict, DomainError, Invalid, field_errors
from yrdhub.regions import orgs
from yrdhub.regions.schemas import OrgCreate, OrgUpdate


def make(session: Session, name: str, **kw) -> orgs.Organisation:  # type: ignore[no-untyped-def]
    kw.setdefault("type", "university")
    return orgs.create(session, actor=SYSTEM, data=OrgCreate(name=name, **kw))


def update(session: Session, actor, org, **kw) -> bool:  # type: ignore[no-untyped-def]
    return orgs.update(session, actor=actor, org=org, data=OrgUpdate(**kw))


def test_region_comes_from_the_address(session: Session) -> None:
    org = make(session, "东南大学", address="南京市玄武区四牌楼2号",
               aliases=["东大", "Southeast University", "东南大学"])
    assert org.region_code == "320102" and org.province_code == "320000"
    assert sorted(a.alias for a in org.aliases) == ["Southeast University", "东大"]


def test_chinese_type_labels_are_accepted(session: Session) -> None:
    assert make(session, "某研究所", type="科研院所", region="合肥").type == "institute"


def test_bad_input_lists_every_problem(session: Session) -> None:
    with pytest.raises(ValidationError) as info:  # the schema's rules: every field at once
        OrgCreate(name=" ", type="公司", uscc="91350100M000100Y44", region="火星")
    found = {f.field: f.code for f in field_errors(info.value)}
    assert found == {"name": "validation.too_short", "type": "org.type", "uscc": "uscc.check"}
    with pytest.raises(Invalid) as refused:  # the database's rules, also all at once
        make(session, "某机构", region="火星", parent_id=999_999)
    assert {(f.field, f.code) for f in refused.value.errors} == {("region", "region.unknown"),
                                                                ("parent_id", "org.parent_missing")}


def test_uscc_is_unique(session: Session) -> None:
    first = make(session, "甲", uscc="91350100M000100Y43", region="上海")
    with pytest.raises(Invalid) as info:
        make(session, "乙", uscc="91350100m000100y43", region="上海")
    assert [(f.field, f.code, f.params["id"]) for f in info.value.errors] == [("uscc", "org.uscc_taken", first.id)]


def test_a_name_without_a_credit_code_is_one_record(session: Session) -> None:
    first = make(session, "无代码研究所", region="上海")
    with pytest.raises(Invalid) as info:
        make(session, "无代码研究所", region="南京")
    assert [(f.field, f.code, f.params["id"]) for f in info.value.errors] == [("name", "org.name_taken", first.id)]
    make(session, "无代码研究所", region="南京", uscc="91350100M000100Y43")  # a credit code tells them apart


def test_jurisdiction_admin_cannot_touch_another_province(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    _, js = make_user("jurisdiction_admin", "320000")
    org = orgs.create(session, actor=js, data=OrgCreate(name="南京某企业", type="enterprise", region="南京"))
    with pytest.raises(PermissionDenied):
        orgs.create(session, actor=js, data=OrgCreate(name="杭州某企业", type="enterprise", region="杭州"))
    zj_org = make(session, "浙江某企业", type="enterprise", region="杭州")
    with pytest.raises(PermissionDenied):
        update(session, js, zj_org, name="改名", type="enterprise", region="杭州")
    with pytest.raises(PermissionDenied):  # nor move its own organisation out of its province
        update(session, js, org, name="南京某企业", type="enterprise", region="杭州")
    with pytest.raises(PermissionDenied):  # nor take over another province's organisation by moving it in
        update(session, js, zj_org, name="浙江某企业", type="enterprise", region="南京")


def test_org_admin_edits_own_org(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    org = make(session, "复旦大学", region="上海")
    other = make(session, "同济大学", region="上海")
    _, admin = make_user("org_admin", f"org:{org.id}")
    assert update(session, admin, org, name="复旦大学", type="university", region="上海", name_en="Fudan University")
    assert not update(session, admin, org, name="复旦大学", type="university", region="上海",
                      name_en="Fudan University")  # unchanged: nothing written
    with pytest.raises(PermissionDenied):
        update(session, admin, other, name="x", type="university")


def test_parent_cycles_are_refused(session: Session) -> None:
    a = make(session, "A大学", region="上海")
    b = make(session, "A大学医学院", region="上海", parent_id=a.id)
    with pytest.raises(Invalid) as info:
        update(session, SYSTEM, a, name="A大学", type="university", region="上海", parent_id=b.id)
    assert [f.code for f in info.value.errors] == ["org.parent_cycle"]


def test_merge_keeps_history_and_old_identifiers(session: Session) -> None:
    target = make(session, "中国科学技术大学", region="合肥", aliases=["中国科大"])
    source = make(session, "中国科学技术大学（重复）", region="合肥", uscc="12100000400000624D")
    child = make(session, "某附属实验室", type="lab", region="合肥", parent_id=source.id)
    orgs.merge(session, actor=SYSTEM, source=source, target=target)
    session.expire_all()
    assert orgs.resolve(session, source.id).id == target.id  # type: ignore[union-attr]
    assert orgs.resolve(session, "12100000400000624D").id == target.id  # type: ignore[union-attr]
    assert orgs.resolve(session, "中国科学技术大学（重复）").id == target.id  # type: ignore[union-attr]
    assert orgs.get(session, child.id).parent_id == target.id  # type: ignore[union-attr]
    assert "中国科学技术大学（重复）" in {a.alias for a in orgs.get(session, target.id).aliases}  # type: ignore[union-attr]
    assert [e.action for e in orgs.history(session, source.id)] == ["org.create", "org.merge"]
    assert audit.verify(session).ok
    with pytest.raises(Conflict) as info:  # a merged record is not merged again
        orgs.merge(session, actor=SYSTEM, source=source, target=target)
    assert info.value.code == "org.merged"
    with pytest.raises(DomainError) as itself:
        orgs.merge(session, actor=SYSTEM, source=target, target=target)
    assert itself.value.code == "org.merge_self"


def test_keyset_pages_cover_everything_once(session: Session) -> None:
    for i in range(23):
        make(session, f"测试机构{i:02d}", region="上海", type="enterprise")
    make(session, "测试机构05", region="南京", type="lab", uscc="91350100M000100Y43")  # same name, another record
    seen: list[int] = []
    cursor = None
    while True:
        page = orgs.page(session, actor=ANONYMOUS, flt=orgs.OrgFilter(q="测试机构"), cursor=cursor, limit=5)
        seen.extend(o.id for o in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == 24 == len(set(seen))
    rows = orgs.page(session, actor=ANONYMOUS, flt=orgs.OrgFilter(q="测试机构", type="lab"), limit=50).items
    assert [o.region_code for o in rows] == ["320100"]
    for bad in ("not-a-cursor", "W10=", "WyJ4Il0=", "WyJhIiwgOTk5OTk5OTk5OTk5OTk5OTk5OTk5OTldCg=="):
        with pytest.raises(DomainError) as info:
            orgs.page(session, actor=ANONYMOUS, flt=orgs.OrgFilter(), cursor=bad)
        assert info.value.code == "page.cursor"
