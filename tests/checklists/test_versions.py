"""Templates and versions: import, publish (then frozen), new drafts, who may see and change what."""
from __future__ import annotations

import copy
import io

import pytest
from sqlalchemy import select

from checklists import definition, operations, textio
from checklists.models import DRAFT, PUBLISHED, ChecklistTemplate, ChecklistVersion, PublishedVersionChanged
from core.audit import AuditEntry, content_hash
from core.errors import Conflict
from tests.checklists.conftest import checklist_counts
from tests.conftest import ALL_ROLES

NON_ADMINS = tuple(role for role in ALL_ROLES if role != "admin")
CODES = {"onsite": "onsite-service", "7s": "7s-workplace", "remote": "remote-realtime", "mystery": "mystery-visit"}
FILES = {"onsite": "onsite.yaml", "7s": "7s.yaml", "remote": "remote.yaml", "mystery": "mystery.yaml"}
VISIBLE_KINDS = {
    "admin": {"onsite", "7s", "remote", "mystery"},
    "viewer": {"onsite", "7s", "remote", "mystery"},
    "inspector": {"onsite", "7s"},
    "remote_monitor": {"remote"},
    "mystery_shopper": {"mystery"},
    "outlet_manager": {"onsite", "7s", "remote"},
}


def small(code: str = "versions-test", kind: str = "onsite", label: str = "问候") -> dict:
    return {"kind": kind, "code": code, "name": {"zh": "版本测试", "en": "Versions test"},
            "sections": [{"key": "front", "label": {"zh": "前台", "en": "Front"}, "items": [
                {"key": "greet", "type": "check", "label": {"zh": label, "en": "Greets"}, "points": 2},
                {"key": "smile", "type": "check", "label": {"zh": "微笑", "en": "Smiles"}, "points": 1}]}]}


def audit_actions(db, action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.execute(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)).scalars().all()


@pytest.fixture
def published(db, users, default_doc):
    """The four defaults published as v1 by the admin: kind → version id."""
    return {kind: operations.publish(operations.import_checklist(default_doc(name), users["admin"]),
                                     users["admin"]).id
            for kind, name in FILES.items()}


# --- import, publish, draft through operations ---------------------------------------------------------

def test_import_creates_a_template_and_draft_v1(db, users):
    version = operations.import_checklist(small(), users["admin"])
    assert checklist_counts(db) == (1, 1)
    template = version.template
    assert (template.code, template.kind, template.name, template.name_en) == \
        ("versions-test", "onsite", "版本测试", "Versions test")
    assert (version.version, version.status, version.item_count) == (1, DRAFT, 2)
    assert version.definition == definition.dump(definition.parse(small()))
    assert version.content_hash == content_hash(version.definition)
    assert version.created_by_id == users["admin"].id and version.published_at is None
    (entry,) = audit_actions(db, "checklist.import")
    assert (entry.object_type, entry.object_id, entry.actor_name) == ("checklist_version", str(version.id), "admin")


def test_import_refuses_an_invalid_checklist_and_saves_nothing(db, users):
    data = small()
    data["sections"][0]["items"][0]["points"] = 500
    with pytest.raises(operations.OperationError) as caught:
        operations.import_checklist(data, users["admin"])
    assert caught.value.errors == {"sections[0].items[0].points": ["检查项“问候”的 points：须介于 0 和 100 之间"]}
    assert caught.value.problem == "checklist_invalid"
    db.session.rollback()
    assert checklist_counts(db) == (0, 0)


def test_publish_freezes_the_version(db, users):
    version = operations.import_checklist(small(), users["admin"])
    operations.publish(version, users["admin"])
    db.session.commit()
    assert (version.status, version.published_by_id) == (PUBLISHED, users["admin"].id)
    assert version.published_at is not None
    with pytest.raises(Conflict):
        operations.save_draft(version, small(label="改了"), users["admin"])
    with pytest.raises(Conflict):
        operations.publish(version, users["admin"])
    with pytest.raises(Conflict):
        operations.edit_draft(version, "remove_item", users["admin"], key="smile")
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(ChecklistVersion, version.id).definition == definition.dump(definition.parse(small()))
    (entry,) = audit_actions(db, "checklist.publish")
    assert entry.object_id == str(version.id) and entry.changes["status"] == {"before": "draft", "after": "published"}


