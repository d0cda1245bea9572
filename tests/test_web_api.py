"""The web app without a browser: security headers, CSRF, sign-in rate limit, roles on
every route, blind votes over the API, no reviewer identity or appeal contact on public
routes, the claim lock under concurrency, and schemathesis against the OpenAPI schema."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from hydrawatch.store import open_store
from hydrawatch.timeutil import utcnow
from hydrawatch.verification import claims
from hydrawatch.web import create_app

from web_world import PASSWORD, build

HIGH = {"login": "10000/minute", "appeal": "10000/minute"}


@pytest.fixture(scope="module")
def site(module_db_url):
    store = open_store(module_db_url)
    world = build(store)
    app = create_app(store, secret="test-secret", limits=HIGH)
    yield {"app": app, "store": store, **world}
    store.dispose()


def client(site) -> TestClient:
    return TestClient(site["app"], base_url="https://127.0.0.1", follow_redirects=False)


def token(site, name: str) -> dict:
    r = client(site).post("/api/session", json={"name": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def signed_in(site, name: str) -> tuple[TestClient, str]:
    c = client(site)
    tok = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"name": name, "password": PASSWORD, "csrf": tok, "next": "/review"})
    assert r.status_code == 303, r.text
    return c, csrf_of(c.get("/review").text)


def test_security_headers_and_cookie(site):
    c = client(site)
    r = c.get("/list")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in r.text and 'src="/static/app.js"' in r.text
    cookie = r.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "secure" in cookie.lower() and "samesite=lax" in cookie.lower()


def test_forms_need_the_csrf_token(site):
    c = client(site)
    c.get("/login")
    r = c.post("/login", data={"name": "alice", "password": PASSWORD, "next": "/review"})
    assert r.status_code == 403
    c, tok = signed_in(site, "alice")
    assert c.post("/review/next", data={"csrf": "forged"}).status_code == 403
    assert c.post("/review/next", data={"csrf": tok}).status_code == 303
    # the API under a browser session wants the token as a header for unsafe methods
    assert c.post("/api/queue/next").status_code == 403
    assert c.post("/api/queue/next", headers={"X-CSRF-Token": tok}).status_code == 200


def test_login_is_rate_limited_and_wrong_passwords_refused(site):
    app = create_app(site["store"], secret="s", limits={"login": "3/minute"})
    c = TestClient(app, base_url="https://127.0.0.1")
    codes = [c.post("/api/session", json={"name": "alice", "password": "wrong-password"}).status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_roles_are_checked_on_every_route(site):
    cory = token(site, "cory")  # a contributor
    c = client(site)
    assert c.post("/api/queue/next", headers=cory).status_code == 403
    assert c.post(f"/api/cases/{site['cases'][1]}/votes", headers=cory,
                  json={"verdict": "reject"}).status_code == 403
    assert c.get("/api/admin/users", headers=token(site, "alice")).status_code == 403
    assert c.get("/api/admin/users", headers=token(site, "root")).status_code == 200
    assert c.get("/api/queue", headers={"Authorization": "Bearer forged"}).status_code == 401
    web, _ = signed_in(site, "cory")
    assert web.get("/admin").status_code == 403
    assert web.get("/review").status_code == 200
    for route in site["app"].routes:  # every non-public route declares a user dependency
        path = getattr(route, "path", "")
        if getattr(route, "dependant", None) is None:
            continue  # mounts (static files)
        if path.startswith(("/api/public", "/static", "/list", "/report", "/appeal", "/login",
                            "/logout", "/api/openapi", "/api/session")) or path == "/":
            continue
        deps = [d.call.__qualname__ for d in route.dependant.dependencies]
        assert any("page_user" in d or "api_user" in d for d in deps), path


def test_votes_are_blind_over_the_api(site):
    case_id = site["cases"][2]
    c = client(site)
    alice, dave = token(site, "alice"), token(site, "dave")
    ev = c.get(f"/api/cases/{case_id}", headers=alice).json()["evidence"]
    r = c.post(f"/api/cases/{case_id}/votes", headers=alice,
               json={"verdict": "confirm", "category": "propaganda", "evidence_ids": [ev[1]["id"]]})
    assert r.status_code == 200 and r.json()["state"] == "in_review"
    seen = c.get(f"/api/cases/{case_id}", headers=dave).json()
    assert seen["votes_hidden"] and seen["votes"] is None and seen["reviews"] == 1
    assert c.post(f"/api/cases/{case_id}/votes", headers=alice,
                  json={"verdict": "reject"}).status_code == 403  # a second vote


def test_public_routes_never_show_reviewers_or_contacts(site):
    store = site["store"]
    case_id = site["cases"][3]
    c = client(site)
    for name in ("alice", "bob"):
        ev = c.get(f"/api/cases/{case_id}", headers=token(site, name)).json()["evidence"]
        c.post(f"/api/cases/{case_id}/votes", headers=token(site, name),
               json={"verdict": "confirm", "category": "propaganda", "evidence_ids": [ev[1]["id"]]})
    c.post(f"/api/cases/{case_id}/comments", headers=token(site, "bob"), json={"text": "bob's note"})
    listed = c.get("/api/public/list").json()
    assert any(r["account_id"] == "103" for r in listed)
    r = c.post("/api/public/appeals", json={"account": "x:103", "contact": "secret-contact@example.invalid",
                                           "text": "not propaganda"})
    assert r.status_code == 201 and "secret-contact" not in r.text
    for path in ("/list", "/report", "/appeal", "/api/public/list", "/api/public/report",
                 "/list?q=target3"):
        body = c.get(path).text
        for secret in ("alice", "bob", "nina", "root", "OrgA", "OrgB", "secret-contact"):
            assert secret not in body, (path, secret)
    assert "secret-contact" in c.get("/api/admin/appeals", headers=token(site, "root")).text


def test_claim_lock_hands_each_case_to_one_reviewer(site, is_postgres):
    store = site["store"]
    names = ["alice", "bob", "carol", "dave"]
    got: dict[str, int | None] = {}
    barrier = threading.Barrier(len(names))

    def claim(name):
        barrier.wait()
        got[name] = claims.claim_next(store, name)

    threads = [threading.Thread(target=claim, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    taken = [v for v in got.values() if v is not None]
    assert len(taken) == len(set(taken)) == len(names), got
    # an expired claim is free again; a live one is not
    later = utcnow() + timedelta(minutes=16)
    assert claims.claim_of(store, got["alice"]) == {"user": "alice", "expires_at": claims.claim_of(
        store, got["alice"])["expires_at"]}
    assert claims.claim_of(store, got["alice"], now=later) is None
    assert claims.release(store, got["bob"], "bob") and claims.claim_of(store, got["bob"]) is None


def test_media_settings_follow_org_then_user(site):
    from hydrawatch.verification import media_prefs

    store = site["store"]
    assert media_prefs.media_settings(store, "carol")["blur"] is True
    media_prefs.set_org_media(store, "OrgC", blur=False, greyscale=True, by_user="root")
    s = media_prefs.media_settings(store, "carol")
    assert s["blur"] is False and s["blur_source"] == "organisation"
    media_prefs.set_user_media(store, "carol", blur=True, greyscale=None)
    s = media_prefs.media_settings(store, "carol")
    assert s["blur"] is True and s["blur_source"] == "user" and s["greyscale"] is True
    media_prefs.set_user_media(store, "carol", blur=None, greyscale=None)
    media_prefs.set_org_media(store, "OrgC", blur=True, greyscale=True, by_user="root")


def test_list_upload_shows_rows(site):
    web, tok = signed_in(site, "cory")
    data = "@target4\n@nobody_yet\nhttps://x.com/\n\n# a comment\n"
    r = web.post("/lists", data={"csrf": tok, "name": "cory-list"},
                 files={"file": ("cory.txt", data.encode(), "text/plain")})
    assert r.status_code == 200 and "1 resolved, 1 pending, 1 rejected" in r.text
    list_id = re.search(r'href="/lists/(\d+)"', r.text).group(1)
    page = web.get(f"/lists/{list_id}").text
    assert "resolved" in page and "pending" in page and "nobody_yet" in page


def test_api_schema_has_no_server_errors(site):
    """Every operation of the OpenAPI schema, fed schemathesis-generated requests (bounded
    examples per operation, signed in as an admin so every route is reached), never
    answers 5xx."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", site["app"])
    headers = token(site, "root")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    for op in operations:
        @given(case=op.as_strategy())
        @settings(max_examples=6, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=headers, checks=[schemathesis.checks.not_a_server_error])

        run()
