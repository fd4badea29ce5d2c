"""The whole flow in a real browser: an officer draws a site and adds a photo, a reviewer
approves, and the public sees the site with the photo's public copy."""

from PIL import Image
from playwright.sync_api import expect

from registry.models import HeritageSite
from registry.services.demo import demo_accounts_ensure


def _login(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _photo(tmp_path):
    path = tmp_path / "yasawi.jpg"
    Image.new("RGB", (800, 600), (180, 140, 90)).save(path, format="JPEG")
    return path


def _draw_point(page, map_id):
    page.click(f"#{map_id} .leaflet-draw-draw-marker")
    box = page.locator(f"#{map_id}").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_officer_draws_uploads_submits_reviewer_approves_public_sees_it(
    live_site, page, screenshot, tmp_path
):
    demo_accounts_ensure()
    base = live_site.url
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    _login(page, base, "officer", "mura-officer-demo")
    page.goto(f"{base}/officer/sites/new/")
    page.fill("#id_name_kk", "Сынақ кесенесі")
    page.fill("#id_name_en", "Test mausoleum")
    page.select_option("#id_category", "architecture")
    page.select_option("#id_significance", "local")
    page.select_option("#id_sensitivity", "S0")
    _draw_point(page, "id_location-map")
    screenshot(page, "officer-form")
    page.click("#site-form button[type=submit]")
    page.wait_for_url("**/officer/sites/D-*/")
    site = HeritageSite.objects.get(name_en="Test mausoleum")
    assert site.status == "draft"

    page.goto(f"{base}/officer/sites/{site.draft_reference}/photos/")
    page.set_input_files("input[name=photos]", str(_photo(tmp_path)))
    page.fill("#id_author", "Test author")
    page.check("#id_is_public")
    with page.expect_navigation():
        page.click("main form[enctype] button[type=submit]")
    page.goto(f"{base}/officer/sites/{site.draft_reference}/")
    with page.expect_navigation():
        page.click("form[action$='/submit/'] button")
    with page.expect_navigation():
        page.click("header form[action$='/logout/'] button")

    _login(page, base, "reviewer", "mura-reviewer-demo")
    page.goto(f"{base}/officer/review/")
    page.click(f"text={site.draft_reference}")
    page.wait_for_url(f"**/officer/review/sites/{site.draft_reference}/")
    expect(page.locator("#diff tr[data-field='location']")).to_have_count(1)
    # The photo is in view for the reviewer: a staff preview, loaded (the site is a draft, so
    # the public copies' door would refuse it).
    preview = page.locator(".review-photos img")
    expect(preview).to_have_count(1)
    preview.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.review-photos img').naturalWidth > 0")
    screenshot(page, "review-diff")
    page.click("button[value=approve]")
    page.wait_for_url("**/officer/review/")

    site.refresh_from_db()  # numbered on approval
    public = page.context.new_page()
    public.goto(f"{base}/sites/{site.registry_number}/")
    assert "Test mausoleum" in public.content()
    image = public.locator("img[src*='/media/photos/public/']").first
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Test author" in public.content()
    site.refresh_from_db()
    assert site.status == "published"
    assert site.photos.get().web.name in public.content()
    screenshot(public, "public-site-page")
