"""Site pages, the 404 page, the sitemap, the panel, search suggestions and languages."""

import io
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from registry.models import Designation, HeritageSite, ProtectionZone
from registry.services.photos import photo_add
from tests.factories import HeritageSiteFactory, UserFactory

HOSTILE = "<img src=x onerror=alert(1)>"


def _in(client, language):
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def yasawi(db):
    return HeritageSiteFactory(
        published=True,
        sensitivity="S0",
        name_kk="Қожа Ахмет Ясауи кесенесі",
        name_ru="Мавзолей Ходжи Ахмеда Ясави",
        name_en="Mausoleum of Khoja Ahmed Yasawi",
        description_en="A Timurid mausoleum.",
        date_from=1389,
        date_to=1405,
        significance="international",
    )


def test_a_site_page_shows_the_chosen_language_and_lists_the_others(client, yasawi):
    page = _in(client, "ru").get(reverse("maps:site-detail", args=[yasawi.registry_number]))
    html = page.content.decode()

    assert page.status_code == 200
    assert "<h1>Мавзолей Ходжи Ахмеда Ясави</h1>" in html
    assert "Қожа Ахмет Ясауи кесенесі" in html
    assert "Mausoleum of Khoja Ahmed Yasawi" in html
    assert '<html lang="ru">' in html


def test_a_missing_translation_falls_back_to_another_language(client, db):
    site = HeritageSiteFactory(published=True, name_kk="Отырар", name_ru="", name_en="")

    html = _in(client, "en").get(reverse("maps:site-detail", args=[site.registry_number]))

    assert "<h1>Отырар</h1>" in html.content.decode()


def test_a_site_page_has_title_description_open_graph_and_citation(client, yasawi):
    html = (
        _in(client, "en")
        .get(reverse("maps:site-detail", args=[yasawi.registry_number]))
        .content.decode()
    )

    assert f"<title>Mausoleum of Khoja Ahmed Yasawi ({yasawi.registry_number}) — Mura</title>" in (
        html
    )
    assert re.search(r'<meta name="description" content="[^"]*A Timurid mausoleum', html)
    assert '<meta property="og:title"' in html
    assert (
        f'<meta property="og:url" content="http://testserver/sites/{yasawi.registry_number}/"'
        in (html)
    )
    assert "Cite this record" in html
    assert "1389 CE – 1405 CE" in html
    assert "exact position of the site" in html


def test_a_generalised_site_says_how_and_shows_no_zones(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S2")
    designation = Designation.objects.create(site_id=site.pk, scheme="local_list", act_number="7")
    ProtectionZone.objects.create(
        designation=designation,
        kind="protection",
        geom=MultiPolygon(Polygon.from_bbox((68.27, 43.29, 68.28, 43.30))),
    )

    html = _in(client, "en").get(reverse("maps:site-detail", args=[site.registry_number]))
    html = html.content.decode()

    assert "0.1° grid cell" in html
    assert "act № 7" in html
    assert "68.27," not in html
    assert "null" in re.search(r'id="site-zones"[^>]*>([^<]*)<', html).group(1)


def test_a_generalised_site_on_a_border_names_every_region_of_its_square(client, db):
    # The 0.1° cell 68.0-68.1 E, 43.9-44.0 N: centre in Turkistan, this point in Kyzylorda.
    site = HeritageSiteFactory(published=True, sensitivity="S2", location=Point(68.005, 43.955))

    html = _in(client, "en").get(reverse("maps:site-detail", args=[site.registry_number]))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.content.decode()))

    assert re.search(
        r"Region Turkestan, \w+ Its published square also lies in: Kyzylorda Published", text
    )


def test_an_open_site_page_draws_its_zones(client, yasawi):
    designation = Designation.objects.create(site_id=yasawi.pk, scheme="unesco", act_number="1103")
    ProtectionZone.objects.create(
        designation=designation,
        kind="core",
        geom=MultiPolygon(Polygon.from_bbox((68.27, 43.29, 68.28, 43.30))),
    )

    html = client.get(reverse("maps:site-detail", args=[yasawi.registry_number])).content.decode()

    assert "68.27" in re.search(r'id="site-zones"[^>]*>([^<]*)<', html).group(1)


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, format="JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_the_gallery_shows_public_photos_with_author_and_licence_only(client, yasawi):
    officer = UserFactory(username="photographer")
    photo_add(
        site=yasawi, upload=_jpeg(), added_by=officer, author="A. Photographer",
        caption_en="South portal", is_public=True, is_primary=True,
    )  # fmt: skip
    hidden = photo_add(site=yasawi, upload=_jpeg(), added_by=officer, author="Private Person")

    html = (
        _in(client, "en")
        .get(reverse("maps:site-detail", args=[yasawi.registry_number]))
        .content.decode()
    )

    assert 'alt="South portal"' in html
    assert "A. Photographer" in html
    assert "CC BY 4.0" in html
    assert "Private Person" not in html
    assert hidden.thumbnail.url not in html
    assert "og:image" in html


