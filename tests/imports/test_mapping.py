"""Column mapping: suggestions, a mapped import (UNESCO ids and inscriptions included), columns
left out, bad mappings, saved mappings, and the command's --map / --mapping."""

import datetime
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import translation

from registry.models import Designation, HeritageSite, ImportMapping
from registry.services.imports import ImportRefused, sites_import
from registry.services.imports.acts import parse_date
from registry.services.imports.mapping import MappingError, parse_map, suggest
from registry.services.imports.saved import import_mapping_get, import_mapping_save
from tests.imports.files import (
    UNESCO_COLUMNS,
    UNESCO_MAPPING,
    UNESCO_ROWS,
    csv_lonlat,
    unesco_csv,
    unesco_geojson,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(path, user, mapping=None, dry_run=False):
    with path.open("rb") as upload:
        return sites_import(
            upload=upload, filename=path.name, user=user, dry_run=dry_run, mapping=mapping
        )


def test_a_unesco_list_gets_the_right_suggestions():
    rows = [[row[c] for c in UNESCO_COLUMNS] for row in UNESCO_ROWS]

    suggested = suggest(UNESCO_COLUMNS, rows)

    assert {c: target for c, (target, _why) in suggested.items()} == UNESCO_MAPPING
    assert suggested["id_no"][1] == "from the name"
    assert suggested["атауы"][1] == "from the name and the values"
    assert suggested["category"][0] is None  # UNESCO's "Cultural" is not a Mura category


def test_columns_whose_names_say_nothing_are_suggested_from_their_values():
    columns = ["a", "b", "c", "d", "e", "f", "g"]
    rows = [
        ["Отырар қалашығы", "Городище Отрар", "Otrar", "68.3005", "42.8514", "Q2048451", "-200"],
        ["Сауран қалашығы", "Городище Сауран", "Sauran", "68.0931", "43.5331", "Q4215560", "900"],
    ]

    suggested = {c: target for c, (target, why) in suggest(columns, rows).items()}

    assert suggested == {"a": "name_kk", "b": "name_ru", "c": "name_en", "d": "lon", "e": "lat",
                         "f": "wikidata_id", "g": "date_from"}  # fmt: skip


def test_two_columns_are_never_suggested_the_same_field():
    suggested = suggest(["lat", "latitude", "широта"], [["43.2", "43.2", "43.2"]])

    assert [target for target, _why in suggested.values()] == ["lat", None, None]
    assert "already from “lat”" in suggested["latitude"][1]


def test_a_mapped_import_creates_drafts_with_unesco_ids_and_inscriptions(people, tmp_path):
    path = unesco_csv(tmp_path / "whc-kz.csv")

    report = run(path, people["officer_in"], UNESCO_MAPPING)

    assert report.problems == []
    assert report.accepted == 2
    yasawi = HeritageSite.objects.get(unesco_id=1103)
    assert yasawi.name_kk == "Қожа Ахмет Ясауи кесенесі"
    assert yasawi.description_en.startswith("The Mausoleum of Khoja Ahmed Yasawi")
    assert (yasawi.category, yasawi.significance) == ("architecture", "international")
    inscription = Designation.objects.get(site=yasawi)
    assert inscription.scheme == "unesco"
    assert inscription.act_date == datetime.date(2003, 1, 1)
    assert inscription.criteria == inscription.criteria_en == "(i)(iii)(iv)"  # Latin: en
    assert inscription.history.get().history_user == people["officer_in"]
    arystan = HeritageSite.objects.get(name_en="Mausoleum of Arystan Bab")
    assert arystan.unesco_id is None
    assert not arystan.designations.exists()  # no inscription given: no designation
    year_only = [n for n in report.notes if n.field == "unesco_inscribed (date_inscribed)"]
    assert [(n.row, n.message) for n in year_only] == [
        (1, "a year only: recorded as 1 January 2003.")
    ]


def test_columns_mapped_to_nothing_are_listed_in_the_notes(people, tmp_path):
    path = unesco_csv(tmp_path / "whc-kz.csv")

    report = run(path, people["officer_in"], UNESCO_MAPPING, dry_run=True)

    assert report.ok
    ignored = [n for n in report.notes if n.message == "not mapped: ignored."]
    assert [(n.row, n.field) for n in ignored] == [(None, "category, states_name_en")]
    assert not [n for n in report.notes if "unknown column" in n.message]


def test_a_mapping_renames_the_columns_of_a_gis_layer_too(people, tmp_path):
    mapping = {c: t for c, t in UNESCO_MAPPING.items() if c not in ("latitude", "longitude")}

    report = run(unesco_geojson(tmp_path / "whc.geojson"), people["officer_in"], mapping)

    assert report.problems == []
    assert HeritageSite.objects.get(unesco_id=1103).designations.get().scheme == "unesco"


def test_an_inscription_date_that_is_not_a_date_is_a_problem_on_its_row(people, tmp_path):
    rows = [UNESCO_ROWS[0] | {"date_inscribed": "July 2003"}, UNESCO_ROWS[1]]
    path = unesco_csv(tmp_path / "whc-kz.csv", rows)

    report = run(path, people["officer_in"], UNESCO_MAPPING)

    assert [(p.row, p.field) for p in report.problems] == [(1, "unesco_inscribed (date_inscribed)")]
    assert "YYYY-MM-DD, DD.MM.YYYY or a year" in report.problems[0].message
    assert not HeritageSite.objects.exists()
    assert not Designation.objects.exists()


def test_dates_are_iso_dotted_day_first_or_a_year():
    assert parse_date("2003-07-03") == (datetime.date(2003, 7, 3), False)
    assert parse_date("03.07.2003") == (datetime.date(2003, 7, 3), False)
    assert parse_date("2003") == (datetime.date(2003, 1, 1), True)
    assert parse_date("2003.0") == (datetime.date(2003, 1, 1), True)  # a spreadsheet's number
    with pytest.raises(ValueError, match="must be a date"):
        parse_date("07/03/2003")  # month or day first? not guessed


def test_a_protection_act_of_any_scheme_has_somewhere_to_go(people, tmp_path):
    path = csv_lonlat(
        tmp_path / "acts.csv",
        [{"name_kk": "Отырар қалашығы", "category": "archaeology", "significance": "republican",
          "lonlat": (68.3005, 42.8514)}],
        extra={"Вид": "republican_list", "Номер акта": "38", "Дата акта": "26.01.1982",
               "Орган": "Совет Министров Казахской ССР"},
    )  # fmt: skip
    mapping = {"Вид": "act_scheme", "Номер акта": "act_number", "Дата акта": "act_date",
               "Орган": "act_authority"}  # fmt: skip

    report = run(path, people["officer_in"], mapping)

    assert report.problems == []
    act = Designation.objects.get()
    assert (act.scheme, act.act_number, act.act_date) == (
        "republican_list",
        "38",
        datetime.date(1982, 1, 26),
    )
    assert act.authority == act.authority_ru == "Совет Министров Казахской ССР"  # by its script


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("id_no=unesco", "column “id_no”: unknown field “unesco”"),
        ("latitude=lat,y=lat", "columns “latitude” and “y” are both mapped to lat"),
        ("latitude=lat,Latitude=", "column “Latitude” is mapped twice"),
        ("latitude", "“latitude”: write column=field"),
    ],
)
def test_a_bad_mapping_is_refused_naming_the_column(text, words):
    with pytest.raises(MappingError, match=words):
        parse_map(text)