@pytest.mark.parametrize("change", ["definition", "content_hash", "version", "status", "delete"])
def test_a_published_version_never_changes_in_the_orm(db, users, change):
    version = operations.publish(operations.import_checklist(small(), users["admin"]), users["admin"])
    db.session.commit()
    ident, stored = version.id, copy.deepcopy(version.definition)
    db.session.expire_all()
    version = db.session.get(ChecklistVersion, ident)
    if change == "definition":
        version.definition = small(label="偷偷改")
    elif change == "content_hash":
        version.content_hash = "0" * 64
    elif change == "version":
        version.version = 7
    elif change == "status":
        version.status = DRAFT
    else:
        db.session.delete(version)
    with pytest.raises(PublishedVersionChanged):
        db.session.commit()
    db.session.rollback()
    db.session.expire_all()
    version = db.session.get(ChecklistVersion, ident)
    assert (version.status, version.version, version.definition) == (PUBLISHED, 1, stored)


def test_a_published_version_cannot_be_unpublished_without_loading_it_first(db, users):
    """After a commit every attribute is expired; setting status then (without reading it) must still be
    caught, or a version could be turned back into a draft and rewritten."""
    version = operations.publish(operations.import_checklist(small(), users["admin"]), users["admin"])
    db.session.commit()
    ident = version.id
    version.status = DRAFT  # the instance was expired by the commit
    version.definition = small(label="偷偷改")
    with pytest.raises(PublishedVersionChanged):
        db.session.commit()
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(ChecklistVersion, ident).status == PUBLISHED


def test_a_draft_may_change_in_the_orm(db, users):
    version = operations.import_checklist(small(), users["admin"])
    version.definition = definition.dump(definition.parse(small(label="改")))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ChecklistVersion, version.id).definition["sections"][0]["items"][0]["label"]["zh"] == "改"


def test_start_draft_copies_the_newest_version(db, users):
    v1 = operations.publish(operations.import_checklist(small(), users["admin"]), users["admin"])
    v2 = operations.start_draft(v1.template, users["admin"])
    assert (v2.version, v2.status, v2.content_hash, v2.definition) == (2, DRAFT, v1.content_hash, v1.definition)
    assert v2.definition is not v1.definition
    assert operations.start_draft(v1.template, users["admin"]).id == v2.id  # one open draft at most
    (entry,) = audit_actions(db, "checklist.draft")
    assert entry.object_id == str(v2.id)


def test_discarding_a_draft(db, users):
    v1 = operations.publish(operations.import_checklist(small(), users["admin"]), users["admin"])
    v2 = operations.start_draft(v1.template, users["admin"])
    operations.discard_draft(v2, users["admin"])
    assert checklist_counts(db) == (1, 1)
    with pytest.raises(Conflict):
        operations.discard_draft(v1, users["admin"])


# --- the same through the API ------------------------------------------------------------------------

def upload(api_upload, headers, data: dict, filename: str = "checklist.yaml"):
    return api_upload(headers, textio.dump_yaml(data).encode(), filename)


def test_api_import_publish_draft_edit(client, db, admin_headers, api_upload):
    first = upload(api_upload, admin_headers, small())
    assert first.status_code == 201
    v1 = first.get_json()
    assert (v1["version"], v1["status"], v1["code"], v1["kind"], v1["item_count"]) == \
        (1, "draft", "versions-test", "onsite", 2)
    assert checklist_counts(db) == (1, 1)

    # A draft may be replaced whole.
    edited = client.put(f"/api/v1/checklists/{v1['id']}/definition", json=small(label="您好"), headers=admin_headers)
    assert edited.status_code == 200 and edited.get_json()["content_hash"] != v1["content_hash"]
    v1_hash = edited.get_json()["content_hash"]

    published = client.post(f"/api/v1/checklists/{v1['id']}/publish", headers=admin_headers)
    assert published.status_code == 200
    assert published.get_json()["status"] == "published" and published.get_json()["published_at"]

    # Published: frozen.
    refused = client.put(f"/api/v1/checklists/{v1['id']}/definition", json=small(label="再改"), headers=admin_headers)
    assert refused.status_code == 409
    assert client.post(f"/api/v1/checklists/{v1['id']}/publish", headers=admin_headers).status_code == 409

    # A new draft: v2, a copy.
    drafted = client.post(f"/api/v1/checklist-templates/{v1['template_id']}/draft", headers=admin_headers)
    assert drafted.status_code == 201
    v2 = drafted.get_json()
    assert (v2["version"], v2["status"], v2["content_hash"]) == (2, "draft", v1_hash)
    assert client.post(f"/api/v1/checklist-templates/{v1['template_id']}/draft",
                       headers=admin_headers).get_json()["id"] == v2["id"]

    changed = small(label="欢迎光临")
    changed["sections"][0]["items"].append({"key": "thanks", "type": "check",
                                            "label": {"zh": "致谢", "en": "Thanks"}, "points": 1})
    response = client.put(f"/api/v1/checklists/{v2['id']}/definition", json=changed, headers=admin_headers)
    assert response.status_code == 200 and response.get_json()["item_count"] == 3

    # v1 is untouched: its hash and its definition.
    db.session.expire_all()
    stored_v1 = db.session.get(ChecklistVersion, v1["id"])
    assert stored_v1.content_hash == v1_hash == content_hash(stored_v1.definition)
    assert stored_v1.definition == definition.dump(definition.parse(small(label="您好")))
    got = client.get(f"/api/v1/checklists/{v1['id']}", headers=admin_headers).get_json()
    assert [i["key"] for i in got["sections"][0]["items"]] == ["greet", "smile"]
    assert got["sections"][0]["items"][0]["label"]["zh"] == "您好"
    assert checklist_counts(db) == (1, 2)