@pytest.mark.parametrize("published", [False, True])
def test_unknown_or_unpublished_numbers_give_a_proper_404_page(client, db, published):
    draft = HeritageSiteFactory(published=False)
    number = "KZ-9999999" if published else draft.draft_reference

    response = _in(client, "en").get(reverse("maps:site-detail", args=[number]))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Back to the map" in response.content.decode()


BEFORE_NATIONAL_NUMBERS = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))


def test_a_former_number_of_a_published_site_redirects_permanently_to_its_page(client, db):
    site = HeritageSiteFactory(published=True)
    HeritageSite.objects.filter(pk=site.pk).update(
        former_number="KZ-YUZ-000007", published_at=BEFORE_NATIONAL_NUMBERS
    )

    response = client.get(reverse("maps:site-detail", args=["KZ-YUZ-000007"]))

    assert response.status_code == 301
    assert response["Location"] == reverse("maps:site-detail", args=[site.registry_number])


@pytest.mark.parametrize("status", ["draft", "withdrawn"])
def test_a_former_number_of_an_unpublished_site_is_not_found(client, db, status):
    site = HeritageSiteFactory(published=status == "withdrawn")
    HeritageSite.objects.filter(pk=site.pk).update(status=status, former_number="KZ-YUZ-000008")

    response = client.get(reverse("maps:site-detail", args=["KZ-YUZ-000008"]))

    assert response.status_code == 404


def test_a_former_number_never_public_does_not_redirect(client, db):
    # A draft when the numbers became national, published since: its old per-region number
    # was never public, and its letters name the region of the exact point.
    site = HeritageSiteFactory(published=True, sensitivity="S2")
    HeritageSite.objects.filter(pk=site.pk).update(former_number="KZ-YUZ-000009")

    response = client.get(reverse("maps:site-detail", args=["KZ-YUZ-000009"]))

    assert response.status_code == 404


