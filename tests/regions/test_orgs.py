from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from yrdhub.accounts import audit
from yrdhub.accounts.actor import SYSTEM
from yrdhub.accounts.policy import PermissionDenied
from yrdhub.regions import orgs
from yrdhub.regions.orgs import OrgInput


def make(session: Session, name: str, **kw) -> orgs.Organisation:  # type: ignore[no-untyped-def]
    kw.setdefault("type", "university")
    return orgs.create(session, actor=SYSTEM, data=OrgInput(name=name, **kw))


def test_region_comes_from_the_address(session: Session) -> None:
    org = make(session, "东南大学", address="南京市玄武区四牌楼2号",
               aliases=["东大", "Southeast University", "东南大学"])
    assert org.region_code == "320102" and org.province_code == "320000"
    assert sorted(a.alias for a in org.aliases) == ["Southeast University", "东大"]


def test_chinese_type_labels_are_accepted(session: Session) -> None:
    assert make(session, "某研究所", type="科研院所", region="合肥").type == "institute"


def test_bad_input_lists_every_problem(session: Session) -> None:
    with pytest.raises(orgs.OrgError) as info:
        orgs.create(session, actor=SYSTEM, data=OrgInput(name=" ", type="公司", uscc="91350100M000100Y44",
                                                         region="火星"))
    assert set(info.value.errors) == {"name", "type", "uscc", "region"}
    assert "应为 3" in info.value.errors["uscc"]


def test_uscc_is_unique(session: Session) -> None:
    make(session, "甲", uscc="91350100M000100Y43", region="上海")
    with pytest.raises(orgs.OrgError, match="already used"):
        make(session, "乙", uscc="91350100m000100y43", region="上海")


def test_jurisdiction_admin_cannot_touch_another_province(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    _, js = make_user("jurisdiction_admin", "320000")
    org = orgs.create(session, actor=js, data=OrgInput(name="南京某企业", type="enterprise", region="南京"))
    with pytest.raises(PermissionDenied):
        orgs.create(session, actor=js, data=OrgInput(name="杭州某企业", type="enterprise", region="杭州"))
    zj_org = make(session, "浙江某企业", type="enterprise", region="杭州")
    with pytest.raises(PermissionDenied):
        orgs.update_org(session, actor=js, org_id=zj_org.id,
                        data=OrgInput(name="改名", type="enterprise", region="杭州"))
    with pytest.raises(PermissionDenied):  # nor move its own organisation out of its province
        orgs.update_org(session, actor=js, org_id=org.id, data=OrgInput(name="南京某企业", type="enterprise",
                                                                         region="杭州"))


def test_org_admin_edits_own_org(session: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    org = make(session, "复旦大学", region="上海")
    other = make(session, "同济大学", region="上海")
    _, admin = make_user("org_admin", f"org:{org.id}")
    orgs.update_org(session, actor=admin, org_id=org.id, data=OrgInput(name="复旦大学", type="university",
                                                                       region="上海", name_en="Fudan University"))
    with pytest.raises(PermissionDenied):
        orgs.update_org(session, actor=admin, org_id=other.id, data=OrgInput(name="x", type="university"))


def test_parent_cycles_are_refused(session: Session) -> None:
    a = make(session, "A大学", region="上海")
    b = make(session, "A大学医学院", region="上海", parent_id=a.id)
    with pytest.raises(orgs.OrgError, match="cycle"):
        orgs.update_org(session, actor=SYSTEM, org_id=a.id, data=OrgInput(name="A大学", type="university",
                                                                          region="上海", parent_id=b.id))


def test_merge_keeps_history_and_old_identifiers(session: Session) -> None:
    target = make(session, "中国科学技术大学", region="合肥", aliases=["中国科大"])
    source = make(session, "中国科学技术大学（重复）", region="合肥", uscc="12100000400000624D")
    child = make(session, "某附属实验室", type="lab", region="合肥", parent_id=source.id)
    orgs.merge(session, actor=SYSTEM, source_id=source.id, target_id=target.id)
    session.expire_all()
    assert orgs.resolve(session, source.id).id == target.id  # type: ignore[union-attr]
    assert orgs.resolve(session, "12100000400000624D").id == target.id  # type: ignore[union-attr]
    assert orgs.resolve(session, "中国科学技术大学（重复）").id == target.id  # type: ignore[union-attr]
    assert orgs.get(session, child.id).parent_id == target.id  # type: ignore[union-attr]
    assert "中国科学技术大学（重复）" in {a.alias for a in orgs.get(session, target.id).aliases}  # type: ignore[union-attr]
    assert [e.action for e in orgs.history(session, source.id)] == ["org.create", "org.merge"]
    assert audit.verify(session).ok
    with pytest.raises(LookupError):  # a merged record is not merged again
        orgs.merge(session, actor=SYSTEM, source_id=source.id, target_id=target.id)


def test_keyset_pages_cover_everything_once(session: Session) -> None:
    for i in range(23):
        make(session, f"测试机构{i:02d}", region="上海", type="enterprise")
    make(session, "测试机构05", region="南京", type="lab")  # same name, different record
    seen: list[int] = []
    cursor = None
    while True:
        rows, cursor = orgs.page(session, orgs.OrgFilter(q="测试机构"), after=cursor, limit=5)
        seen.extend(o.id for o in rows)
        if cursor is None:
            break
    assert len(seen) == 24 == len(set(seen))
    rows, _ = orgs.page(session, orgs.OrgFilter(q="测试机构", type="lab"), limit=50)
    assert [o.region_code for o in rows] == ["320100"]
    with pytest.raises(orgs.OrgError):
        orgs.page(session, orgs.OrgFilter(), after="not-a-cursor")
