"""The one site-query parser (registry/query.py): its rules, its limits and its code cache."""

import pytest
from django.http import QueryDict
from django.utils import translation

from registry import codes
from registry.models import AdminArea, Typology
from registry.models.sites import YEAR_VALIDATORS
from registry.query import FILTERS, PAGING, QueryError, SiteQuery, query_parse, site_query_parse


def errors_of(text: str, **kwargs) -> dict:
    with pytest.raises(QueryError) as caught:
        query_parse(QueryDict(text), extra=PAGING, **kwargs)
    return caught.value.errors


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_typical_query_string_becomes_one_site_query(db):
    almaty = AdminArea.objects.get(code="KZ75")

    query, page = query_parse(
        QueryDict("category=history,archaeology&region=KZ75&date_from=-500&date_to=1500"
                  "&bbox=76.8,43.1,77.1,43.4&ordering=name&limit=50"),
        extra=PAGING,
    )  # fmt: skip

    assert query == SiteQuery(
        bbox=(76.8, 43.1, 77.1, 43.4), region_ids=(almaty.pk,), date_from=-500, date_to=1500,
        categories=("archaeology", "history"), ordering="name",
    )  # fmt: skip
    assert page == {"limit": 50, "cursor": None}


def test_empty_values_are_no_filter_and_give_the_empty_query(db):
    assert site_query_parse(QueryDict("date_from=&year_to=&category=&q=&bbox=")) == SiteQuery()


def test_the_year_bounds_are_the_models_own(db):
    low, high = (v.limit_value for v in YEAR_VALIDATORS)

    assert site_query_parse(QueryDict(f"date_from={low}")).date_from == low
    assert site_query_parse(QueryDict(f"date_to={high}")).date_to == high
    assert list(errors_of(f"date_from={low - 1}")) == ["date_from"]
    assert list(errors_of(f"date_to={high + 1}")) == ["date_to"]


def test_the_maps_year_names_are_read_as_date_from_and_to_and_errors_keep_them(db):
    assert site_query_parse(QueryDict("year_from=-600&year_to=-400")) == SiteQuery(
        date_from=-600, date_to=-400
    )
    assert errors_of("year_from=100&year_to=-100") == {
        "year_from": ["The period must start before it ends."]
    }
    assert list(errors_of("year_from=1&date_from=2")) == ["year_from"]


def test_a_zero_area_bbox_is_a_point_query(db):
    assert site_query_parse(QueryDict("bbox=76.95,43.25,76.95,43.25")).bbox == (
        76.95, 43.25, 76.95, 43.25,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "parameter", "message"),
    [
        ("bbox=80,40,60,50", "bbox", "West must not exceed east, nor south north."),
        ("bbox=60,-91,80,50", "bbox", "Latitudes must be between -90 and 90."),
        ("bbox=1e999,40,80,50", "bbox", "The numbers must be finite."),
        ("region=KZ99,KZ75", "region", "Unknown code(s): KZ99."),
        ("status=draft", "status", "Only staff may filter by status."),
        ("distance=10", "distance", "Needs near (lon,lat)."),
        ("limit=1001", "limit", "Must be between 1 and 1000."),
        ("q=a%00b", "q", "NUL characters are not accepted."),
    ],
)
def test_every_error_is_keyed_by_its_parameter(db, text, parameter, message):
    assert errors_of(text) == {parameter: [message]}


def test_several_bad_parameters_are_all_named(db):
    assert set(errors_of("bbox=x&category=castle&limit=0")) == {"bbox", "category", "limit"}


def test_staff_may_filter_by_status(db):
    assert site_query_parse(QueryDict("status=draft,published"), staff=True).statuses == (
        "draft", "published",
    )  # fmt: skip


def test_a_json_body_is_read_with_its_types(db):
    ring = [[76, 43], [78, 43], [78, 44], [76, 43]]
    body = {"category": ["archaeology"], "date_from": -500, "limit": 20,
            "area": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip

    query, page = query_parse(body, extra=PAGING, spec=FILTERS)

    assert (query.categories, query.date_from, page["limit"]) == (("archaeology",), -500, 20)
    assert query.area.geom_type == "MultiPolygon"


def test_known_codes_cost_no_query(db, django_assert_num_queries):
    site_query_parse(QueryDict("region=KZ75&typology=mausoleum"))

    with django_assert_num_queries(0):
        site_query_parse(QueryDict("region=KZ75,KZ61&typology=mausoleum"))


def test_a_code_saved_in_this_process_is_known_at_once(db):
    site_query_parse(QueryDict("typology=mausoleum"))

    spaceport = Typology.objects.create(code="spaceport", name="Spaceport")

    assert site_query_parse(QueryDict("typology=spaceport")).typology_ids == (spaceport.pk,)


def test_a_code_added_elsewhere_is_known_once_the_cache_is_a_few_seconds_old(db, monkeypatch):
    codes.codes_forget()
    site_query_parse(QueryDict("typology=mausoleum"))
    Typology.objects.bulk_create([Typology(code="oasis-fort", name="Oasis fort")])  # no signal
    assert list(errors_of("typology=oasis-fort")) == ["typology"]

    monkeypatch.setattr(codes, "CODES_MISS_AGE_S", -1)

    assert len(site_query_parse(QueryDict("typology=oasis-fort")).typology_ids) == 1
