"""The public Heritage at Risk register: its page, each published year's page, the charts
(SVG drawn here) and the map's layer. Rows come from registry/register.py, which reads the
public door only; nothing here touches a site's exact geometry or staff-only records."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework.exceptions import ValidationError

from maps.charts import Chart, conditions_chart, regions_chart, threats_chart
from maps.text import og_locale
from registry.api.pagination import page_of
from registry.errors import error_response
from registry.models import AtRiskSnapshot
from registry.models.monitoring import Threat
from registry.models.sites import Category
from registry.query import QueryError
from registry.register import (
    RegisterQuery,
    at_risk_sites_public,
    register_all_rows,
    register_parse,
    register_rows,
    register_summary,
    row_labels,
)
from registry.selectors import area_list_public

PAGE_ROWS = 50
CHARTS = ("regions", "conditions", "threats")
MAIN_THREATS = 3  # threats shown in a row of the page (the API gives every one)


def _region_names() -> dict[str, str]:
    regions = (
        area_list_public().filter(level=1).only("code", "name", "name_kk", "name_ru", "name_en")
    )
    return {r.code: r.name for r in regions}


def _snapshots() -> list[AtRiskSnapshot]:
    return list(AtRiskSnapshot.objects.order_by("year"))


def _charts(summary: dict, snapshots: list[AtRiskSnapshot], *, now: bool, year: int | None):
    """The three charts: by region over the published years (and now, on the current
    register's page), and the condition and threat counts of `summary`."""
    years = [(str(s.year), s.summary) for s in snapshots if year is None or s.year <= year]
    if now:
        years.append((_("now"), summary))
    return [
        regions_chart(years, _region_names()),
        conditions_chart(summary),
        threats_chart(summary),
    ]


def _svg(chart: Chart) -> str:
    return render_to_string(
        "maps/atrisk/chart.svg", {"chart": chart, "empty_text": _("No sites at risk.")}
    )


def _shown(rows: list[dict]) -> list[dict]:
    language = get_language()
    shown = [row_labels(row, language) for row in rows]
    for row in shown:
        row["main_threats"] = row["threat_labels"][:MAIN_THREATS]
    return shown


def _filter_choices(values: dict) -> dict:
    regions = (
        area_list_public().filter(level=1).only("code", "name", "name_kk", "name_ru", "name_en")
    )
    chosen_regions = set(values.get("region_codes") or ())
    return {
        "regions": [(r.code, r.name, r.code in chosen_regions) for r in regions],
        "categories": [
            (c.value, c.label, c.value in (values.get("category") or ())) for c in Category
        ],
        "threats": [(t.value, t.label, t.value in (values.get("threat") or ())) for t in Threat],
    }


@require_GET
def register_page(request):
    """The register now: a filter form (GET, no JavaScript needed), a page of rows and the
    charts."""
    errors: dict[str, list[str]] = {}
    try:
        query, values = register_parse(request.GET)
    except QueryError as exc:
        errors, query, values = exc.errors, RegisterQuery(), {"limit": PAGE_ROWS}
    values["region_codes"] = request.GET.getlist("region") if not errors else []
    sites, token = [], None
    if not errors:
        try:
            sites, token = page_of(
                at_risk_sites_public(query),
                ordering="registry_number",
                limit=PAGE_ROWS,
                cursor=values.get("cursor"),
            )
        except ValidationError:  # a cursor this site did not issue
            errors = {"cursor": [_("Not a page of this list; start again without it.")]}
    all_rows = register_all_rows()
    summary = register_summary(all_rows)
    snapshots = _snapshots()
    next_url = None
    if token:
        params = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k != "cursor"]
        next_url = "?" + urlencode([*params, ("cursor", token)])
    context = {
        "rows": _shown(register_rows(sites)),
        "total": summary["total"],
        "errors": errors,
        "filtered": bool(query.region_ids or query.categories or query.threats),
        "choices": _filter_choices(values),
        "next_url": next_url,
        "charts": [(c.name, _svg(c)) for c in _charts(summary, snapshots, now=True, year=None)],
        "years": [s.year for s in snapshots],
        "og_locale": og_locale(),
    }
    return render(request, "maps/atrisk/register.html", context, status=400 if errors else 200)


@require_GET
def year_page(request, year: int):
    """A year's register as it was published (its stored rows and counts, unchanged)."""
    snapshot = AtRiskSnapshot.objects.filter(year=year).first()
    if snapshot is None:
        raise Http404
    snapshots = _snapshots()
    context = {
        "snapshot": snapshot,
        "rows": _shown(snapshot.rows),
        "charts": [
            (c.name, _svg(c))
            for c in _charts(snapshot.summary, snapshots, now=False, year=snapshot.year)
        ],
        "years": [s.year for s in snapshots],
        "og_locale": og_locale(),
    }
    return render(request, "maps/atrisk/year.html", context)


@require_GET
def chart_svg(request, name: str):
    """One chart as an SVG file: `?year=YYYY` draws that published year's counts."""
    if name not in CHARTS:
        raise Http404
    year = request.GET.get("year", "")
    snapshots = _snapshots()
    if year:
        snapshot = next((s for s in snapshots if str(s.year) == year), None)
        if snapshot is None:
            return HttpResponse(
                _("year: no register was published for this year."),
                status=404,
                content_type="text/plain; charset=utf-8",
            )
        charts = _charts(snapshot.summary, snapshots, now=False, year=snapshot.year)
    else:
        charts = _charts(register_summary(register_all_rows()), snapshots, now=True, year=None)
    chart = charts[CHARTS.index(name)]
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + _svg(chart)
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    response.headers["Content-Language"] = get_language()
    return response


@require_GET
def layer(request):
    """The register on the public map: open sites at their point, S1 sites as their 0.01°
    cell. S2 and S3 sites are not on this layer at all (their rows give their region): a
    marked square of sites at risk of looting is a map of where to dig."""
    unknown = sorted(set(request.GET) - {"lang"})
    if unknown:
        return error_response(400, {k[:40]: [_("Unknown parameter.")] for k in unknown[:10]})
    language = get_language()
    features = [
        {
            "type": "Feature",
            "id": row["registry_number"],
            "geometry": row["geometry"],
            "properties": {
                "registry_number": row["registry_number"],
                "name": row["name"],
                "region": row["region_name"],
                "condition": row["condition_label"],
                "threats": [t["label"] for t in row["threat_labels"][:MAIN_THREATS]],
                "at_risk_since": row["at_risk_since"],
                "generalised": row["sensitivity"] != "S0",
            },
        }
        for row in (row_labels(r, language) for r in register_all_rows())
        if row["geometry"] is not None
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )
