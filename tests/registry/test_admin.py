"""Administrators edit every model in the admin, with map widgets; sites go through services."""

import pytest
from django.conf import settings
from django.urls import reverse

from registry.models import HeritageSite, ImportMapping
from tests.factories import HeritageSiteFactory

ADMIN_MODELS = ["heritagesite", "designation", "protectionzone", "adminarea", "typology"]
ADMIN_MODELS += ["importmapping"]


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_every_model_has_a_working_admin_list_and_add_form(admin_client, model):
    assert admin_client.get(reverse(f"admin:registry_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:registry_{model}_add")).status_code == 200


@pytest.mark.django_db
def test_an_import_mapping_to_an_unknown_field_is_refused_naming_the_column(admin_client, users):
    url = reverse("admin:registry_importmapping_add")
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertion reads English

    refused = admin_client.post(url, {"name": "UNESCO list", "mapping": '{"id_no": "unesco"}'})
    saved = admin_client.post(url, {"name": "UNESCO list", "mapping": '{"id_no": "unesco_id"}'})

    assert "column “id_no”: unknown field “unesco”" in refused.content.decode()
    assert saved.status_code == 302
    mapping = ImportMapping.objects.get()
    assert (mapping.mapping, mapping.created_by) == ({"id_no": "unesco_id"}, users["admin"])


@pytest.mark.django_db
def test_photos_are_listed_in_the_admin_but_only_added_through_the_stripping_pipeline(
    admin_client,
):
    assert admin_client.get(reverse("admin:registry_sitephoto_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:registry_sitephoto_add")).status_code == 403


@pytest.mark.django_db
def test_the_site_form_draws_location_and_boundary_on_leaflet_maps(admin_client):
    site = HeritageSiteFactory()

    page = admin_client.get(reverse("admin:registry_heritagesite_change", args=[site.pk]))

    html = page.content.decode()
    assert "leaflet" in html.lower()
    assert 'name="location"' in html
    assert 'name="boundary"' in html


def _site_form(**overrides):
    form = {
        "name_kk": "Айша бибі кесенесі", "name_ru": "Мавзолей Айша-Биби",
        "name_en": "Aisha Bibi mausoleum", "category": "architecture",
        "significance": "republican", "sensitivity": "S0", "condition": "good",
        "location": '{"type": "Point", "coordinates": [71.2106, 42.8480]}',
        "alt_names": "", "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0",
    }  # fmt: skip
    for prefix in ("designations", "photos"):
        form |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return form | overrides


@pytest.mark.django_db
def test_an_admin_adds_a_site_and_the_registry_numbers_it(admin_client):
    response = admin_client.post(reverse("admin:registry_heritagesite_add"), _site_form())

    assert response.status_code == 302, response.content.decode()[:2000]
    site = HeritageSite.objects.get()
    assert site.registry_number is None  # a draft: numbered when first published
    assert site.draft_reference.startswith("D-")
    assert site.region.iso_3166_2 == "KZ-31"
    assert site.history.first().history_user.username == "admin"


@pytest.mark.django_db
def test_the_admin_form_explains_a_location_outside_every_region(admin_client):
    admin_client.cookies["django_language"] = "en"  # the assertion reads English
    outside = '{"type": "Point", "coordinates": [69.24, 41.30]}'  # Tashkent

    response = admin_client.post(
        reverse("admin:registry_heritagesite_add"), _site_form(location=outside)
    )

    assert response.status_code == 200
    assert "any region of the registry" in response.content.decode()
    assert not HeritageSite.objects.exists()