def test_a_mapping_may_not_make_a_second_column_of_a_field_the_file_has(people, tmp_path):
    path = csv_lonlat(tmp_path / "a.csv", extra={"Широта": "43.1"})

    with pytest.raises(ImportRefused, match="columns “lat” and “Широта” would both be lat"):
        run(path, people["officer_in"], {"Широта": "lat"})
    assert not HeritageSite.objects.exists()


def test_a_saved_mapping_is_reused_for_the_next_file_of_its_source(people, tmp_path):
    import_mapping_save(name="UNESCO list", mapping=UNESCO_MAPPING, by=people["officer_in"])
    next_file = unesco_csv(tmp_path / "whc-2025.csv", UNESCO_ROWS[:1])

    mapping = import_mapping_get("unesco LIST")  # any case: one source
    report = run(next_file, people["officer_in_2"], mapping)

    assert report.problems == []
    assert HeritageSite.objects.get().unesco_id == 1103
    saved = ImportMapping.objects.get()
    assert (saved.created_by, saved.updated_by) == (people["officer_in"], people["officer_in"])


def test_saving_under_an_existing_name_replaces_that_mapping(people):
    import_mapping_save(name="UNESCO list", mapping={"id_no": "unesco_id"}, by=people["officer_in"])

    import_mapping_save(name="unesco list", mapping=UNESCO_MAPPING, by=people["officer_in_2"])

    saved = ImportMapping.objects.get()
    assert saved.mapping == UNESCO_MAPPING
    assert (saved.created_by, saved.updated_by) == (people["officer_in"], people["officer_in_2"])


