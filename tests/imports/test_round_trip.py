"""Round trip: every staff export imports back as it came (nothing new, nothing changed); an
edited row changes its site, a published one through a change request reviewed as usual; a
row from an older export is refused; a public export never moves a sensitive site; a
Shapefile's cut values come back whole from its truncated.csv, and are never shortened."""

import datetime
import json
import zipfile

import numpy as np
import pyogrio
import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from registry.models import ChangeRequest, HeritageSite, Typology
from registry.services.changes import change_request_approve
from registry.services.sites import site_update
from registry.services.workflow import site_submit
from tests.api.test_exchange import BOUNDARY, LONG_KK
from tests.factories import HeritageSiteFactory, UserFactory
from tests.imports.exported import FORMATS, edit, export, run, truncated, truncated_set

SQUARE = MultiPolygon(Polygon.from_bbox((68.27, 43.29, 68.28, 43.30)), srid=4326)
# Fields a site's exchange columns carry; each must come back as it was.
CARRIED = ["name_kk", "name_ru", "name_en", "description_kk", "description_ru", "description_en",
           "alt_names", "category", "typology", "significance", "period", "date_from", "date_to",
           "condition", "sensitivity", "dating_note_kk", "dating_note_ru", "dating_note_en",
           "condition_assessed_on",
           "location_approximate", "unesco_id", "wikidata_id"]  # fmt: skip


def full_record(**fields) -> dict:
    return {
        "name_kk": "Қожа Ахмет Ясауи кесенесі", "name_en": "Yasawi mausoleum",
        "description_kk": LONG_KK, "description_ru": "Мавзолей Ходжи Ахмеда Ясави.",
        "description_en": "-the mausoleum; a formula-looking text",
        "alt_names": ["Ясауи кесенесі", "Hazrat; Turkestan"], "dating_note_kk": "1390 ж.",
        "dating_note_ru": "1390-е гг.", "dating_note_en": "1390s",
        "condition_assessed_on": datetime.date(2024, 5, 17), "location_approximate": True,
        "unesco_id": 1103, "wikidata_id": "Q1136549", "date_from": 1389, "date_to": 1405,
        "typology": Typology.objects.order_by("code").first(), "boundary": BOUNDARY,
        "sensitivity": "S0", "location": Point(68.27105556, 43.29769444, srid=4326),
    } | fields  # fmt: skip


@pytest.fixture
def published(users):
    """Published, every exchange field filled: a 600-byte Kazakh description and a boundary
    longer than a DBF field holds (a Shapefile carries both whole in truncated.csv)."""
    return HeritageSiteFactory(published=True, **full_record())


@pytest.fixture
def draft(users):
    return HeritageSiteFactory(name_kk="Арыстан баб кесенесі", sensitivity="S0",
                               location=Point(68.3237, 42.8421, srid=4326))  # fmt: skip


def staff_export(client, officer, fmt, tmp_path):
    client.force_login(officer)
    return export(client, fmt, tmp_path / "export")


def written() -> tuple:
    return (
        HeritageSite.objects.count(),
        HeritageSite.history.count(),
        ChangeRequest.objects.count(),
    )


def messages(report, field: str | None = None) -> list[str]:
    return [n.message for n in report.notes if field is None or n.field == field]


def problems(report) -> list[tuple]:
    return [(p.row, p.field, p.message) for p in report.problems]


def reloaded(site) -> HeritageSite:
    return HeritageSite.objects.get(pk=site.pk)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_staff_export_imported_back_as_it_came_changes_nothing(
    client, officer, published, draft, tmp_path, fmt
):
    path = staff_export(client, officer, fmt, tmp_path)
    before = written()

    report = run(path, officer)

    assert problems(report) == []
    assert (report.rows, report.accepted, report.new, report.changes) == (2, 2, 0, [])
    assert written() == before
    unchanged = [m for m in messages(report) if m.startswith("unchanged")]
    assert sorted(unchanged) == sorted(
        f"unchanged: {reference} already holds these values."
        for reference in (published.registry_number, draft.draft_reference)
    )
    assert not [n for n in report.notes if n.row is None]  # no column unknown or not imported
    if fmt == "shp.zip":  # neither fits a DBF field: both came back whole
        assert (
            "restored whole from truncated.csv (600 bytes" in messages(report, "description_kk")[0]
        )
        assert messages(report, "boundary")[0].startswith("restored whole from truncated.csv")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_edited_name_is_one_change_request_for_that_field_applied_when_approved(
    client, officer, reviewer, published, draft, tmp_path, fmt
):
    path = edit(staff_export(client, officer, fmt, tmp_path), fmt, published.registry_number,
                "name_en", "Mausoleum of Khoja Ahmed Yasawi")  # fmt: skip

    report = run(path, officer)

    assert problems(report) == []
    (request,) = ChangeRequest.objects.all()
    assert (request.site_id, request.state, list(request.proposed)) == (
        published.pk,
        "open",
        ["name_en"],
    )
    assert [(c.reference, c.fields, c.draft, c.request) for c in report.changes] == [
        (published.registry_number, ["name_en"], False, request.pk)
    ]
    assert report.new == 0
    assert reloaded(published).name_en == "Yasawi mausoleum"  # public until reviewed

    change_request_approve(request=request, reviewer=reviewer)

    site = reloaded(published)
    assert site.name_en == "Mausoleum of Khoja Ahmed Yasawi"
    assert site.description_kk == LONG_KK
    assert site.boundary.equals_exact(BOUNDARY, 1e-9)
    assert site.alt_names == ["Ясауи кесенесі", "Hazrat; Turkestan"]


