"""The bank's tree as a boundary: every bank-side role, bound to a city branch (苏州分行) and to a sub-branch
(相城支行), against every GET route of the API and the pages, and every write route with what lies beside.

The routes are the app's url_map, read at test time, so a route added later is checked too. Each is
fetched with the ids of what lies beside the user's node (another city's outlet, its tellers, its
inspection, findings, notice, complaint, manager, nodes); whatever answers may not hold any of it: no
row whose outlet_id, staff_id or node id is beside, no code, name, username or customer beside, in
JSON, HTML, CSV or a PDF's text. Positive checks prove the user still sees its own part."""
from __future__ import annotations

import json
import re

import pytest
from flask import request_started

from core.extensions import db as _db
from tests.org.node_scope_world import BANK_SIDE, LEVELS, World, build
from tests.rectification.helpers import pdf_text
from tests.support import clear_request_globals, empty_database

pytestmark = pytest.mark.xdist_group("node_scope_world")

SKIPPED = ("/static/", "/app/", "/api/docs", "/lang/", "/verify/", "/logout", "/healthz", "/login")
KIND_BY_SEGMENT = {"outlets": "outlet", "counters": "counter", "staff": "staff", "users": "user", "branches": "node",
                   "findings": "finding", "notices": "notice", "complaints": "complaint", "inspections": "inspection",
                   "scorecards": "staff"}
RESOURCES = ("outlets", "counters", "staff", "users", "vendors", "branches")
ID_KEYS = {"outlet_id": "outlet", "staff_id": "staff", "branch_id": "node", "node_id": "node",
           "scope_node_id": "node", "parent_id": "node", "counter_id": "counter"}


@pytest.fixture(scope="module")
def world(app):
    request_started.connect(clear_request_globals, app)
    with app.app_context():
        try:
            yield build(app)
        finally:
            request_started.disconnect(clear_request_globals, app)
            empty_database()


@pytest.fixture
def db(world):
    yield _db
    _db.session.rollback()


def _value(argument: str, converter: str, segment: str, part, today: str) -> str | None:
    if argument in ("uuid",):
        return part.uuids[0]
    if argument == "photo_uuid":
        return "00000000-0000-4000-8000-000000000000"
    if argument == "month_text":
        return today
    if argument == "quarter_text":
        return f"{today[:4]}-Q{(int(today[5:]) - 1) // 3 + 1}"
    if argument == "extension":
        return "csv"
    if converter == "int":
        kind = KIND_BY_SEGMENT.get(segment)
        return str(part.ids[kind][0]) if kind else "1"
    return None


def urls(rule: str, part, today: str) -> list[str]:
    """The rule's URLs aimed at what lies in `part` (each named resource of the admin pages in turn)."""
    if "<name>" in rule:
        return [url for name in RESOURCES for url in urls(rule.replace("<name>", name), part, today)]
    url, segment = "", ""
    for piece in re.split(r"(<[^>]+>)", rule):
        if not piece.startswith("<"):
            url += piece
            segment = [s for s in piece.split("/") if s][-1] if piece.strip("/.") else segment
            continue
        converter, _, argument = piece[1:-1].rpartition(":")
        value = _value(argument, converter.split("(")[0], segment, part, today)
        if value is None:
            return []
        url += value
    return [url]


def _text(response) -> str:
    kind = response.content_type or ""
    if "pdf" in kind:
        return pdf_text(response.data)
    if "spreadsheetml" in kind:
        return ""  # the ledger's and lists' workbooks hold the same rows as their CSV, which is read
    return response.get_data(as_text=True)


