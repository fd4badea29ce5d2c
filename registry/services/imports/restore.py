"""A zipped Shapefile's long values back whole.

A DBF field holds 254 bytes: Mura's export cuts a longer text there, leaves a longer boundary
out, and writes each such value whole in the archive's truncated.csv (reference, column,
value). Read back, those values are restored by the row's reference (registry number, else
draft reference), with a note each; a cell changed since (no longer the start of the whole
value) is the officer's edit and stays.

Without truncated.csv (or for a value it does not list) a text as long as a DBF field holds
may have been cut, and an empty boundary may have been left out: the row marks them
(`Row.maybe_cut`) so that a record is never shortened silently (see `existing`).
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from registry import exchange
from registry.services.exports import TRUNCATED, TRUNCATED_HEADER
from registry.services.imports.report import Problem, Row

# A cut ends between letters (up to 3 bytes short of 254) and GDAL drops a DBF text's
# trailing spaces: a text this close to 254 bytes may have been cut.
CUT_WINDOW = 8
# The columns a Shapefile holds as text (other names and a boundary included).
TEXTS = {c.name for c in exchange.COLUMNS if c.on_import == exchange.FIELD
         and c.type not in (exchange.INT, exchange.DATE, exchange.BOOL)}  # fmt: skip
# (reference, column) -> the whole value
Entries = dict[tuple[str, str], str]


def restored(rows: Iterator[Row], truncated: Path | None) -> tuple[Iterator[Row], list[Problem]]:
    """The rows with truncated.csv's whole values put back, and notes on the file."""
    entries, notes = _entries(truncated) if truncated else ({}, [])
    return _restoring(rows, entries), notes


def _entries(path: Path) -> tuple[Entries, list[Problem]]:
    def unused(reason: str) -> tuple[Entries, list[Problem]]:
        return {}, [Problem(None, TRUNCATED, _("%(reason)s: not used.") % {"reason": reason})]

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return unused(_("is not UTF-8"))
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        records = list(csv.reader(text.splitlines(keepends=True), strict=True))
    except csv.Error as error:
        return unused(str(error))
    if not records or records[0] != TRUNCATED_HEADER:
        return unused(_("is not Mura's (its columns are not %(names)s)") % {
            "names": ", ".join(TRUNCATED_HEADER)})  # fmt: skip
    entries = {}
    for record in records[1:]:
        if len(record) == len(TRUNCATED_HEADER):
            reference, column, value = record[1], record[2], record[-1]
            entries[(reference, column)] = exchange.unneutralise(value)
    return entries, []


def _restoring(rows: Iterator[Row], entries: Entries) -> Iterator[Row]:
    for row in rows:
        values = row.values
        reference = str(values.get("registry_number") or values.get("draft_reference") or "")
        for column in TEXTS & set(values):
            whole = entries.get((reference, column)) if reference else None
            if whole is not None:
                _restore(row, column, whole)
            elif _maybe_cut(values[column], column):
                row.maybe_cut.add(column)
        yield row


def _restore(row: Row, column: str, whole: str) -> None:
    cell = str(row.values[column] or "").strip()
    if not whole.startswith(cell):  # edited in the Shapefile since: the edit stays
        row.notes.append(Problem(row.number, column, _(
            "differs from the start of its whole value in truncated.csv: this cell's value"
            " (edited since the export) is used."
        )))  # fmt: skip
        return
    row.values[column] = whole
    row.notes.append(Problem(row.number, column, _(
        "restored whole from truncated.csv (%(bytes)d bytes; a Shapefile holds %(max)d)."
    ) % {"bytes": len(whole.encode()), "max": exchange.SHAPEFILE_TEXT_MAX}))  # fmt: skip


def _maybe_cut(value: object, column: str) -> bool:
    if column == "boundary":  # left out when longer than a DBF field holds
        return value is None or not str(value).strip()
    size = len(str(value or "").encode())
    return size > exchange.SHAPEFILE_TEXT_MAX - CUT_WINDOW


def cut_note(row: Row, column: str) -> Problem:
    """For a new site: a text as long as a DBF field holds, perhaps cut by whoever wrote it."""
    size = len(str(row.values[column] or "").encode())
    return Problem(row.number, column, _(
        "%(bytes)d bytes, as much as a Shapefile field holds: it may have been cut (no"
        " truncated.csv gave it whole)."
    ) % {"bytes": size})  # fmt: skip