def test_a_description_edited_in_the_csv_is_proposed_whole(client, officer, published, tmp_path):
    longer = LONG_KK + " Қосымша сөйлем."
    path = edit(staff_export(client, officer, "csv", tmp_path), "csv", published.registry_number,
                "description_kk", longer)  # fmt: skip

    report = run(path, officer)

    (request,) = ChangeRequest.objects.all()
    assert request.proposed == {"description_kk": longer}
    assert report.changes[0].fields == ["description_kk"]


def test_a_draft_edited_in_the_file_is_updated_directly(client, officer, draft, tmp_path):
    path = edit(staff_export(client, officer, "csv", tmp_path), "csv", draft.draft_reference,
                "name_en", "Arystan Bab")  # fmt: skip

    report = run(path, officer)

    assert problems(report) == []
    assert [(c.reference, c.fields, c.draft) for c in report.changes] == [
        (draft.draft_reference, ["name_en"], True)
    ]
    assert not ChangeRequest.objects.exists()
    site = reloaded(draft)
    assert (site.name_en, site.version) == ("Arystan Bab", draft.version + 1)
    assert site.history.first().history_change_reason.startswith("imported from sites.csv, row")


def test_an_emptied_cell_clears_its_field_and_an_absent_column_leaves_it(
    officer, published, tmp_path
):
    path = tmp_path / "some.csv"
    path.write_text(
        "registry_number,unesco_id,alt_names,lon,lat\n"
        f"{published.registry_number},,,68.2710556,43.2976944\n",
        encoding="utf-8",
    )

    report = run(path, officer)

    (request,) = ChangeRequest.objects.all()
    assert request.proposed == {"unesco_id": None, "alt_names": []}
    assert report.changes[0].fields == ["alt_names", "unesco_id"]
    assert messages(report, "version")[0].startswith("not in this file: each row was compared")


@pytest.mark.parametrize("fmt", FORMATS)
def test_other_names_ids_and_boundary_come_back_intact_as_a_new_draft(
    client, officer, tmp_path, fmt
):
    """An exported draft, its draft reference emptied: a new draft with the same values."""
    original = HeritageSiteFactory(**full_record(description_kk="Қысқа.", boundary=SQUARE))
    path = staff_export(client, officer, fmt, tmp_path)
    path = edit(path, fmt, original.draft_reference, "draft_reference", None)

    report = run(path, officer)

    assert problems(report) == []
    (reference,) = report.created
    copy = HeritageSite.objects.get(draft_reference=reference)
    for name in CARRIED:
        assert getattr(copy, name) == getattr(original, name), name
    assert copy.boundary.equals_exact(SQUARE, 1e-9)
    assert copy.location.equals_exact(original.location, 1e-7)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_row_exported_before_someone_elses_edit_is_refused(client, officer, draft, tmp_path, fmt):
    path = edit(staff_export(client, officer, fmt, tmp_path), fmt, draft.draft_reference,
                "name_en", "Mine")  # fmt: skip
    site_update(site=draft, expected_version=draft.version, fields={"name_ru": "Их правка"},
                by=UserFactory(username="colleague"), reason="their edit")  # fmt: skip

    report = run(path, officer)

    assert [(field, message) for _row, field, message in problems(report)] == [(
        "version",
        f"changed since this file was exported (version {draft.version}, now"
        f" {draft.version + 1}): export again.",
    )]  # fmt: skip
    site = reloaded(draft)
    assert (site.name_en, site.name_ru) == (draft.name_en, "Их правка")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_public_export_reimported_never_moves_a_sensitive_site(client, users, tmp_path, fmt):
    officer = users["officer"]
    s2 = HeritageSiteFactory(published=True, sensitivity="S2", location=Point(68.2711, 43.2977))
    s3 = HeritageSiteFactory(published=True, sensitivity="S3", location=Point(68.3005, 42.8514))
    path = edit(export(client, fmt, tmp_path / "public"), fmt, s2.registry_number, "name_en",
                "Renamed")  # fmt: skip

    report = run(path, officer)

    assert problems(report) == []
    (request,) = ChangeRequest.objects.all()
    assert (request.site_id, list(request.proposed)) == (s2.pk, ["name_en"])
    kept = messages(report, "location")
    assert any("public export, its point generalised (0.1° grid cell" in m for m in kept)
    assert any(m.startswith("withheld in this file") for m in kept)
    change_request_approve(request=request, reviewer=users["reviewer"])
    assert reloaded(s2).location.equals_exact(Point(68.2711, 43.2977, srid=4326), 1e-9)
    assert reloaded(s3).location.equals_exact(Point(68.3005, 42.8514, srid=4326), 1e-9)