def test_the_command_maps_columns_given_on_its_line(people, tmp_path, capsys):
    path = unesco_csv(tmp_path / "whc-kz.csv")
    given = ",".join(f"{c}={t or ''}" for c, t in UNESCO_MAPPING.items())

    call_command("import_sites", str(path), "--map", given, "--as", "aigerim",
                 "--save-mapping", "UNESCO list")  # fmt: skip

    out = capsys.readouterr().out
    assert "imported 2 of 2 rows" in out
    assert "category, states_name_en\tnot mapped: ignored." in out
    assert HeritageSite.objects.get(unesco_id=1103).designations.get().scheme == "unesco"
    assert import_mapping_get("UNESCO list") == UNESCO_MAPPING


def test_the_command_uses_a_saved_mapping_and_map_over_it(people, tmp_path, capsys):
    import_mapping_save(name="UNESCO list", mapping=UNESCO_MAPPING, by=people["officer_in"])
    path = unesco_csv(tmp_path / "whc-kz.csv")

    call_command("import_sites", str(path), "--mapping", "UNESCO list", "--map",
                 "short_description_en=", "--as", "aigerim")  # fmt: skip

    assert "imported 2 of 2 rows" in capsys.readouterr().out
    assert not HeritageSite.objects.get(unesco_id=1103).description_en


def test_the_command_names_a_saved_mapping_it_does_not_know(people, tmp_path):
    path = unesco_csv(tmp_path / "whc-kz.csv")

    with pytest.raises(CommandError, match="no saved mapping is named “UNESCO 2024”"):
        call_command("import_sites", str(path), "--mapping", "UNESCO 2024")
    assert not HeritageSite.objects.exists()


def test_the_command_refuses_a_bad_map_naming_the_column(people, tmp_path):
    path = unesco_csv(tmp_path / "whc-kz.csv")

    with pytest.raises(CommandError, match="column “latitude”: unknown field “latitud”"):
        call_command("import_sites", str(path), "--map", "latitude=latitud")


def test_mura_column_names_are_read_in_any_case_without_a_mapping(people, tmp_path):
    path = tmp_path / "upper.csv"
    path.write_text(
        "NAME_KK,Category,SIGNIF,LON,Lat\nОтырар қалашығы,archaeology,republican,68.3005,42.8514\n",
        encoding="utf-8",
    )

    report = run(path, people["officer_in"])

    assert report.ok, report.problems
    assert not [n for n in report.notes if "unknown" in n.message], report.notes
    site = HeritageSite.objects.get()
    assert (site.name_kk, site.significance) == ("Отырар қалашығы", "republican")
    assert site.location.coords == pytest.approx((68.3005, 42.8514))


@pytest.mark.django_db(transaction=True)
def test_two_officers_saving_one_new_name_at_once_end_with_one_mapping():
    """The other officer's insert is not committed when this save looks for the name: this
    save's insert waits on the unique index, fails once the other commits, and replaces."""
    inserted, release = threading.Event(), threading.Event()

    def other_officer():
        try:
            with transaction.atomic():
                ImportMapping.objects.create(name="Survey 2025", mapping={"x": "lon"})
                inserted.set()
                release.wait(10)
        finally:
            connection.close()

    other = threading.Thread(target=other_officer)
    other.start()
    inserted.wait(10)
    threading.Timer(0.5, release.set).start()  # commits while this save waits on the index
    saved = import_mapping_save(name="survey 2025", mapping={"x": "lat"}, by=None)
    other.join()

    assert ImportMapping.objects.count() == 1
    assert import_mapping_get("SURVEY 2025") == {"x": "lat"}
    assert saved.name == "survey 2025"