def test_api_put_definition_validates_and_keeps_code_and_kind(client, admin_headers, api_upload):
    ident = upload(api_upload, admin_headers, small()).get_json()["id"]
    bad = small()
    bad["sections"][0]["items"][0]["type"] = "tick"
    response = client.put(f"/api/v1/checklists/{ident}/definition", json=bad, headers=admin_headers)
    assert response.status_code == 422 and "sections[0].items[0].type" in response.get_json()["errors"]
    response = client.put(f"/api/v1/checklists/{ident}/definition", json=small(code="renamed"), headers=admin_headers)
    assert response.status_code == 422 and "code" in response.get_json()["errors"]
    response = client.put(f"/api/v1/checklists/{ident}/definition", data="not json", headers=admin_headers)
    assert response.status_code == 400


def test_reimporting_the_same_code_replaces_the_open_draft(client, db, admin_headers, api_upload):
    first = upload(api_upload, admin_headers, small()).get_json()
    second = upload(api_upload, admin_headers, small(label="第二稿")).get_json()
    assert (second["id"], second["version"]) == (first["id"], 1)
    assert second["content_hash"] != first["content_hash"]
    assert checklist_counts(db) == (1, 1)
    client.post(f"/api/v1/checklists/{first['id']}/publish", headers=admin_headers)
    third = upload(api_upload, admin_headers, small(label="第三稿")).get_json()
    fourth = upload(api_upload, admin_headers, small(label="第四稿")).get_json()
    assert (third["version"], fourth["version"], fourth["id"]) == (2, 2, third["id"])
    assert checklist_counts(db) == (1, 2)
    assert len(audit_actions(db, "checklist.import")) == 4


def test_importing_an_existing_code_with_another_kind_conflicts(db, admin_headers, api_upload):
    assert upload(api_upload, admin_headers, small()).status_code == 201
    before = checklist_counts(db)
    response = upload(api_upload, admin_headers, small(kind="7s"))
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"kind": ["Must stay onsite."]}
    assert response.get_json()["problem"] == "checklist_kind_fixed"
    assert checklist_counts(db) == before
    assert db.session.execute(select(ChecklistTemplate)).scalar_one().kind == "onsite"


def test_template_list_for_the_admin(client, admin_headers, api_upload):
    ident = upload(api_upload, admin_headers, small()).get_json()["id"]
    client.post(f"/api/v1/checklists/{ident}/publish", headers=admin_headers)
    upload(api_upload, admin_headers, small(label="新稿"))
    templates = client.get("/api/v1/checklist-templates", headers=admin_headers).get_json()
    assert [(t["code"], [(v["version"], v["status"]) for v in t["versions"]]) for t in templates] == \
        [("versions-test", [(1, "published"), (2, "draft")])]


# --- who sees what ---------------------------------------------------------------------------------------

