"""Zipped Shapefile exports: sites.shp, .shx, .dbf, .prj, .cpg, README.txt and, when a text did
not fit, truncated.csv. Written as GDAL writes them (ESRI's Shapefile and dBASE III formats).

A DBF record is fixed-width: texts in UTF-8 (named in sites.cpg) padded with spaces, whole
numbers right-aligned, dates as YYYYMMDD, yes/no as T/F, a missing value as GDAL writes one
(blank, `*`, `00000000`, `?`). A text field is as wide as its longest value, at least 80 bytes
as GDAL makes it, at most the 254 a DBF field holds; a whole number at least 9 digits wide.
PostgreSQL sends each field's text, cut to fit, with the widths and the row count on the first
row (a window over every row, in the same statement), so the DBF is final as it is written and
goes straight into the archive, compressed on the way. A longer text is cut between letters and
a boundary's WKT left out, each reported whole in truncated.csv (GDAL would cut them with only
a warning). Python pads the records (numpy) and writes the point records (.shp, .shx), in the
export's helper thread while the next rows are read (statement.pipelined).
"""

import csv
import math
import struct
import time
import zipfile
from pathlib import Path

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from registry import exchange
from registry.services.exports import statement
from registry.services.exports.statement import text_sql
from registry.services.exports.text import decimals

TRUNCATED = "truncated.csv"
TRUNCATED_HEADER = ["row", "reference", "column", "shapefile_column", "bytes", "action", "value"]
TEXT_MAX = exchange.SHAPEFILE_TEXT_MAX
TEXT_MIN, INT_MIN = 80, 9  # GDAL's widths of a text and of a 32-bit integer field
DBF_TYPES = {exchange.INT: "N", exchange.DATE: "D", exchange.BOOL: "L"}
PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)
RECORD = struct.Struct(">2i")  # record number from 1, content length in 16-bit words
POINT = struct.Struct("<i2d")  # shape type 1, x, y
NULL_SHAPE = struct.pack("<i", 0)
POINT_WORDS, NULL_WORDS = POINT.size // 2, len(NULL_SHAPE) // 2
HEADER_BYTES = 100
# The records' NUL padding as spaces: `translate` maps every byte through a table in one pass,
# where `replace` searches for each NUL (most of a record is padding): about 50x faster.
NUL_TO_SPACE = bytes.maketrans(b"\0", b" ")


def _dbf_type(c: exchange.Column) -> str:
    return DBF_TYPES.get(c.type, "C")


def _cut_sql(value: str) -> str:
    """`exchange.shapefile_cut`: the first TEXT_MAX bytes, less a letter cut in two."""
    data = f"convert_to({value}, 'UTF8')"
    # The byte after the cut continues a letter (10xxxxxx): give back up to three more.
    ends = " ".join(
        f"WHEN get_byte({data}, {TEXT_MAX - back}) & 192 <> 128 THEN {TEXT_MAX - back}"
        for back in range(3)
    )
    return f"convert_from(substring({data} FROM 1 FOR CASE {ends} ELSE {TEXT_MAX - 3} END), 'UTF8')"


def _field_text_sql(c: exchange.Column) -> str:
    """The value as its DBF field's text, before padding (NULL: none)."""
    value = statement.value_sql(c)
    if c.type == exchange.DATE:
        return f"to_char({statement.ref(c)}, 'YYYYMMDD')"
    if c.type == exchange.BOOL:
        return f"CASE WHEN {value} THEN 'T' WHEN NOT {value} THEN 'F' END"
    return text_sql(c)


def _kept_sql(c: exchange.Column) -> str:
    """What the field holds, from the fenced row `t`: a text cut to TEXT_MAX bytes, a long
    boundary left out ('' for none); a date, a yes/no or a missing one as the DBF writes it."""
    value = f't."t_{c.name}"'
    kind = _dbf_type(c)
    if kind == "D":
        return f"coalesce({value}, '00000000')"
    if kind == "L":
        return f"coalesce({value}, '?')"
    if kind == "N":
        return value
    kept = "NULL" if c.type == exchange.GEOMETRY else _cut_sql(value)
    return (
        f"coalesce(CASE WHEN octet_length({value}) > {TEXT_MAX} THEN {kept} ELSE {value} END, '')"
    )


