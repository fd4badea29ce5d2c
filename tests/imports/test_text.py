"""Imported text: HTML becomes plain text (never literal tags), invisible characters in names
are reported by row and field."""

import pytest

from registry.models import HeritageSite
from tests.imports.test_csv import HEADER, plain_rows, write_csv
from tests.imports.test_imports import run, written


def test_html_in_imported_text_becomes_plain_text_with_a_note(people, tmp_path):
    rows = plain_rows(3)
    rows[0][4] = "<p>Built in <b>1389</b> &amp; restored.</p><p>Dome: 18&nbsp;m</p>"
    rows[1][0] = "<span style='color:red'>Ақ мешіт</span>"
    rows[1][4] = 'Plain<script>alert("x")</script> text, &lt;i&gt;escaped&lt;/i&gt; tags'
    path = write_csv(tmp_path / "html.csv", rows)

    report = run(path, people["officer_in"])

    assert report.ok, report.problems
    sites = list(HeritageSite.objects.filter(draft_reference__in=report.created).order_by("id"))
    assert sites[0].description_en == "Built in 1389 & restored.\nDome: 18\xa0m"
    assert sites[1].name_kk == "Ақ мешіт"
    assert sites[1].description_en == "Plain text, escaped tags"
    assert sites[2].name_kk == rows[2][0]  # untouched
    notes = [(n.row, n.field) for n in report.notes if "HTML removed" in n.message]
    assert notes == [(1, "description_en"), (2, "name_kk"), (2, "description_en")]


@pytest.mark.parametrize(
    ("name", "code"),
    [("Отырар\u202eрарытО", "U+202E"),  # RIGHT-TO-LEFT OVERRIDE
     ("Ақ\u200bмешіт", "U+200B"),  # ZERO WIDTH SPACE
     ("Ақ\u2066мешіт\u2069", "U+2066"),  # LEFT-TO-RIGHT ISOLATE
     ("Ақ\x07мешіт", "U+0007")],  # BELL
)  # fmt: skip
def test_invisible_characters_in_a_name_are_reported(people, tmp_path, name, code):
    rows = plain_rows(2)
    rows[1][1] = name  # name_en
    path = write_csv(tmp_path / "hidden.csv", rows, header=HEADER)
    before = written()

    report = run(path, people["officer_in"])

    [problem] = report.problems
    assert (problem.row, problem.field) == (2, "name_en")
    assert code in problem.message
    assert written() == before
