"""In a real browser, issue 15's journey whole: an officer records an inspection with a photo,
a reviewer confirms it, the site is proposed at risk by the rule and the reviewer lists it; then
the public finds it on the register page, on the map's at-risk layer at its grid square (the
site is S1), and in its passport, with none of the staff's notes or the exact point."""

import json

from django.utils import timezone
from playwright.sync_api import expect

from registry.models import AtRiskEntry, Inspection
from registry.services.demo import demo_accounts_ensure
from tests.factories import HeritageSiteFactory
from tests.officer.test_browser_flow import _login, _photo
from tests.passport.conftest import coordinate_spellings, pdf_text, raw_streams


def test_officer_inspects_reviewer_confirms_and_lists_at_risk(
    live_site, page, screenshot, tmp_path
):
    demo_accounts_ensure()
    site = HeritageSiteFactory(published=True, sensitivity="S1", condition="satisfactory")
    base = live_site.url
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    _login(page, base, "officer", "mura-officer-demo")
    page.goto(f"{base}/officer/sites/{site.registry_number}/")
    with page.expect_navigation():
        page.click("#monitoring a[href$='/inspections/new/']")
    page.fill("#id_inspected_on", f"{timezone.localdate():%Y-%m-%d}")
    page.select_option("#id_condition", "critical")
    page.fill("#id_notes", "The north wall has collapsed; fresh looters' pits.")
    page.select_option("#id_threats-0-threat", "looting")
    page.select_option("#id_threats-0-severity", "high")
    page.select_option("#id_threats-0-trend", "worsening")
    page.fill("#id_actions-0-action", "Fence the site and inform the police")
    page.select_option("#id_actions-0-priority", "urgent")
    page.set_input_files("#id_photos", str(_photo(tmp_path)))
    page.fill("#id_photo_author", "Inspector")
    screenshot(page, "inspection-form")
    with page.expect_navigation():
        page.click("#inspection-form button[type=submit]")
    inspection = Inspection.objects.get(site=site)
    expect(page.locator("#inspection-state")).to_contain_text("Awaiting confirmation")
    assert inspection.photos.get().is_public is False
    with page.expect_navigation():
        page.click("header form[action$='/logout/'] button")

    _login(page, base, "reviewer", "mura-reviewer-demo")
    page.goto(f"{base}/officer/review/")
    thumbnail = page.locator("#inspections-to-review img")
    expect(thumbnail).to_have_count(1)
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelector('#inspections-to-review img').naturalWidth > 0"
    )
    with page.expect_navigation():
        page.click(f"#inspections-to-review a:has-text('{site.registry_number}')")
    expect(page.locator("#inspection-threats")).to_contain_text("Looting")
    with page.expect_navigation():
        page.click("#inspection-decision button[value=confirm]")
    expect(page.locator("#inspection-state")).to_contain_text("Confirmed")
    entry = AtRiskEntry.objects.get(site=site)
    assert entry.state == AtRiskEntry.State.PROPOSED

    page.goto(f"{base}/officer/review/")
    with page.expect_navigation():
        page.click(f"#at-risk-to-review a:has-text('{site.registry_number}')")
    expect(page.locator("#at-risk-entry")).to_contain_text("Looting")
    screenshot(page, "at-risk-proposal")
    with page.expect_navigation():
        page.click("#at-risk-decision button[value=confirm]")
    expect(page.locator("#at-risk-state")).to_have_text("At risk")
    entry.refresh_from_db()
    assert entry.state == AtRiskEntry.State.LISTED
    assert entry.listed_on == timezone.localdate()
    site.refresh_from_db()
    assert site.condition == "critical"

    # The public: signed out, a fresh browser context (no staff cookie).
    notes = "north wall has collapsed"
    exact = coordinate_spellings(site.location)
    public = page.context.browser.new_context(locale="en-GB", extra_http_headers={
        "Accept-Language": "en"})  # fmt: skip
    visitor = public.new_page()
    visitor.goto(f"{base}/at-risk/", wait_until="networkidle")
    row = visitor.locator(f".at-risk-table tbody tr:has-text('{site.registry_number}')")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Looting")
    expect(row).to_contain_text("Critical")
    html = visitor.content()
    assert notes not in html
    assert "Inspector" not in html
    assert not [c for c in exact if c.decode() in html]

    visitor.goto(f"{base}/?lang=en", wait_until="networkidle")
    visitor.wait_for_selector("body[data-map-ready=true]")
    visitor.check("#at-risk-toggle")
    visitor.wait_for_selector("body[data-at-risk-features='1']")
    layer = visitor.request.get(f"{base}/maps/at-risk.geojson").text()
    (feature,) = json.loads(layer)["features"]
    assert feature["geometry"]["type"] != "Point"  # S1: its grid square, not the site
    assert not [c for c in exact if c.decode() in layer]
    assert notes not in layer

    passport = visitor.request.get(f"{base}/sites/{site.registry_number}/passport.pdf?lang=en")
    assert passport.status == 200
    text = pdf_text(passport.body())
    assert "On the Heritage at Risk register since" in text
    assert "Looting" in text
    assert "Critical" in text
    assert notes not in text
    assert "Inspector" not in text
    assert not [c for c in exact if c in raw_streams(passport.body())]
    public.close()