@pytest.fixture
def catalogue(client, db, users, published, default_doc):
    """The four defaults published; onsite also has a newer published v2 and an open draft v3."""
    admin = users["admin"]
    template = db.session.get(ChecklistVersion, published["onsite"]).template
    v2 = operations.start_draft(template, admin)
    changed = default_doc("onsite.yaml")
    changed["name"]["en"] = "Monthly on-site service inspection (2)"
    operations.save_draft(v2, changed, admin)
    operations.publish(v2, admin)
    v3 = operations.start_draft(template, admin)
    return {**published, "onsite_v2": v2.id, "onsite_draft": v3.id}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_shows_the_newest_published_version_of_the_kinds_a_role_uses(client, users, bearer, catalogue, role):
    response = client.get("/api/v1/checklists", headers=bearer(users[role]))
    assert response.status_code == 200
    listed = {(v["kind"], v["code"], v["version"], v["status"]) for v in response.get_json()}
    expected = {(kind, CODES[kind], 2 if kind == "onsite" else 1, "published") for kind in VISIBLE_KINDS[role]}
    assert listed == expected
    ids = {v["id"] for v in response.get_json()}
    assert catalogue["onsite"] not in ids and catalogue["onsite_draft"] not in ids


@pytest.mark.parametrize("role,kind,expected", [
    ("admin", "remote", {"remote"}), ("inspector", "7s", {"7s"}), ("inspector", "mystery", set()),
    ("outlet_manager", "mystery", set()), ("viewer", "mystery", {"mystery"}),
])
def test_list_filtered_by_kind(client, users, bearer, catalogue, role, kind, expected):
    response = client.get(f"/api/v1/checklists?kind={kind}", headers=bearer(users[role]))
    assert {v["kind"] for v in response.get_json()} == expected


def test_list_refuses_an_unknown_kind(client, users, bearer, catalogue):
    assert client.get("/api/v1/checklists?kind=weekly", headers=bearer(users["admin"])).status_code == 422


def test_an_inactive_template_is_not_listed(client, db, users, bearer, catalogue):
    template = db.session.get(ChecklistVersion, catalogue["7s"]).template
    operations.set_template_active(template, False, users["admin"])
    kinds = {v["kind"] for v in client.get("/api/v1/checklists", headers=bearer(users["inspector"])).get_json()}
    assert kinds == {"onsite"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_get_one_version_by_role(client, users, bearer, catalogue, role):
    headers = bearer(users[role])
    for kind in ("onsite", "7s", "remote", "mystery"):
        response = client.get(f"/api/v1/checklists/{catalogue[kind]}", headers=headers)
        if kind in VISIBLE_KINDS[role]:
            assert response.status_code == 200, (role, kind)
            body = response.get_json()
            assert body["kind"] == kind and body["sections"] and body["grades"][0]["grade"] == "A"
        else:
            assert response.status_code == 404, (role, kind)
    # An older published version stays readable (inspections pinned to it), a draft is the admin's alone.
    old = client.get(f"/api/v1/checklists/{catalogue['onsite']}", headers=headers)
    assert old.status_code == (200 if "onsite" in VISIBLE_KINDS[role] else 404)
    draft = client.get(f"/api/v1/checklists/{catalogue['onsite_draft']}", headers=headers)
    assert draft.status_code == (200 if role == "admin" else 404)


def test_version_document_spells_out_every_item(client, users, bearer, catalogue, default_doc):
    body = client.get(f"/api/v1/checklists/{catalogue['onsite_v2']}", headers=bearer(users["inspector"])).get_json()
    raw = default_doc("onsite.yaml")
    assert [i["key"] for s in body["sections"] for i in s["items"]] == \
        [i["key"] for s in raw["sections"] for i in s["items"]]
    items = {i["key"]: i for s in body["sections"] for i in s["items"]}
    assert items["vip_identified"]["condition"] == {
        "text": "vip_customer_present = present", "any_of": False,
        "clauses": [{"key": "vip_customer_present", "op": "=", "value": "present"}]}
    assert items["lobby_order_overall"]["scale"]["max"] == 4 and len(items["lobby_order_overall"]["scale"]["labels"]) == 5
    assert items["facility_outage_notice"]["critical"] == "cap_grade"
    assert items["facility_outage_notice"]["cap_grade"] == "C"
    assert body["name"]["en"] == "Monthly on-site service inspection (2)"


def test_anonymous_gets_401(client, catalogue):
    for path in ("/api/v1/checklists", f"/api/v1/checklists/{catalogue['onsite']}",
                 "/api/v1/checklist-templates"):
        assert client.get(path).status_code == 401, path
    upload = client.post("/api/v1/checklist-templates/import", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(textio.dump_yaml(small()).encode()), "x.yaml")})
    assert upload.status_code == 401
    assert client.post(f"/api/v1/checklists/{catalogue['onsite_draft']}/publish").status_code == 401


