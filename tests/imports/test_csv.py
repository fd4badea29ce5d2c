"""CSV read as RFC 4180: quoting is never guessed from the start of the file.

The files are shaped like real ones: many plain rows, then a doubled quote or a quoted comma
late in the file; line breaks inside quoted fields; Excel's `;` with a BOM and CRLF; Mura's own
export read back. A file whose rows do not all have the header's number of fields is refused
by row, and nothing is written.
"""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from registry.models import HeritageSite
from registry.services.imports import ImportRefused
from registry.services.sites import site_create
from tests.imports.files import OTRAR
from tests.imports.test_imports import run, written
from tests.officer.test_officer_flow import client_for

HEADER = ["name_kk", "name_en", "category", "significance", "description_en", "lon", "lat"]
FIELDS = ("name_kk", "name_en", "category", "significance", "description_en")


def plain_rows(count):
    return [[f"Нысан {i}", f"Site {i}", "architecture", "local", "", f"{68.3 + i / 1000}",
             f"{OTRAR[1]}"] for i in range(count)]  # fmt: skip


def quoted(value, delimiter=","):
    if any(c in value for c in f'"{delimiter}\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_csv(path, rows, *, delimiter=",", newline="\n", bom=False, header=HEADER):
    lines = [delimiter.join(quoted(v, delimiter) for v in row) for row in [header, *rows]]
    data = (newline.join(lines) + newline).encode()
    path.write_bytes(b"\xef\xbb\xbf" + data if bom else data)
    return path


def imported(report):
    sites = HeritageSite.objects.filter(draft_reference__in=report.created).order_by("id")
    return [[getattr(site, f) or "" for f in FIELDS] for site in sites]


def expected(rows):
    return [row[:5] for row in rows]


LATE = [
    'Мавзолей «Ақ», "Ходжа"',  # a quoted comma and doubled quotes, after 150 plain rows
    'Say "hello", then leave',
    "First line\nsecond line, with a comma\r\nthird line",
]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_doubled_quotes_and_quoted_commas_late_in_the_file_stay_in_their_field(
    people, tmp_path, delimiter
):
    rows = plain_rows(150)  # past the first 4 KB a sniffer would look at
    rows += [[LATE[0], LATE[1], "architecture", "local", LATE[2], "68.31", f"{OTRAR[1]}"]]
    rows += plain_rows(2)
    path = write_csv(tmp_path / "late.csv", rows, delimiter=delimiter)

    report = run(path, people["officer_in"])

    assert report.ok, report.problems[:3]
    assert report.accepted == 153
    assert imported(report) == expected(rows)


def test_excel_in_a_russian_locale_semicolons_bom_and_crlf(people, tmp_path):
    rows = plain_rows(3)
    rows[1][4] = "Кирпич; купол, 1,5 м"  # Excel quotes a field with its delimiter
    rows[2][0] = "Қожа Ахмет Ясауи"
    path = write_csv(tmp_path / "excel.csv", rows, delimiter=";", newline="\r\n", bom=True)

    report = run(path, people["officer_in"])

    assert report.ok, report.problems
    assert imported(report) == expected(rows)


def test_the_delimiter_comes_from_the_header_only(people, tmp_path):
    """A `,` header with `;` in the data (and the other way round) is read by the header."""
    rows = plain_rows(2)
    rows[0][4] = "a; b; c; d; e; f; g; h"
    path = write_csv(tmp_path / "comma.csv", rows, delimiter=",")

    report = run(path, people["officer_in"], dry_run=True)

    assert report.ok, report.problems
    assert report.accepted == 2


def test_a_header_with_both_delimiters_is_refused(people, tmp_path):
    path = tmp_path / "both.csv"
    path.write_text("name_kk;name_en,lon,lat\nA;B,68.3,42.8\n")

    with pytest.raises(ImportRefused, match="header"):
        run(path, people["officer_in"], dry_run=True)


@pytest.mark.parametrize(
    ("line", "fields"),
    [('Бір,"One, two",architecture,local,,68.3', 6),  # a field short
     ("Бір,One, two,architecture,local,,68.3,42.85", 8),  # an unquoted comma
     ('Бір,"One ""big"" site",architecture,local,,68.3,42.85,extra', 8)],
)  # fmt: skip
def test_a_row_with_another_number_of_fields_than_the_header_is_refused_by_row(
    people, tmp_path, line, fields
):
    path = tmp_path / "ragged.csv"
    good = "Екі,Two,architecture,local,,68.31,42.85"
    path.write_text(",".join(HEADER) + f"\n{good}\n{good}\n{line}\n{good}\n", encoding="utf-8")
    before = written()

    report = run(path, people["officer_in"])

    [problem] = report.problems
    assert problem.row == 3
    assert f"{fields} fields" in problem.message
    assert "the header has 7" in problem.message
    assert report.created == []
    assert written() == before


def test_a_csv_with_an_unclosed_quote_is_refused_naming_the_row(people, tmp_path):
    path = tmp_path / "unclosed.csv"
    path.write_text(",".join(HEADER) + '\nA,B,architecture,local,"never closed,68.3,42.8\n')

    with pytest.raises(ImportRefused, match=r"row 1 \(line 2\).*quote unclosed"):
        run(path, people["officer_in"], dry_run=True)


def test_the_same_column_twice_is_refused(people, tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("name_kk,lon,lat,name_kk\nA,68.3,42.8,B\n")

    with pytest.raises(ImportRefused, match="name_kk"):
        run(path, people["officer_in"], dry_run=True)


def test_murass_own_csv_export_imports_back_with_equal_values(people, tmp_path):
    officer, admin = people["officer_in"], people["admin"]
    names = [("Қожа Ахмет, Ясауи", 'Mausoleum of "Khoja" Ahmed, Yasawi', "Мавзолей; Ходжа"),
             ("Отырар", "Otrar", "Отрар")]  # fmt: skip
    for i, (kk, en, ru) in enumerate(names):
        site_create(
            fields={"name_kk": kk, "name_en": en, "name_ru": ru, "category": "architecture",
                    "significance": "republican", "period": "golden_horde", "date_from": 1389 + i,
                    "condition": "good", "location": Point(68.2711 + i / 100, 43.2977, srid=4326)},
            created_by=officer,
        )  # fmt: skip
    client = client_for(admin)
    response = client.get(reverse("api:site-export", args=["csv"]))
    assert response.status_code == 200
    path = tmp_path / "sites.csv"
    path.write_bytes(b"".join(response.streaming_content))
    compared = ("name_kk", "name_en", "name_ru", "category", "significance", "period",
                "date_from", "condition", "sensitivity")  # fmt: skip
    originals = {s.name_kk: s for s in HeritageSite.objects.all()}

    report = run(path, admin)

    assert report.ok, report.problems
    assert report.accepted == 2
    for site in HeritageSite.objects.filter(draft_reference__in=report.created):
        original = originals[site.name_kk]
        assert [getattr(site, f) for f in compared] == [getattr(original, f) for f in compared]
        assert site.location.distance(original.location) < 1e-9