def test_a_public_point_is_not_taken_even_without_the_generalisation_column(officer, tmp_path):
    s1 = HeritageSiteFactory(published=True, sensitivity="S1", location=Point(68.2711, 43.2977))
    public = s1.public_location
    path = tmp_path / "cut.csv"
    path.write_text(f"registry_number,lon,lat\n{s1.registry_number},{public.x},{public.y}\n")

    report = run(path, officer)

    assert problems(report) == []
    assert report.changes == []
    assert "public, generalised point (0.01° grid cell" in messages(report, "location")[0]


def test_a_protection_act_on_a_registered_sites_row_is_refused_not_dropped(
    client, officer, published, tmp_path
):
    """A new draft's act columns make a designation; a registered site's are not read by an
    import, and are said so instead of being left out silently."""
    path = staff_export(client, officer, "csv", tmp_path)
    text = path.read_text(encoding="utf-8-sig").splitlines()
    text[0] += ",unesco_inscribed"
    text[1] += ",2003"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    before = written()

    report = run(path, officer)

    [(row, column, message)] = problems(report)
    assert (row, column) == (1, "unesco_inscribed")
    assert "added on its page" in message
    assert written() == before


def test_an_unknown_registry_number_is_reported_not_made_a_new_site(officer, tmp_path):
    path = tmp_path / "unknown.csv"
    path.write_text("registry_number,name_kk,category,significance,lon,lat\n"
                    "KZ-999999,Жаңа,architecture,local,68.27,43.29\n")  # fmt: skip
    before = written()

    report = run(path, officer)

    assert problems(report) == [(1, "registry_number",
        "KZ-999999 is not in the registry; leave it empty for a new site.")]  # fmt: skip
    assert written() == before


def test_a_site_outside_the_officers_regions_is_refused_unread(people, tmp_path):
    site = HeritageSiteFactory(published=True, sensitivity="S0")  # Turkistan
    path = tmp_path / "other.csv"
    path.write_text(f"registry_number,name_en,lon,lat\n{site.registry_number},Other,1,1\n")

    report = run(path, people["officer_out"])  # Almaty city

    assert problems(report) == [(1, "registry_number", (
        f"{site.registry_number} is outside your regions: you may not change it (export your"
        " regions only, or remove the row)."
    ))]  # fmt: skip


