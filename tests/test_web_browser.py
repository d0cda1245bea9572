"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against the app
served by uvicorn on 127.0.0.1, on SQLite or PostgreSQL (HYDRAWATCH_TEST_PG). One server for
the module. Screenshots of the queue, a case, a family and the dashboard go to
tests/screenshots/ (or $HYDRAWATCH_SCREENSHOTS)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest

from hydrawatch.store import open_store
from hydrawatch.web import create_app

from web_world import HOSTILE_HANDLE, PASSWORD, ServerThread, build

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="needs Debian's chromium (apt-get install chromium)")
SHOTS = Path(os.environ.get("HYDRAWATCH_SCREENSHOTS") or Path(__file__).with_name("screenshots"))
VIEWPORT = {"width": 1366, "height": 768}  # a laptop screen


@pytest.fixture(scope="module")
def site(module_db_url):
    store = open_store(module_db_url)
    world = build(store)
    app = create_app(store, secret="test-secret", limits={"login": "1000/minute",
                                                          "appeal": "1000/minute"})
    with ServerThread(app) as server:
        yield {"url": server.url, "store": store, **world}
    store.dispose()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def new_page(browser, site):
    ctx = browser.new_context(viewport=VIEWPORT, base_url=site["url"])
    page = ctx.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page


def add_outcomes(site):
    """Reports on three cases and the platform's later answers, as report/track leave them."""
    from datetime import timedelta

    from hydrawatch.store.schema import Report, Status
    from web_world import T0

    with site["store"].session() as db:
        for n, case_id in enumerate(site["cases"][3:6]):
            aid = str(103 + n)
            db.add(Report(case_id=case_id, recipient="x", channel="form", reference=f"r{n}",
                          status="sent", sent_at=T0 + timedelta(days=3), extra={}))
            db.add(Status(platform="x", account_id=aid, handle_norm=f"target{3 + n}",
                          status="suspended" if n < 2 else "active",
                          observed_at=T0 + timedelta(days=4 + n), source="track"))