def test_a_missing_version_is_404(client, admin_headers):
    assert client.get("/api/v1/checklists/999999", headers=admin_headers).status_code == 404


@pytest.mark.parametrize("role", NON_ADMINS)
def test_non_admins_may_not_manage_checklists(client, db, users, bearer, catalogue, role):
    headers = bearer(users[role])
    before = checklist_counts(db)
    onsite_template = db.session.get(ChecklistVersion, catalogue["onsite"]).template_id
    attempts = {
        "import": client.post("/api/v1/checklist-templates/import", headers=headers,
                              content_type="multipart/form-data",
                              data={"file": (io.BytesIO(textio.dump_yaml(small()).encode()), "x.yaml")}),
        "publish draft": client.post(f"/api/v1/checklists/{catalogue['onsite_draft']}/publish", headers=headers),
        "publish published": client.post(f"/api/v1/checklists/{catalogue['onsite_v2']}/publish", headers=headers),
        "start draft": client.post(f"/api/v1/checklist-templates/{onsite_template}/draft", headers=headers),
        "export usable": client.get(f"/api/v1/checklists/{catalogue['onsite_v2']}/export", headers=headers),
        "export draft": client.get(f"/api/v1/checklists/{catalogue['onsite_draft']}/export?format=xlsx",
                                   headers=headers),
        "put definition": client.put(f"/api/v1/checklists/{catalogue['onsite_draft']}/definition",
                                     json=small(), headers=headers),
        "template list": client.get("/api/v1/checklist-templates", headers=headers),
    }
    assert {name: r.status_code for name, r in attempts.items()} == {name: 403 for name in attempts}
    assert checklist_counts(db) == before
    db.session.expire_all()
    assert db.session.get(ChecklistVersion, catalogue["onsite_draft"]).status == DRAFT


def test_management_actions_are_audited(client, db, users, admin_headers, api_upload):
    v1 = upload(api_upload, admin_headers, small()).get_json()
    client.post(f"/api/v1/checklists/{v1['id']}/publish", headers=admin_headers)
    v2 = client.post(f"/api/v1/checklist-templates/{v1['template_id']}/draft", headers=admin_headers).get_json()
    entries = {action: audit_actions(db, action) for action in ("checklist.import", "checklist.publish",
                                                                 "checklist.draft")}
    assert [(e.object_id, e.actor_id) for e in entries["checklist.import"]] == [(str(v1["id"]), users["admin"].id)]
    assert [(e.object_id, e.actor_id) for e in entries["checklist.publish"]] == [(str(v1["id"]), users["admin"].id)]
    assert [(e.object_id, e.actor_id) for e in entries["checklist.draft"]] == [(str(v2["id"]), users["admin"].id)]
    publish = entries["checklist.publish"][0]
    assert publish.before_hash != publish.after_hash and publish.ip is not None


def test_the_token_endpoint_works_for_checklists(client, users, token_for, catalogue):
    response = client.get("/api/v1/checklists", headers=token_for(users["remote_monitor"]))
    assert [v["code"] for v in response.get_json()] == ["remote-realtime"]


# --- seed-demo ----------------------------------------------------------------------------------------

@pytest.mark.xdist_group("seeded_demo")
def test_seed_demo_publishes_the_defaults_once(seeded_demo, db, default_doc):
    assert "onsite-service v1" in seeded_demo.output
    db.session.expire_all()
    versions = db.session.execute(select(ChecklistVersion).join(ChecklistTemplate)
                                  .order_by(ChecklistTemplate.code)).scalars().all()
    assert [(v.template.code, v.version, v.status) for v in versions] == [
        ("7s-workplace", 1, "published"), ("mystery-visit", 1, "published"),
        ("onsite-service", 1, "published"), ("remote-realtime", 1, "published")]
    for version in versions:
        name = FILES[version.template.kind]
        assert version.content_hash == content_hash(definition.dump(definition.parse(default_doc(name))))
    before = checklist_counts(db)
    audit_before = len(audit_actions(db, "checklist.publish"))

    again = seeded_demo.seed()
    assert "checklists:" not in again
    assert checklist_counts(db) == before == (4, 4)
    assert len(audit_actions(db, "checklist.publish")) == audit_before == 4