def _field_sql(c: exchange.Column) -> tuple[str, str]:
    """(the field as sent, its width), from the fenced row `k`: whole numbers right-aligned in
    SQL; texts padded by Python (`_Writer.records`), which is cheaper than concatenating there."""
    value = f'k."k_{c.name}"'
    kind = _dbf_type(c)
    if kind == "D":
        return value, "8"
    if kind == "L":
        return value, "1"
    if kind == "N":
        width = f"greatest({INT_MIN}, max(length({value})) OVER ())"
        return f"coalesce(lpad({value}, {width}), repeat('*', {width}))", width
    return value, f"least({TEXT_MAX}, greatest({TEXT_MIN}, max(octet_length({value})) OVER ()))"


def shapefile_sql(sites: QuerySet, *, geometry: str, exact: bool, staff: bool):
    """Rows of (each field's text, x, y, "count,width,..." on the first row, [reference, each
    text field's whole value or NULL] when a text is too long). Three levels, the lower two
    fenced (OFFSET 0) so that each value is computed once: the fields' texts, what each field
    keeps, and the widths over every row (a window)."""
    columns = exchange.columns_for(exact=exact, staff=staff)
    inner, params = statement.inner(sites, columns, geometry=geometry)
    names = {c.name for c in columns}
    draft = "NULL"
    if "draft_reference" in names:
        draft = statement.ref(exchange.column("draft_reference"))
    number = statement.ref(exchange.column("registry_number"))
    x, y = statement.point_sql(decimals(exact=exact))
    texts = ", ".join(f'{_field_text_sql(c)} AS "t_{c.name}"' for c in columns)
    kept = ", ".join(f'{_kept_sql(c)} AS "k_{c.name}"' for c in columns)
    long = [c for c in columns if _dbf_type(c) == "C"]
    tests = [f'octet_length(t."t_{c.name}") > {TEXT_MAX}' for c in long]
    wholes = ", ".join(
        f'CASE WHEN {test} THEN t."t_{c.name}" END' for c, test in zip(long, tests, strict=True)
    )
    fields = [_field_sql(c) for c in columns]
    widths = ", ".join(w for _, w in fields)
    sql = (
        f"SELECT {', '.join(f for f, _ in fields)}, k.x, k.y, CASE WHEN row_number() OVER () = 1"
        f" THEN concat_ws(',', count(*) OVER (), {widths}) END, k.cut"
        f" FROM (SELECT {kept}, t.x, t.y,"
        f" CASE WHEN {' OR '.join(tests)} THEN ARRAY[t.reference, {wholes}] END AS cut"
        f" FROM (SELECT {texts}, coalesce(nullif({number}, ''), {draft}, '') AS reference,"
        f" {x} AS x, {y} AS y FROM ({inner}) e OFFSET 0) t OFFSET 0) k"
    )
    return sql, params


def _dbf_header(columns: list[exchange.Column], widths: list[int], count: int) -> bytes:
    today = timezone.localdate()  # the day the file was written, as GDAL dates it
    header_size = 32 + 32 * len(columns) + 1
    head = struct.pack("<B3BIHH20x", 3, today.year - 1900, today.month, today.day, count,
                       header_size, 1 + sum(widths))  # fmt: skip
    fields = b"".join(
        struct.pack("<11sc4xBB14x", c.short.encode(), _dbf_type(c).encode(), width, 0)
        for c, width in zip(columns, widths, strict=True)
    )
    return head + fields + b"\r"