def sign_in(browser, site, name: str):
    page = new_page(browser, site)
    page.goto("/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(re.compile(r"/review"))
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def case_of(page) -> int:
    return int(re.search(r"/cases/(\d+)", page.url).group(1))


def test_signed_out_requests_are_refused(site):
    with httpx.Client(base_url=site["url"], follow_redirects=False) as client:
        for path in ("/review", f"/cases/{site['cases'][0]}", "/dashboard", "/lists", "/admin",
                     "/families/x:100", "/settings"):
            r = client.get(path)
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
        for method, path in (("GET", "/api/queue"), ("POST", "/api/queue/next"),
                             ("GET", f"/api/cases/{site['cases'][0]}"), ("GET", "/api/admin/users"),
                             ("GET", "/api/dashboard")):
            r = client.request(method, path)
            assert r.status_code == 401, (method, path)
        assert client.post("/review/next", data={"csrf": "x"}).status_code == 403  # no CSRF token


def test_sign_in_claim_reveal_verify_publish_and_appeal(browser, site):
    alice = sign_in(browser, site, "alice")
    assert alice.locator("h1").inner_text() == "Review queue"
    shot(alice, "queue")
    alice.click("#next-case")
    alice.wait_for_url(re.compile(r"/cases/\d+$"))
    case_id = case_of(alice)
    assert "claimed by alice" in alice.inner_text(".casehead")
    figure = alice.locator("figure.media").first
    assert "blurred" in figure.get_attribute("class") and "grey" in figure.get_attribute("class")
    assert "blur(" in figure.locator("svg").evaluate("e => getComputedStyle(e).filter")
    shot(alice, "case")
    alice.click("a[data-reveal] >> nth=0")
    assert "blurred" not in alice.locator("figure.media").first.get_attribute("class")
    assert "blur(" not in figure.locator("svg").evaluate("e => getComputedStyle(e).filter")
    # blind vote: confirm with the keyboard shortcut, a category and cited evidence
    alice.keyboard.press("c")
    assert alice.is_checked("#v-confirm")
    alice.select_option("#category", "propaganda")
    alice.check("#vote-form input[name=evidence] >> nth=1")
    alice.click("#vote-submit")
    alice.wait_for_url(re.compile(rf"/cases/{case_id}\?msg="))
    assert "case in_review" in alice.inner_text(".flash")
    # a reviewer of another organisation sees no votes until voting, then verifies
    bob = sign_in(browser, site, "bob")
    bob.goto(f"/cases/{case_id}")
    assert "they stay hidden until you vote" in bob.inner_text("#vote-h + p")
    assert "alice" not in bob.inner_text("aside").replace("claimed by alice", "")
    bob.check("#v-confirm")
    bob.select_option("#category", "propaganda")
    bob.check("#vote-form input[name=evidence] >> nth=1")
    bob.click("#vote-submit")
    assert "case verified" in bob.inner_text(".flash")
    assert "alice" in bob.inner_text(".votes")  # after voting, votes show
    handle = bob.inner_text(".casehead h1").split("@", 1)[1].strip()
    # the public list (signed out) shows it, without any reviewer name
    public = new_page(browser, site)
    public.goto("/list?q=" + handle)
    table = public.inner_text("table")
    row = public.locator("tbody tr").first
    assert handle in table and row.locator("td.num").first.inner_text() == "2"  # two orgs confirmed
    assert "alice" not in public.content() and "bob" not in public.content()
    # appeal, signed out
    public.click("table a:has-text('Appeal')")
    assert public.input_value("#account").startswith("x:")
    public.fill("#contact", "appellant@example.invalid")
    public.fill("#text", "This account reports on the movement; it does not support it.")
    public.click("button:has-text('Send appeal')")
    assert "Your appeal was received" in public.inner_text("main")
    assert "appellant@example.invalid" not in public.content()
    public.goto("/list")
    assert "appellant@example.invalid" not in public.content()
    for page in (alice, bob, public):
        page.context.close()


def test_hostile_post_renders_inert_and_layout_holds(browser, site):
    carol = sign_in(browser, site, "carol")
    carol.goto(f"/cases/{site['hostile']}")
    carol.click("a[data-reveal] >> nth=0")
    text = carol.inner_text("main")
    assert "<script>alert('xss')</script>" in text  # shown as text
    assert "javascript:alert(3)" in text
    assert carol.locator("script").count() == 1  # only /static/app.js
    assert carol.locator("[onerror]").count() == 0
    assert carol.locator("a[href^='javascript']").count() == 0
    assert carol.locator("main img").count() == 0
    assert HOSTILE_HANDLE in carol.inner_text(".casehead h1")
    assert carol.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    vote_box = carol.locator("#vote-h").bounding_box()
    assert vote_box["x"] + vote_box["width"] <= VIEWPORT["width"]
    assert carol.dialogs == []
    shot(carol, "case-hostile")
    carol.context.close()


def test_two_browsers_get_different_next_cases(browser, site):
    carol = sign_in(browser, site, "carol")
    dave = sign_in(browser, site, "dave")
    carol.click("#next-case")
    dave.click("#next-case")
    carol.wait_for_url(re.compile(r"/cases/\d+$"))
    dave.wait_for_url(re.compile(r"/cases/\d+$"))
    first, dave_case = case_of(carol), case_of(dave)
    assert first != dave_case
    # asking again keeps one's own claim
    carol.goto("/review")
    carol.click("#next-case")
    carol.wait_for_url(re.compile(r"/cases/\d+$"))
    assert case_of(carol) == first
    dave.goto("/review")
    assert "being reviewed" in dave.inner_text("table")
    # skipping hands over a different case
    carol.keyboard.press("s")
    carol.wait_for_url(re.compile(r"/review$"))
    carol.click("#next-case")
    carol.wait_for_url(re.compile(r"/cases/\d+$"))
    assert case_of(carol) not in (first, dave_case)
    for page in (carol, dave):
        page.context.close()


def test_family_and_dashboard_pages(browser, site):
    root = sign_in(browser, site, "root")
    root.goto(f"/cases/{site['family']}")
    root.click("a:has-text('Hydra family timeline')")
    root.wait_for_url(re.compile(r"/families/"))
    items = root.locator("ol.timeline > li")
    assert items.count() == 3
    assert "suspended" in items.nth(0).inner_text()
    assert root.locator("svg rect.tl-removed").count() == 1
    shot(root, "family")
    add_outcomes(site)
    root.goto("/dashboard")
    assert root.locator("figure.chart").count() >= 5
    assert root.locator("figure.chart svg path.line").count() == 1  # the survival curve
    assert "Median time to removal" in root.inner_text("main")
    shot(root, "dashboard")
    root.goto("/admin/audit")
    root.click("button:has-text('Verify the whole chain')")
    assert "The chain is intact" in root.inner_text("main")
    root.context.close()