def test_an_open_change_request_is_named_and_a_second_refused(officer, users, published, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text(f"registry_number,name_en,lon,lat\n{published.registry_number},First,,\n")
    run(first, officer)
    second = tmp_path / "second.csv"
    second.write_text(f"registry_number,name_en,lon,lat\n{published.registry_number},Second,,\n")

    report = run(second, users["admin"])

    (problem,) = problems(report)
    assert problem[:2] == (1, "registry_number")
    assert problem[2].startswith(f"{officer} already proposed a change on ")
    assert ChangeRequest.objects.count() == 1


def test_a_site_under_review_is_refused(officer, draft, tmp_path):
    site_submit(site=draft, by=officer, hints_acknowledged=True)
    path = tmp_path / "review.csv"
    path.write_text(f"draft_reference,name_en,lon,lat\n{draft.draft_reference},X,,\n")

    report = run(path, officer)

    assert problems(report) == [(1, "draft_reference", (
        f"{draft.draft_reference} is under review: it cannot be edited until the reviewer"
        " publishes or returns it."
    ))]  # fmt: skip


def test_a_shapefiles_truncated_csv_gives_a_long_description_back_whole(
    client, officer, published, tmp_path
):
    """The officer lengthens the description in truncated.csv (the DBF keeps its first 254
    bytes): the change request holds the whole text."""
    path = staff_export(client, officer, "shp.zip", tmp_path)
    rows = truncated(path)
    longer = LONG_KK + " Қосымша сөйлем."
    next(r for r in rows if r["column"] == "description_kk")["value"] = longer

    report = run(truncated_set(path, rows), officer)

    assert problems(report) == []
    (request,) = ChangeRequest.objects.all()
    assert request.proposed == {"description_kk": longer}
    assert len(longer.encode()) > 600
    assert messages(report, "description_kk")[0].startswith(
        f"restored whole from truncated.csv ({len(longer.encode())} bytes"
    )


def test_without_truncated_csv_a_cut_value_never_shortens_the_record(
    client, officer, published, tmp_path
):
    path = truncated_set(staff_export(client, officer, "shp.zip", tmp_path), None)

    report = run(path, officer)

    assert problems(report) == []
    assert report.changes == []
    assert "the record's value is kept" in messages(report, "description_kk")[0]
    assert "the site keeps its boundary" in messages(report, "boundary")[0]
    site = reloaded(published)
    assert (site.description_kk, site.boundary.equals_exact(BOUNDARY, 1e-9)) == (LONG_KK, True)


def test_without_truncated_csv_a_full_dbf_text_that_differs_is_refused(
    client, officer, published, tmp_path
):
    path = truncated_set(staff_export(client, officer, "shp.zip", tmp_path), None)
    other = ("Басқа мәтін. " * 30).encode()[:254].decode(errors="ignore").rstrip()
    edit(path, "shp.zip", published.registry_number, "description_kk", other)

    report = run(path, officer)

    ((row, field, message),) = problems(report)
    assert field == "description_kk"
    assert message.startswith(f"is {len(other.encode())} bytes, as much as a Shapefile field")
    assert not ChangeRequest.objects.exists()


def test_the_command_says_what_the_dry_run_would_propose_then_proposes_it(
    client, officer, published, tmp_path, capsys
):
    path = edit(staff_export(client, officer, "csv", tmp_path), "csv", published.registry_number,
                "name_en", "Mausoleum of Khoja Ahmed Yasawi")  # fmt: skip
    before = written()

    call_command("import_sites", str(path), "--dry-run", "--as", officer.username)
    dry = capsys.readouterr().out
    assert written() == before
    call_command("import_sites", str(path), "--as", officer.username)
    real = capsys.readouterr().out

    assert "would import 0 of 1 rows as new drafts; would propose changes to 1 site" in dry
    assert f"change: row 1 {published.registry_number}\tname_en\tchange request #-" in dry
    (request,) = ChangeRequest.objects.all()
    assert "imported 0 of 1 rows as new drafts; proposed changes to 1 site for review" in real
    assert f"name_en\tchange request #{request.pk}" in real


def test_the_page_shows_the_changes_a_file_would_propose_then_proposes_them(
    client, officer, published, tmp_path
):
    path = edit(staff_export(client, officer, "csv", tmp_path), "csv", published.registry_number,
                "name_en", "Mausoleum of Khoja Ahmed Yasawi")  # fmt: skip
    url = reverse("registry:site-import")

    def post(**data):
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        response = client.post(url, {"file": upload, **data})
        assert response.status_code == 200
        return response.content.decode()

    dry = post(dry_run="on")
    assert not ChangeRequest.objects.exists()
    real = post()

    assert "Would propose changes to 1 site." in dry
    assert f"<td>{published.registry_number}</td><td>name_en</td>" in dry
    (request,) = ChangeRequest.objects.all()
    assert "Proposed changes to 1 site; a reviewer decides." in real
    assert f"change request #{request.pk}" in real


def test_the_operator_cannot_propose_a_change_without_a_person(published, tmp_path):
    path = tmp_path / "operator.csv"
    path.write_text(f"registry_number,name_en,lon,lat\n{published.registry_number},X,,\n")

    report = run(path, None)

    assert problems(report) == [(1, "registry_number", (
        "a change to a published site is proposed by a person: import with --as USERNAME."
    ))]  # fmt: skip


def test_a_boundary_drawn_in_a_utm_zone_is_proposed_in_lon_lat(officer, published, tmp_path):
    """A surveyor's Shapefile (UTM 42N) naming the site by its Shapefile column: its polygon
    becomes the proposed boundary, in lon/lat as the record holds it; the point is kept."""
    drawn = Polygon.from_bbox((68.268, 43.295, 68.274, 43.300))
    drawn.srid = 4326
    folder = tmp_path / "survey"
    folder.mkdir()
    pyogrio.raw.write(
        folder / "sites.shp", np.array([drawn.transform(32642, clone=True).wkb.tobytes()]),
        [np.array([published.registry_number], dtype=object)], ["reg_number"],
        driver="ESRI Shapefile", geometry_type="Polygon", crs="EPSG:32642",
    )  # fmt: skip
    path = tmp_path / "survey.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)

    report = run(path, officer)

    assert problems(report) == []
    (request,) = ChangeRequest.objects.all()
    assert list(request.proposed) == ["boundary"]
    proposed = GEOSGeometry(json.dumps(request.proposed["boundary"]), srid=4326)
    assert proposed.equals_exact(MultiPolygon(drawn, srid=4326), 1e-7)
