"""Issue 16's whole journey in a real browser (Debian's Chromium), nothing mocked: a visitor
signs up from a published site's page, confirms by the link in the mail that reached the SMTP
server on loopback, signs in, sends a photo carrying a GPS position with a licence and a
credit; an officer of the region, signed in on the officers' page in another browser, accepts
it; a fresh visitor sees it on the site page, credited as chosen, and the bytes served carry no
metadata (nor does the stored original); the contributor downloads their data, then deletes
their account choosing to **remove** their public photo (keeping it anonymously is the
browser test of tests/contributions/test_rights_browser.py). Afterwards no byte of their email
address or display name is left in any table, session or log line, and the photo is gone.

Screenshots for the README: contributor-photo-form, contributor-mine-accepted,
contributor-photo-public, moderation-queue, moderation-detail."""

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from PIL import Image, ImageDraw, TiffImagePlugin
from playwright.sync_api import expect

from contributions.models import Contribution, Contributor
from registry.models import SitePhoto
from registry.services.demo import demo_accounts_ensure
from tests.contributions import smtp
from tests.contributions.personal_data import log_output, personal_bytes_left  # noqa: F401
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

smtp_server, smtp_mail = smtp.smtp_server, smtp.smtp_mail  # the fixtures, by name

EMAIL = "zhuldyz.journey16@example.kz"
NAME = "Zhuldyz Qarakoz-J16"
PASSWORD = "Otyrar-heritage-2026!"
CREDIT = "Zh. Qarakoz, Turkistan photo club"
CAPTION = "The portal at sunset"
ALMATY = (76.9453, 43.2381)
GPS_IFD, MAKE = 0x8825, 0x010F
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="43,14.284N" '
    b'exif:GPSLongitude="76,57.116E"/></rdf:RDF></x:xmpmeta>'
)


def _rational(value: float) -> TiffImagePlugin.IFDRational:
    return TiffImagePlugin.IFDRational(round(value * 10000), 10000)


def _phone_jpeg() -> bytes:
    """A JPEG as a phone writes it: EXIF with the camera and a GPS position (43.2380 N,
    76.9519 E), and XMP repeating the position."""
    exif = Image.Exif()
    exif[MAKE] = "J16-PHONE"
    exif[GPS_IFD] = {
        1: "N", 2: (_rational(43), _rational(14), _rational(16.8)),
        3: "E", 4: (_rational(76), _rational(57), _rational(6.84)),
    }  # fmt: skip
    image = Image.new("RGB", (960, 640), "#e9b872")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 960, 640), fill="#8a6a4a")  # the ground
    draw.rectangle((330, 180, 630, 430), fill="#c9a27a")  # the portal
    draw.ellipse((400, 90, 560, 250), fill="#3f7fb0")  # its dome
    draw.rectangle((440, 300, 520, 430), fill="#4a3526")  # the door
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), xmp=XMP, quality=90)
    return buffer.getvalue()


def _metadata(data: bytes) -> dict:
    """What Pillow finds in a picture's bytes beyond its pixels (empty for a clean one)."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        found = {"exif": dict(exif), "gps": dict(exif.get_ifd(GPS_IFD))}
        found |= {key: True for key in ("exif", "xmp", "XML:com.adobe.xmp") if key in image.info}
        found["raw"] = [m for m in (b"Exif", b"GPS", b"ns.adobe.com") if m in data]
    return {key: value for key, value in found.items() if value}


@pytest.fixture
def contexts(browser, live_site):
    """`open_(language)`: a new browser context (its own cookies: another person) and a page."""
    made = []

    def open_(language: str = "en"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "django_language", "value": language, "url": live_site.url}])
        made.append(context)
        return context.new_page()

    yield open_
    for context in made:
        context.close()


def _go(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_sign_up_contribute_a_photo_accepted_public_clean_then_export_and_erase(
    live_site,
    contexts,
    smtp_mail,
    screenshot,
    tmp_path,
    caplog,
    log_output,  # noqa: F811
):
    base = live_site.url
    demo_accounts_ensure()  # the demo officer, of every region
    site = HeritageSiteFactory(
        published=True, sensitivity="S0", location=Point(*ALMATY), name_en="Zenkov Cathedral"
    )
    site_url = f"{base}/sites/{site.registry_number}/"
    photo_file = tmp_path / "IMG_20261204_1830.jpg"
    photo_file.write_bytes(_phone_jpeg())
    assert _metadata(photo_file.read_bytes())["gps"]  # the file sent does carry a position

    # 1. A visitor on the site's page: "Sign in to contribute", then "Sign up".
    me = contexts("en")
    me.goto(site_url)
    expect(me.locator("#account-link")).to_have_text("Sign in")
    _go(me, "#contribute-link")
    assert "/contributors/login/" in me.url
    _go(me, "main a[href*='/contributors/signup/']")
    me.fill("#id_email", EMAIL)
    me.fill("#id_display_name", NAME)
    me.fill("#id_password1", PASSWORD)
    me.fill("#id_password2", PASSWORD)
    me.check("#id_consent")
    _go(me, "#signup-form button[type=submit]")
    expect(me.locator("#verification-sent")).to_be_visible()

    # 2. The link in the mail the loopback SMTP server received; confirm; sign in.
    (message,) = smtp_mail.to(EMAIL)
    (link,) = [u for u in smtp_mail.links(message) if "/contributors/confirm-email/" in u]
    me.goto(link)
    _go(me, "#confirm-form button[type=submit]")
    if "/contributors/login/" in me.url:  # allauth asks to sign in after confirming
        me.fill("#id_login", EMAIL)
        me.fill("#id_password", PASSWORD)
        _go(me, "#login-form button[type=submit]")
    expect(me.locator("#account-link")).to_have_attribute("href", "/contributors/me/")

    # 3. From the public page: Contribute → Send a photo; licence and credit chosen.
    me.goto(site_url)
    _go(me, "#contribute-link")
    _go(me, "main a[href$='/photo/']")
    me.set_input_files("#id_photo", str(photo_file))
    me.select_option("#id_licence", "CC-BY-SA-4.0")
    me.fill("#id_credit", CREDIT)
    me.fill("#id_caption", CAPTION)
    screenshot(me, "contributor-photo-form")
    _go(me, ".contribute form button[type=submit]")
    assert me.url == f"{base}/contribute/mine/"
    expect(me.locator(".contribution.state-submitted")).to_have_count(1)
    item = Contribution.objects.get()
    assert (item.kind, item.licence, item.credit) == ("photo", "CC-BY-SA-4.0", CREDIT)
    stored = item.photo.open("rb").read()
    item.photo.close()
    assert _metadata(stored) == {}  # the original kept privately: only the pixels

    # Nothing is public before an officer accepts.
    visitor = contexts("en")
    visitor.goto(site_url)
    expect(visitor.locator(".photo-credit")).to_have_count(0)

    # 4. An officer of the region, on the officers' sign-in page, accepts it from the queue.
    officer = contexts("en")
    officer.goto(f"{base}/accounts/login/")
    officer.fill("#id_username", "officer")
    officer.fill("#id_password", "mura-officer-demo")
    _go(officer, "main button[type=submit]")
    officer.goto(f"{base}/officer/contributions/")
    row = officer.locator("main tbody tr", has_text=NAME)
    expect(row).to_contain_text("Zenkov Cathedral")
    expect(officer.locator("main")).not_to_contain_text(EMAIL)
    screenshot(officer, "moderation-queue")
    _go(officer, f"main a[href='/officer/contributions/{item.pk}/']")
    expect(officer.locator("main")).to_contain_text(CREDIT)
    officer.select_option("#id_decision", "accept")
    _go(officer, "form[action$='/decide/'] button[type=submit]")
    expect(officer.locator(".status")).to_have_text("Accepted")
    screenshot(officer, "moderation-detail")

    # 5. The contributor sees it accepted.
    me.goto(f"{base}/contribute/mine/")
    expect(me.locator(".contribution.state-accepted")).to_contain_text("Zenkov Cathedral")
    screenshot(me, "contributor-mine-accepted")

    # 6. A fresh visitor sees it credited as chosen; the bytes served carry no metadata.
    public = contexts("en")
    public.goto(site_url)
    credit = public.locator(".photo-credit")
    expect(credit).to_have_count(1)
    expect(credit).to_contain_text(f"Photo: {CREDIT}")
    expect(credit).to_contain_text("CC BY-SA 4.0")
    expect(public.locator(".gallery")).not_to_contain_text(NAME)
    screenshot(public, "contributor-photo-public")
    urls = {
        public.locator(".gallery-open").get_attribute("href"),
        public.locator(".gallery img").get_attribute("src"),
    }
    for url in urls:
        response = public.request.get(base + url if url.startswith("/") else url)
        assert response.status == 200, url
        assert _metadata(response.body()) == {}, url
    accepted = SitePhoto.objects.get(pk=Contribution.objects.get().accepted_photo_id)
    assert accepted.original
    assert _metadata(accepted.original.read()) == {}
    accepted.original.close()

    # 7. The contributor downloads their data from their account page.
    _go(me, "#account-link")
    with me.expect_download() as download:
        me.click("#account-links a[href$='/data.zip']")
    with zipfile.ZipFile(download.value.path()) as archive:
        data = json.loads(archive.read("mura-data.json"))
        (sent,) = data["contributions"]
        assert data["account"]["email"] == EMAIL
        assert data["account"]["display_name"] == NAME
        assert (sent["credit"], sent["state"]) == (CREDIT, "accepted")
        photo = archive.read(sent["photo_file_in_archive"])
    assert photo == stored
    with Image.open(io.BytesIO(photo)) as image:
        assert image.size == (960, 640)

    # 8. ...and deletes their account, removing their public photo.
    me.goto(f"{base}/contributors/me/")
    _go(me, "#account-links a[href$='/delete/']")
    expect(me.locator("main")).to_contain_text("You have 1 accepted public photo.")
    me.check("input[name=public_photos][value=remove]")
    me.fill("input[name=password]", PASSWORD)
    _go(me, "main button[type=submit]")
    expect(me.locator("h1")).to_have_text("Your account is deleted")
    expect(me.locator("#account-link")).to_have_text("Sign in")

    # Nothing of them is left: no row, no session, no log line holds their address or name;
    # the photo is gone from the public page, its public address and the private store.
    assert not Contributor.objects.exists()
    assert not Contribution.objects.exists()
    assert not SitePhoto.objects.exists()
    assert personal_bytes_left(EMAIL, NAME, logs=[caplog, log_output]) == []
    fresh = contexts("en")
    fresh.goto(site_url)
    expect(fresh.locator("h1")).to_contain_text("Zenkov Cathedral")
    expect(fresh.locator(".photo-credit")).to_have_count(0)
    for url in urls:
        assert fresh.request.get(base + url if url.startswith("/") else url).status == 404
    left = [
        path
        for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
        for path in root.rglob("*")
        if path.is_file()
    ]
    assert left == []
