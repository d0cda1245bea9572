"""Each platform client against its documented responses (httpx mock transport): success,
suspended, not found, 429 with the platform's own reset header, 5xx then success, timeout."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest
import stamina

from hydrawatch.platforms import AccountRef, get_platform
from hydrawatch.platforms.client import RateLimited, ReportRequest, Unavailable

NOW = 1_800_000_000.0
X_ENV = {"HYDRAWATCH_X_BEARER_TOKEN": "t0ken"}
MASTO_ENV = {"HYDRAWATCH_MASTODON_TOKEN": "m0"}
BSKY_ENV = {"HYDRAWATCH_BSKY_HANDLE": "watch.example", "HYDRAWATCH_BSKY_APP_PASSWORD": "app-pw"}
NF = "https://api.twitter.com/2/problems/resource-not-found"


@pytest.fixture(autouse=True)
def _no_backoff_sleeps():
    with stamina.set_testing(True, attempts=10, cap=True):
        yield


class Script:
    """A mock transport that answers each request with the next scripted answer (a
    response, or an exception to raise) and keeps the requests."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def client_for(platform: str, script: Script, env: dict):
    client = get_platform(platform).client(httpx.Client(transport=httpx.MockTransport(script)), env)
    client.clock = lambda: NOW
    client.slept = []
    client.sleep = client.slept.append
    return client


def j(status: int, body, **headers) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


# -- X API v2 --------------------------------------------------------------------------------

X_PAGE = {
    "data": [{"id": "1710000000000000001", "username": "Example_One", "name": "Example One"}],
    "errors": [
        {"value": "1710000000000000003", "detail": "User has been suspended: [1710000000000000003].",
         "title": "Forbidden", "resource_type": "user", "parameter": "ids",
         "resource_id": "1710000000000000003", "type": NF},
        {"value": "1710000000000000004", "detail": "Could not find user with ids: [1710000000000000004].",
         "title": "Not Found Error", "resource_type": "user", "parameter": "ids",
         "resource_id": "1710000000000000004", "type": NF.replace("api.twitter.com", "api.x.com")},
    ]}


def x_refs(*ids):
    return [AccountRef("x", account_id=i) for i in ids]


def test_x_ids_lookup_maps_active_suspended_and_not_found():
    script = Script(j(200, X_PAGE, **{"x-rate-limit-remaining": "299", "x-rate-limit-reset": str(int(NOW) + 900)}))
    client = client_for("x", script, {**X_ENV, "HYDRAWATCH_X_API_URL": "http://127.0.0.1:9/"})
    got = client.check(x_refs("1710000000000000001", "1710000000000000003", "1710000000000000004"))
    assert [r.status for r in got] == ["active", "suspended", "not_found"]
    assert got[0].handle == "Example_One"
    req = script.requests[0]
    assert str(req.url).startswith("http://127.0.0.1:9/2/users?")
    assert req.url.params["ids"] == "1710000000000000001,1710000000000000003,1710000000000000004"
    assert req.headers["authorization"] == "Bearer t0ken"


def test_x_usernames_lookup_and_the_type_matched_by_path_only():
    page = {"errors": [
        {"value": "gone_one", "detail": "User has been suspended: [gone_one].", "title": "Forbidden",
         "resource_type": "user", "parameter": "usernames", "resource_id": "gone_one",
         "type": "https://api.x.com/2/problems/resource-not-found"},
        {"value": "private_one", "detail": "Sorry, you are not authorized to see the user.",
         "title": "Authorization Error", "resource_type": "user", "parameter": "usernames",
         "resource_id": "private_one", "type": "https://api.x.com/2/problems/not-authorized-for-resource"},
    ]}
    script = Script(j(200, page))
    got = client_for("x", script, X_ENV).check([AccountRef("x", "gone_one"), AccountRef("x", "private_one")])
    assert [r.status for r in got] == ["suspended", "unknown"]
    assert script.requests[0].url.path == "/2/users/by"
    assert script.requests[0].url.params["usernames"] == "gone_one,private_one"


