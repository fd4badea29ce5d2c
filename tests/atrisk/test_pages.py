from xml.etree import ElementTree

import pytest
from django.urls import reverse

from registry.services.register_snapshots import at_risk_snapshot_publish

SVG = "{http://www.w3.org/2000/svg}"


def test_the_register_page_lists_a_site_at_risk_without_javascript(client, at_risk_site):
    page = client.get(reverse("maps:at-risk"), headers={"accept-language": "en"})
    html = page.content.decode()

    assert page.status_code == 200
    assert at_risk_site.registry_number in html
    assert "Open fort" in html
    assert "Looting and illegal excavation" in html
    assert "2025-04-01" in html
    assert '<form class="at-risk-filters" method="get"' in html


@pytest.mark.parametrize(
    ("language", "title"),
    [("kk", "Қатердегі мұра"), ("ru", "Наследие под угрозой"), ("en", "Heritage at Risk")],
)
def test_the_register_page_speaks_kazakh_russian_and_english(client, at_risk_site, language, title):
    html = client.get(reverse("maps:at-risk"), headers={"accept-language": language}).content
    assert title in html.decode()


def test_the_top_bar_links_to_the_register(client, db):
    html = client.get(reverse("maps:data")).content.decode()
    assert f'href="{reverse("maps:at-risk")}"' in html


def test_filters_narrow_the_page(client, at_risk_site):
    url = reverse("maps:at-risk")
    assert at_risk_site.registry_number in client.get(url + "?threat=looting").content.decode()
    assert at_risk_site.registry_number not in client.get(url + "?threat=fire").content.decode()


@pytest.mark.parametrize(
    ("query", "field"), [("threat=meteor", "threat"), ("region=KZ99", "region"),
                         ("category=x", "category"), ("cursor=abc", "cursor")],
)  # fmt: skip
def test_a_bad_filter_is_a_400_naming_it(client, at_risk_site, query, field):
    page = client.get(reverse("maps:at-risk") + "?" + query)
    assert page.status_code == 400
    assert f"<li>{field}:" in page.content.decode()


def test_a_year_page_shows_the_register_as_published(client, at_risk_site):
    at_risk_snapshot_publish(year=2025, by=None)

    page = client.get(reverse("maps:at-risk-year", args=[2025]), headers={"accept-language": "en"})

    assert page.status_code == 200
    assert at_risk_site.registry_number in page.content.decode()
    assert client.get(reverse("maps:at-risk-year", args=[2019])).status_code == 404


@pytest.mark.parametrize("name", ["regions", "conditions", "threats"])
def test_charts_are_svg_with_titles_and_counts(client, at_risk_site, name):
    response = client.get(
        reverse("maps:at-risk-chart", args=[name]), headers={"accept-language": "en"}
    )

    assert response["Content-Type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text
    assert root.find(f"{SVG}desc").text
    counts = [int(g.get("data-count")) for g in root.iter(f"{SVG}g") if g.get("data-count")]
    assert sum(counts) == {"regions": 1, "conditions": 1, "threats": 2}[name]
    assert all(rect.find(f"{SVG}title") is not None for rect in root.iter(f"{SVG}rect")
               if rect.get("height") == "14")  # fmt: skip


def test_the_threats_chart_is_translated(client, at_risk_site):
    svg = client.get(
        reverse("maps:at-risk-chart", args=["threats"]), headers={"accept-language": "ru"}
    ).content.decode()
    assert "Угрозы по частоте" in svg
    assert "Эрозия" in svg


def test_the_regions_chart_draws_each_published_year_and_now(client, at_risk_site):
    at_risk_snapshot_publish(year=2025, by=None)

    svg = client.get(
        reverse("maps:at-risk-chart", args=["regions"]), headers={"accept-language": "en"}
    ).content
    root = ElementTree.fromstring(svg)

    legend = [t.text for t in root.iter(f"{SVG}text") if t.text in ("2025", "now")]
    assert legend == ["2025", "now"]
    counts = [g.get("data-count") for g in root.iter(f"{SVG}g") if g.get("data-count")]
    assert counts == ["1", "1"]


def test_a_chart_of_an_unpublished_year_is_404(client, db):
    response = client.get(reverse("maps:at-risk-chart", args=["threats"]) + "?year=2001")
    assert response.status_code == 404


def test_the_page_embeds_the_charts(client, at_risk_site):
    html = client.get(reverse("maps:at-risk")).content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 3


def test_the_map_layer_has_open_sites_at_their_point(client, at_risk_site):
    layer = client.get(reverse("maps:at-risk-layer")).json()

    [feature] = layer["features"]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["registry_number"] == at_risk_site.registry_number


def test_the_map_layer_shows_s1_as_its_cell_and_leaves_s2_s3_out(client, sensitive_at_risk):
    layer = client.get(reverse("maps:at-risk-layer")).json()

    [feature] = layer["features"]
    assert feature["id"] == sensitive_at_risk["S1"].registry_number
    assert feature["geometry"]["type"] == "Polygon"


@pytest.mark.parametrize("year", ["99999999999999999999", "0"])
def test_a_year_out_of_any_range_is_404(client, db, year):
    assert client.get(f"/at-risk/{year}/").status_code == 404


def test_the_map_layer_refuses_unknown_parameters(client, db):
    response = client.get(reverse("maps:at-risk-layer") + "?bbox=1,2,3,4")
    assert response.status_code == 400
    assert "bbox" in response.json()["errors"]