def test_a_hostile_name_is_text_on_the_page_and_in_the_panel(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S0", name_kk=HOSTILE, name_en=HOSTILE)

    html = client.get(reverse("maps:site-detail", args=[site.registry_number])).content.decode()
    panel = client.get(reverse("maps:site-panel", args=[site.registry_number])).json()

    assert HOSTILE not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert panel["name"] == HOSTILE  # data; the page sets it with textContent


def test_the_panel_gives_the_clicked_sites_essentials(client, yasawi):
    panel = _in(client, "en").get(reverse("maps:site-panel", args=[yasawi.registry_number]))

    assert panel.json() | {"photo": None} == {
        "ref": yasawi.registry_number,
        "lon": round(yasawi.location.x, 5),  # open (S0): its public point is its point
        "lat": round(yasawi.location.y, 5),
        "cell": False,
        "region_code": yasawi.region.code,
        "name": "Mausoleum of Khoja Ahmed Yasawi",
        "category": "Urban planning and architecture",
        "significance": "International (UNESCO)",
        "dating": "1389 CE – 1405 CE",
        "period": "",
        "region": yasawi.region.name,
        "photo": None,
        "url": f"/sites/{yasawi.registry_number}/",
    }


def test_the_panel_of_a_withheld_site_gives_its_region_and_no_point(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S3", location=Point(68.2611, 43.3012))

    panel = client.get(reverse("maps:site-panel", args=[site.registry_number])).json()

    assert (panel["lon"], panel["lat"]) == (None, None)
    assert panel["region_code"] == site.region.code
    assert "68.26" not in str(panel)


def test_the_panel_of_a_generalised_site_gives_its_cell_centre(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S2", location=Point(76.9519, 43.238))

    panel = client.get(reverse("maps:site-panel", args=[site.registry_number])).json()

    assert (panel["lon"], panel["lat"], panel["cell"]) == (76.95, 43.25, True)


def test_the_sitemap_lists_published_sites_only(client, yasawi):
    draft = HeritageSiteFactory()

    index = client.get(reverse("maps:sitemap")).content.decode()
    section = client.get(reverse("maps:sitemap-section", args=["sites"])).content.decode()

    assert "sitemap-sites.xml" in index
    assert f"/sites/{yasawi.registry_number}/" in section
    assert draft.draft_reference not in section
    assert section.count("/sites/") == 1


@pytest.mark.parametrize(
    "typed",
    ["Yasawi", "yasavi", "Qoja Ahmet Iasaui", "Kozha Akhmet Yasaui", "Ясави", "mavzolei hodzhi"],
)
def test_suggestions_forgive_typos_and_latin_typed_kazakh(client, yasawi, typed):
    HeritageSiteFactory(published=True, name_kk="Отырар", name_ru="Отрар", name_en="Otrar")

    results = client.get(reverse("maps:suggest"), {"q": typed}).json()["results"]

    assert results[0]["ref"] == yasawi.registry_number
    assert results[0]["lon"] == pytest.approx(yasawi.location.x, abs=1e-5)


def test_suggestions_give_a_generalised_sites_cell_centre_and_a_withheld_sites_nothing(client, db):
    HeritageSiteFactory(
        published=True, sensitivity="S2", name_en="Hidden barrow", location=Point(76.9519, 43.238)
    )
    HeritageSiteFactory(published=True, sensitivity="S3", name_en="Secret barrow")

    results = _in(client, "en").get(reverse("maps:suggest"), {"q": "barrow"}).json()["results"]
    by_name = {r["name"]: r for r in results}

    assert (by_name["Hidden barrow"]["lon"], by_name["Hidden barrow"]["lat"]) == (76.95, 43.25)
    assert by_name["Hidden barrow"]["cell"] is True
    assert by_name["Secret barrow"]["lon"] is None


def test_switching_language_is_remembered(client, db):
    client.post(reverse("set_language"), {"language": "kk", "next": "/"})
    kk = client.get(reverse("maps:home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    en = client.get(reverse("maps:home")).content.decode()

    assert '<html lang="kk">' in kk
    assert "Нысандарды іздеу" in kk
    assert "Search sites" in en


def test_kazakh_dates_and_numbers_use_kazakh_formats(client, db):
    site = HeritageSiteFactory(published=True, date_from=-12000, date_to=-8000)

    html = _in(client, "kk").get(reverse("maps:site-detail", args=[site.registry_number]))

    assert "б.з.д. 12\xa0000" in html.content.decode()


def test_kazakh_dates_write_the_month_in_lower_case(client, db):
    published = datetime(2024, 3, 5, 12, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    site = HeritageSiteFactory(published=True)
    HeritageSite.objects.filter(pk=site.pk).update(published_at=published)

    html = _in(client, "kk").get(reverse("maps:site-detail", args=[site.registry_number]))

    assert "5 наурыз 2024 ж." in html.content.decode()


@pytest.mark.parametrize(
    ("language", "locale"), [("kk", "kk_KZ"), ("ru", "ru_RU"), ("en", "en_US")]
)
def test_open_graph_locales_name_a_language_and_a_territory(client, yasawi, language, locale):
    site_page = _in(client, language).get(
        reverse("maps:site-detail", args=[yasawi.registry_number])
    )
    home = _in(client, language).get(reverse("maps:home"))

    for html in (site_page.content.decode(), home.content.decode()):
        assert f'<meta property="og:locale" content="{locale}">' in html


def test_the_names_in_other_languages_are_marked_with_their_language(client, yasawi):
    html = _in(client, "ru").get(reverse("maps:site-detail", args=[yasawi.registry_number]))
    html = html.content.decode()

    assert '<span lang="kk">Қазақша: Қожа Ахмет Ясауи кесенесі</span>' in html
    assert '<span lang="en">English: Mausoleum of Khoja Ahmed Yasawi</span>' in html
    assert 'lang=""' not in html


def _map_text(client, language) -> dict:
    html = _in(client, language).get(reverse("maps:home")).content.decode()
    return json.loads(re.search(r'id="map-text"[^>]*>([^<]*)<', html).group(1))


def test_the_count_of_suggestions_agrees_with_its_number(client, db):
    english, russian = _map_text(client, "en"), _map_text(client, "ru")

    assert english["results"]["1"] == "1 place or site found."
    assert english["results"]["8"] == "8 places or sites found."
    assert russian["results"]["2"] == "Найдено мест и объектов: 2."


def test_the_russian_period_filter_reads_from_year_to_year(client, db):
    html = _in(client, "ru").get(reverse("maps:home")).content.decode()

    assert "С года <input" in html
    assert "До года <input" in html


@pytest.mark.parametrize(
    ("params", "line"),
    [
        (
            {"year_from": "100", "year_to": "-100"},
            "From year: The period must start before it ends.",
        ),
        ({"region": "KZ99"}, "Region: Unknown code(s): KZ99."),
    ],
)
def test_a_bad_permalink_shows_the_map_with_the_error_and_its_field(client, db, params, line):
    response = _in(client, "en").get(reverse("maps:home"), params)

    assert response.status_code == 200
    assert line in response.content.decode()