def test_x_429_waits_until_x_rate_limit_reset_then_succeeds():
    script = Script(j(429, {"title": "Too Many Requests", "status": 429},
                      **{"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(NOW) + 30)}),
                    j(200, X_PAGE))
    client = client_for("x", script, X_ENV)
    got = client.check(x_refs("1710000000000000001"))
    assert got[0].status == "active" and client.slept == [30.0] and len(script.requests) == 2


def test_x_429_beyond_max_wait_is_a_recorded_rate_limit_not_a_crash():
    script = Script(j(429, {}, **{"x-rate-limit-reset": str(int(NOW) + 900)}))
    client = client_for("x", script, X_ENV)
    with pytest.raises(RateLimited) as err:
        client.check(x_refs("1710000000000000001"))
    assert err.value.retry_at == datetime.fromtimestamp(NOW + 900, timezone.utc)
    assert client.slept == [] and len(script.requests) == 1


def test_x_5xx_then_success_and_timeouts_exhausted():
    script = Script(j(503, {"title": "Service Unavailable"}), j(500, {}), j(200, X_PAGE))
    assert client_for("x", script, X_ENV).check(x_refs("1710000000000000001"))[0].status == "active"
    assert len(script.requests) == 3
    script = Script(*[httpx.ReadTimeout("slow")] * 4)
    with pytest.raises(Unavailable, match="timed out"):
        client_for("x", script, X_ENV).check(x_refs("1710000000000000001"))
    assert len(script.requests) == 4


def test_x_remaining_zero_makes_the_next_call_wait():
    script = Script(j(200, X_PAGE, **{"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(NOW) + 12)}),
                    j(200, X_PAGE))
    client = client_for("x", script, X_ENV)
    client.check(x_refs("1710000000000000001"))
    client.check(x_refs("1710000000000000001"))
    assert client.slept == [12.0]


def test_x_has_no_report_endpoint_and_needs_a_token():
    from hydrawatch.platforms.client import NotConfigured

    client = client_for("x", Script(), {})
    with pytest.raises(NotConfigured, match="HYDRAWATCH_X_BEARER_TOKEN"):
        client.check(x_refs("1"))
    with pytest.raises(NotConfigured, match="report pack"):
        client.report(ReportRequest(1, "x", "1", "h"))


# -- Mastodon --------------------------------------------------------------------------------

def masto_account(id_, acct, **extra):
    return {"id": id_, "username": acct.split("@")[0], "acct": acct, "display_name": "",
            "locked": False, "bot": False, "created_at": "2025-01-01T00:00:00.000Z",
            "url": f"https://social.example/@{acct}", **extra}


def test_mastodon_lookup_on_each_accounts_own_instance():
    script = Script(j(200, masto_account("1", "alice")),
                    j(200, masto_account("2", "bob", suspended=True)),
                    httpx.Response(404, json={"error": "Record not found"}),
                    httpx.Response(410, json={"error": "Gone"}))
    refs = [AccountRef("mastodon", h) for h in
            ("alice@social.example", "bob@social.example", "carol@other.example", "dan@old.example")]
    got = client_for("mastodon", script, {}).check(refs)
    assert [r.status for r in got] == ["active", "suspended", "not_found", "suspended"]
    assert got[0].account_id == "1"
    assert [str(r.url) for r in script.requests[:3]] == [
        "https://social.example/api/v1/accounts/lookup?acct=alice",
        "https://social.example/api/v1/accounts/lookup?acct=bob",
        "https://other.example/api/v1/accounts/lookup?acct=carol"]


def test_mastodon_429_waits_until_the_iso_reset_time():
    reset = datetime.fromtimestamp(NOW + 45, timezone.utc).isoformat().replace("+00:00", ".000000Z")
    script = Script(j(429, {"error": "Too many requests"},
                      **{"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}),
                    j(200, masto_account("1", "alice")))
    client = client_for("mastodon", script, {"HYDRAWATCH_MASTODON_URL": "http://127.0.0.1:9"})
    assert client.check([AccountRef("mastodon", "alice@social.example")])[0].status == "active"
    assert client.slept == [45.0]
    assert str(script.requests[1].url) == "http://127.0.0.1:9/api/v1/accounts/lookup?acct=alice%40social.example"


def test_mastodon_5xx_then_success_and_timeout():
    script = Script(j(502, {}), j(200, masto_account("1", "alice")))
    assert client_for("mastodon", script, {}).check([AccountRef("mastodon", "alice@social.example")])[0].status == "active"
    # one account timing out is recorded as unknown; the others in the batch still get asked
    script = Script(*[httpx.ConnectTimeout("slow")] * 4, j(200, masto_account("2", "bob")))
    got = client_for("mastodon", script, {}).check([AccountRef("mastodon", "alice@social.example"),
                                                     AccountRef("mastodon", "bob@social.example")])
    assert [r.status for r in got] == ["unknown", "active"] and "timed out" in got[0].detail


def test_mastodon_report_cites_the_servers_violence_rules_and_keeps_the_comment_short():
    rules = [{"id": "1", "text": "No spam", "hint": ""},
             {"id": "4", "text": "No promotion of terrorism or violent extremism", "hint": ""},
             {"id": "6", "text": "Be kind", "hint": "no hate speech"}]
    script = Script(j(200, masto_account("77", "alice@social.example")), j(200, rules),
                    j(200, {"id": "9001", "action_taken": False, "category": "violation",
                            "comment": "...", "forwarded": True, "status_ids": ["5"], "rule_ids": ["4", "6"],
                            "target_account": masto_account("77", "alice@social.example")}))
    client = client_for("mastodon", script, {**MASTO_ENV, "HYDRAWATCH_MASTODON_URL": "https://home.example"})
    req = ReportRequest(1, "mastodon", "12", "alice@social.example", category="propaganda",
                        post_ids=["5"], evidence=["ab" * 32] * 40)
    receipt = client.report(req)
    assert receipt.reference == "9001" and receipt.extra["rule_ids"] == ["4", "6"]
    post = script.requests[2]
    assert post.method == "POST" and post.url.path == "/api/v1/reports"
    form = httpx.QueryParams(post.content.decode())
    assert form["account_id"] == "77" and form["category"] == "violation" and form["forward"] == "true"
    assert form.get_list("rule_ids[]") == ["4", "6"] and form.get_list("status_ids[]") == ["5"]
    assert len(form["comment"]) <= 1000
    assert post.headers["authorization"] == "Bearer m0"


def test_mastodon_ban_evasion_is_said_in_the_comment():
    script = Script(j(200, masto_account("77", "alice2")), j(200, []), j(200, {"id": "5"}))
    client = client_for("mastodon", script, MASTO_ENV)
    client.report(ReportRequest(1, "mastodon", "12", "alice2@social.example",
                                predecessor=AccountRef("mastodon", "alice@social.example", "11")))
    form = httpx.QueryParams(script.requests[2].content.decode())
    assert form["category"] == "other" and "ban evasion" in form["comment"]
    assert "mastodon:11" in form["comment"]


# -- Bluesky ---------------------------------------------------------------------------------

def profile(did, handle):
    return {"did": did, "handle": handle, "displayName": "", "followersCount": 1}


def test_bluesky_get_profiles_then_get_profile_tells_why_one_is_missing():
    script = Script(
        j(200, {"profiles": [profile("did:plc:aaa", "alice.bsky.social")]}),
        j(400, {"error": "AccountTakedown", "message": "Account has been suspended"}),
        j(400, {"error": "AccountDeactivated", "message": "Account is deactivated"}),
        j(400, {"error": "InvalidRequest", "message": "Profile not found"}))
    refs = [AccountRef("bluesky", account_id=d) for d in ("did:plc:aaa", "did:plc:bbb", "did:plc:ccc", "did:plc:ddd")]
    got = client_for("bluesky", script, {}).check(refs)
    assert [r.status for r in got] == ["active", "takendown", "deactivated", "not_found"]
    first = script.requests[0]
    assert first.url.path == "/xrpc/app.bsky.actor.getProfiles"
    assert first.url.params.get_list("actors") == ["did:plc:aaa", "did:plc:bbb", "did:plc:ccc", "did:plc:ddd"]
    assert str(first.url).startswith("https://public.api.bsky.app/")
    assert script.requests[1].url.params["actor"] == "did:plc:bbb"


def test_bluesky_429_waits_for_ratelimit_reset_and_5xx_retries():
    script = Script(j(429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                      **{"RateLimit-Limit": "3000", "RateLimit-Remaining": "0",
                         "RateLimit-Reset": str(int(NOW) + 7), "RateLimit-Policy": "3000;w=300"}),
                    j(500, {"error": "InternalServerError"}),
                    j(200, {"profiles": [profile("did:plc:aaa", "alice.bsky.social")]}))
    client = client_for("bluesky", script, {"HYDRAWATCH_BSKY_URL": "http://127.0.0.1:9"})
    assert client.check([AccountRef("bluesky", "alice.bsky.social")])[0].status == "active"
    assert client.slept == [7.0] and str(script.requests[0].url).startswith("http://127.0.0.1:9/xrpc/")


def test_bluesky_timeout_is_unavailable():
    with pytest.raises(Unavailable):
        client_for("bluesky", Script(*[httpx.ReadTimeout("slow")] * 4), {}).check(
            [AccountRef("bluesky", account_id="did:plc:aaa")])


@pytest.mark.parametrize("predecessor, reason", [
    (None, "tools.ozone.report.defs#reasonViolenceExtremistContent"),
    (AccountRef("bluesky", "old.bsky.social", "did:plc:old"), "tools.ozone.report.defs#reasonRuleBanEvasion"),
])
def test_bluesky_create_report(predecessor, reason):
    script = Script(j(200, {"did": "did:plc:me", "handle": "watch.example", "accessJwt": "jwt1", "refreshJwt": "r"}),
                    j(200, {"id": 4242, "reasonType": reason, "subject": {}, "reportedBy": "did:plc:me",
                            "createdAt": "2026-01-01T00:00:00.000Z"}))
    client = client_for("bluesky", script, BSKY_ENV)
    receipt = client.report(ReportRequest(1, "bluesky", "did:plc:new", "new.bsky.social", predecessor=predecessor))
    assert receipt.reference == "4242" and receipt.extra["reason_type"] == reason
    login, post = script.requests
    assert login.url.path == "/xrpc/com.atproto.server.createSession" and str(login.url).startswith("https://bsky.social/")
    body = httpx.Response(200, content=post.content).json()
    assert body["reasonType"] == reason
    assert body["subject"] == {"$type": "com.atproto.admin.defs#repoRef", "did": "did:plc:new"}
    assert post.headers["authorization"] == "Bearer jwt1"
    assert post.headers["atproto-proxy"] == "did:plc:ar7c4by46qjdydhdevvrndac#atproto_labeler"
    if predecessor:
        assert "bluesky:did:plc:old" in body["reason"]


def test_reset_parsers_agree_on_the_same_instant():
    from hydrawatch.platforms.client import iso_reset, unix_reset

    t = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
    assert unix_reset(str(int(t.timestamp()))) == iso_reset("2026-03-01T10:00:00.000Z") == t.timestamp()
    assert (datetime.fromtimestamp(iso_reset("2026-03-01T10:05:00Z"), timezone.utc) - t) == timedelta(minutes=5)