def _ids(value, found: list[tuple[str, int]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ID_KEYS and isinstance(inner, int):
                found.append((ID_KEYS[key], inner))
            _ids(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _ids(inner, found)


def leaks(response, beside) -> list[str]:
    text = _text(response)
    found = [marker for part in beside for marker in part.markers if marker in text]
    if response.is_json:
        named: list[tuple[str, int]] = []
        _ids(response.get_json(), named)
        found += [f"{kind} #{ident}" for kind, ident in named for part in beside if ident in part.ids.get(kind, ())]
    return found


def _rules(world: World, api: bool, methods=("GET",)) -> list[str]:
    return sorted({rule.rule for rule in world.app.url_map.iter_rules()
                   if set(methods) & rule.methods and rule.rule.startswith("/api/") == api
                   and not rule.rule.startswith(SKIPPED)})


def _today() -> str:
    from core.clock import local_today
    return local_today().strftime("%Y-%m")


def _sweep(world: World, level: str, role: str, *, api: bool) -> list[str]:
    """Every GET route aimed at what lies beside: what broke, and what answered with something beside."""
    browser, problems = world.browsers[(level, role)], []
    headers = world.headers[(level, role)] if api else {}
    for rule in _rules(world, api=api):
        for part in world.beside(level):
            for url in urls(rule, part, _today()):
                response = browser.get(url, headers=headers)
                if response.status_code >= 500:
                    problems.append(f"{url}: {response.status_code}")
                elif response.status_code == 200 and (found := leaks(response, world.beside(level))):
                    problems.append(f"{url}: {found[:4]}")
    return problems


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", BANK_SIDE)
def test_no_api_answer_holds_anything_beside_the_node(world, level, role):
    assert _sweep(world, level, role, api=True) == []


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", BANK_SIDE)
def test_no_page_holds_anything_beside_the_node(world, level, role):
    assert _sweep(world, level, role, api=False) == []


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_still_sees_its_own_part(world, level):
    headers = world.headers[(level, "admin")]
    browser = world.browsers[(level, "admin")]
    outlets = browser.get("/api/v1/outlets/", headers=headers).get_json()
    findings = browser.get("/api/v1/findings", headers=headers).get_json()
    finding_outlets = {row["outlet_id"] for row in findings}
    league = browser.get("/reports/league").get_data(as_text=True)
    for part in world.within(level):
        assert set(part.ids["outlet"]) <= {row["id"] for row in outlets}
        assert set(part.ids["outlet"]) & finding_outlets
        assert part.markers[2] in league  # the first outlet's code
    users = {row["username"] for row in browser.get("/api/v1/users/", headers=headers).get_json()}
    assert {f"{role}_sub_branch" for role in BANK_SIDE} <= users
    assert ({f"{role}_city" for role in BANK_SIDE} <= users) == (level == "city")  # never above its own node
    assert "admin_all" not in users


def _write_rules(world: World) -> list[tuple[str, str]]:
    methods = ("POST", "PUT", "PATCH", "DELETE")
    return sorted({(rule.rule, method) for rule in world.app.url_map.iter_rules() for method in methods
                   if method in rule.methods and rule.rule.startswith("/api/") and "<" in rule.rule
                   and not rule.rule.startswith(SKIPPED)})


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", BANK_SIDE)
def test_no_write_reaches_anything_beside_the_node(world, level, role):
    """Every API write aimed at an object beside: nothing succeeds, nothing breaks."""
    headers, problems = world.headers[(level, role)], []
    for rule, method in _write_rules(world):
        for part in world.beside(level):
            for url in urls(rule, part, _today()):
                response = world.browsers[(level, role)].open(url, method=method, json={}, headers=headers)
                if response.status_code >= 500 or response.status_code < 400:
                    problems.append(f"{method} {url}: {response.status_code} {json.dumps(response.get_json())[:120]}")
    _db.session.rollback()
    assert problems == []


@pytest.mark.parametrize("level", LEVELS)
def test_a_node_admin_creates_only_within_its_node(world, level):
    """Refused (403, in Chinese, nothing written) beside its node, at the top, or for the whole tree; accepted
    within it."""
    headers, client = world.headers[(level, "admin")], world.browsers[(level, "admin")]
    own = world.nodes["suzhou" if level == "city" else "xiangcheng"]
    beside_outlet = world.parts["wuxi"].ids["outlet"][0]
    refused = [
        ("POST", "/api/v1/outlets/", {"branch_id": world.nodes["xishan"], "code": "X9", "name": "新网点"}),
        ("POST", "/api/v1/staff/", {"outlet_id": beside_outlet, "employee_no": "X9-1", "name": "某", "position": "teller"}),
        ("POST", "/api/v1/users/", {"username": "wx_viewer", "role": "viewer", "password": "Strong-pass-2026",
                                    "scope_node_id": world.nodes["wuxi"]}),
        ("POST", "/api/v1/users/", {"username": "all_viewer", "role": "viewer", "password": "Strong-pass-2026"}),
        ("POST", "/api/v1/users/", {"username": "w_manager", "role": "outlet_manager", "password": "Strong-pass-2026",
                                    "outlet_id": beside_outlet}),
        ("PATCH", f"/api/v1/vendors/{world.vendor_id}", {"name": "某调研"}),  # the whole bank's vendor
        ("POST", "/api/v1/branches/", {"code": "N9", "name": "新支行", "level": "sub_branch",
                                       "parent_id": world.nodes["wuxi"]}),
        ("POST", "/api/v1/branches/", {"code": "N8", "name": "新分行", "level": "city"}),
        ("PATCH", f"/api/v1/branches/{own}", {"parent_id": world.nodes["wuxi"] if level == "sub_branch" else None}),
        ("PATCH", f"/api/v1/staff/{world.parts['xiangcheng'].ids['staff'][0]}", {"outlet_id": beside_outlet, "counter_id": None}),
    ]
    for method, url, body in refused:
        response = client.open(url, method=method, json=body, headers={**headers, "Accept-Language": "zh"})
        assert response.status_code == 403, (url, body, response.get_json())
        assert "你" in response.get_json()["message"] or "您" in response.get_json()["message"], response.get_json()
    _db.session.rollback()
    made = client.post("/api/v1/users/", json={"username": f"own_viewer_{level}", "role": "viewer",
                                                "password": "Strong-pass-2026", "scope_node_id": own}, headers=headers)
    assert made.status_code == 201, made.get_json()
    outlet = client.post("/api/v1/outlets/", json={"branch_id": world.nodes["xiangcheng"], "code": f"N{level[:2]}",
                                                   "name": f"新网点{level}"}, headers=headers)
    assert outlet.status_code == 201, outlet.get_json()


@pytest.mark.parametrize("level", LEVELS)
def test_a_node_bound_reader_s_dashboard_is_its_node_s(world, level):
    page = world.browsers[(level, "viewer")].get(f"/reports/dashboard?month={_today()}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    node = "苏州分行" if level == "city" else "相城支行"
    assert f"· {node} ·" in text
    inspections = sum(len(part.ids["inspection"]) for part in world.within(level))
    onsite = re.search(r"现场服务检查</span><b>[^<]*</b><span>(\d+)", text)
    assert onsite is not None and int(onsite.group(1)) == inspections, text[:3000]
    for part in world.within(level):
        assert part.markers[3] in text  # the first outlet's name, in the league table