def _shp_header(words: int, box: list[float]) -> bytes:
    """The .shp/.shx header: file length in 16-bit words, points, their extent."""
    if box[0] > box[2]:  # no point at all
        box = [0.0] * 4
    return struct.pack(">7i", 9994, 0, 0, 0, 0, 0, words) + struct.pack("<2i8d", 1000, 1, *box,
                                                                       0, 0, 0, 0)  # fmt: skip


def _member(zf: zipfile.ZipFile, name: str, size: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type, info.external_attr, info.file_size = zipfile.ZIP_DEFLATED, 0o644 << 16, size
    return info


class _Cuts:
    """truncated.csv: each value a DBF field could not hold, whole."""

    def __init__(self, path: Path, columns: list[exchange.Column]):
        self.path = path
        self.texts = [c for c in columns if _dbf_type(c) == "C"]
        self.rows: list[list] = []
        self.count = 0

    def add(self, row: int, reported: list) -> None:
        reference, *wholes = reported
        for c, whole in zip(self.texts, wholes, strict=True):
            if whole is not None:
                action = "left out" if c.type == exchange.GEOMETRY else "cut"
                self.rows.append([row, reference, c.name, c.short, len(whole.encode()), action,
                                  exchange.neutralise(whole)])  # fmt: skip
        if len(self.rows) >= 1000:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        with self.path.open("a", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            if not self.count:
                writer.writerow(TRUNCATED_HEADER)
            writer.writerows(self.rows)
        self.count += len(self.rows)
        self.rows = []


class _Writer:
    """The files of one Shapefile: the DBF straight into the archive (compressed as it is
    written), .shp and .shx into `directory`, the cut values into truncated.csv. `add` takes
    a batch of rows, in order; it runs in the export's helper thread."""

    def __init__(self, zf: zipfile.ZipFile, directory: Path, columns: list[exchange.Column]):
        self.zf, self.directory, self.columns = zf, directory, columns
        self.shp = (directory / "sites.shp").open("wb")
        self.shx = (directory / "sites.shx").open("wb")
        self.shp.write(bytes(HEADER_BYTES))
        self.shx.write(bytes(HEADER_BYTES))
        self.cuts = _Cuts(directory / TRUNCATED, columns)
        self.dbf = None
        self.count, self.words = 0, HEADER_BYTES // 2
        self.box = [math.inf, math.inf, -math.inf, -math.inf]

    def start(self, count: int, widths: list[int]) -> None:
        """The DBF's header, now that its widths and record count are known."""
        header = _dbf_header(self.columns, widths, count)
        size = len(header) + count * (1 + sum(widths)) + 1
        self.dbf = self.zf.open(_member(self.zf, "sites.dbf", size), "w")
        self.dbf.write(header)
        self.record = np.dtype([("deleted", "S1")] + [(f"f{i}", f"S{w}") for i, w in
                                                       enumerate(widths)])  # fmt: skip

    def add(self, rows: list[tuple]) -> None:
        if self.dbf is None:
            count, *widths = (int(w) for w in rows[0][-2].split(","))
            self.start(count, widths)
        fields = list(zip(*rows, strict=True))
        self.records(fields[: len(self.columns)])
        self.shapes(fields[len(self.columns)], fields[len(self.columns) + 1])
        for i, reported in enumerate(fields[-1]):
            if reported:
                self.cuts.add(self.count - len(rows) + i + 1, reported)

    def records(self, fields: list[tuple[str, ...]]) -> None:
        """DBF records: each field's UTF-8 bytes padded with spaces to its width (numpy pads
        with NUL, which no PostgreSQL text holds, then every NUL becomes a space)."""
        records = np.zeros(len(fields[0]), dtype=self.record)
        for i, values in enumerate(fields):
            records[f"f{i}"] = [v.encode() for v in values]
        self.dbf.write(records.tobytes().translate(NUL_TO_SPACE))

    def shapes(self, xs: tuple, ys: tuple) -> None:
        shapes, index = [], []
        count, words = self.count, self.words
        for x, y in zip(xs, ys, strict=True):
            count += 1
            if x is None:
                shapes += (RECORD.pack(count, NULL_WORDS), NULL_SHAPE)
                index.append(RECORD.pack(words, NULL_WORDS))
                words += 4 + NULL_WORDS
            else:
                shapes += (RECORD.pack(count, POINT_WORDS), POINT.pack(1, x, y))
                index.append(RECORD.pack(words, POINT_WORDS))
                words += 4 + POINT_WORDS
        self.count, self.words = count, words
        if present := [i for i, x in enumerate(xs) if x is not None]:
            px, py = [xs[i] for i in present], [ys[i] for i in present]
            box = self.box
            self.box = [min(box[0], *px), min(box[1], *py), max(box[2], *px), max(box[3], *py)]
        self.shp.write(b"".join(shapes))
        self.shx.write(b"".join(index))

    def finish(self) -> int:
        """Headers written, files closed; the number of values cut or left out."""
        if self.dbf is None:  # no row: the fields as GDAL makes an empty layer's
            self.start(0, [{"C": TEXT_MIN, "N": INT_MIN, "D": 8, "L": 1}[_dbf_type(c)]
                           for c in self.columns])  # fmt: skip
        self.dbf.write(b"\x1a")
        self.dbf.close()
        for f, words in ((self.shp, self.words), (self.shx, 50 + 4 * self.count)):
            f.seek(0)
            f.write(_shp_header(words, self.box))
            f.close()
        self.cuts.flush()
        return self.cuts.count

    def close(self) -> None:
        for f in (self.dbf, self.shp, self.shx):
            if f is not None and not f.closed:
                f.close()


def shapefile_zip(
    sites: QuerySet, directory: Path, *, geometry: str, exact: bool, staff: bool = False
) -> Path:
    """A zipped Shapefile in `directory` (sites.cpg, .dbf, .prj, .shp, .shx), with README.txt
    (the short column names, and whether any value was cut) and, if a text was longer than a
    DBF field holds, truncated.csv."""
    columns = exchange.columns_for(exact=exact, staff=staff)
    sql, params = shapefile_sql(sites, geometry=geometry, exact=exact, staff=staff)
    archive = directory / "sites.shp.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_member(zf, "sites.cpg"), "UTF-8")
        writer = _Writer(zf, directory, columns)
        try:
            for _ in statement.pipelined(statement.batches(sql, params, using=sites.db),
                                         writer.add):  # fmt: skip
                pass
            cuts = writer.finish()
        finally:
            writer.close()
        zf.writestr(_member(zf, "sites.prj"), PRJ)
        zf.write(directory / "sites.shp", "sites.shp")
        zf.write(directory / "sites.shx", "sites.shx")
        zf.writestr(_member(zf, "README.txt"), _readme(columns, cuts))
        if cuts:
            zf.write(directory / TRUNCATED, TRUNCATED)
    return archive


def _readme(columns: list[exchange.Column], cuts: int) -> str:
    names = "\n".join(f"  {c.short:<10}  {c.name}" for c in columns)
    if cuts:
        cut = (
            f"{cuts} value(s) were longer than a DBF field holds ({TEXT_MAX}"
            f" bytes): texts were cut, boundaries left out. {TRUNCATED} holds each of them"
            " whole (row, reference, column, Shapefile column, bytes, what was done, value)."
        )
    else:
        cut = f"No value was cut: every text fits a DBF field ({TEXT_MAX} bytes)."
    return (
        "Sites exported from Mura, the national register of heritage sites, as a Shapefile\n"
        "(sites.shp with .shx, .dbf, .prj, .cpg): points in EPSG:4326, texts in UTF-8.\n\n"
        f"A DBF field name has at most 10 characters; the columns are:\n{names}\n\n"
        f"{cut}\n"
        "Mura imports this file back under the same names.\n"
    )
