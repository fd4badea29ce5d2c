"""A GeoPackage's spatial index, packed at once rather than grown a point at a time.

SQLite's R*Tree inserts one entry in about 50 µs: 45 s for 900,000 sites, longer than the
rest of the export. Packed (Sort-Tile-Recursive: points sorted by x into vertical slices, each
slice by y, cut into full nodes; the nodes above made from consecutive ones), the same index
is written in a few seconds, as GDAL does since 3.8. The nodes are written into the R*Tree's
own tables in its format (sqlite/ext/rtree/rtree.c), which SQLite then reads and updates as
if it had built them; `rtreecheck()` verifies it (tests/api/test_export_batches.py).

Format: `<name>_node(nodeno, data)`, each node a blob of the root's size: a 2-byte depth (root
only), a 2-byte cell count, then cells of an 8-byte id (a row's, or a child node's number) and
4-byte floats min x, max x, min y, max y, all big-endian, zero-padded. Node 1 is the root.
`<name>_rowid(rowid, nodeno)` names each row's leaf, `<name>_parent(nodeno, parentnode)` each
node's parent. A box's float bounds are rounded outwards from the double coordinates.

Memory: one slice of points (about sqrt(n * 51) of them) and one number and box per node of
the level being built (n / 51 at the leaves), as 24-byte cells: 4.7 MB for 10 million points.
"""

import math
import sqlite3

import numpy as np

CELL = np.dtype([("id", ">i8"), ("minx", ">f4"), ("maxx", ">f4"), ("miny", ">f4"), ("maxy", ">f4")])


def _down(values: np.ndarray) -> np.ndarray:
    rounded = values.astype(np.float32)
    return np.where(rounded > values, np.nextafter(rounded, np.float32(-np.inf)), rounded)


def _up(values: np.ndarray) -> np.ndarray:
    rounded = values.astype(np.float32)
    return np.where(rounded < values, np.nextafter(rounded, np.float32(np.inf)), rounded)


class Packer:
    """Writes nodes of one R*Tree (`table`, made empty by CREATE VIRTUAL TABLE)."""

    def __init__(self, db: sqlite3.Connection, table: str):
        self.db, self.table = db, table
        (self.node_size,) = db.execute(
            f'SELECT length(data) FROM "{table}_node" WHERE nodeno = 1'
        ).fetchone()
        self.capacity = (self.node_size - 4) // CELL.itemsize
        self.numbers = iter(range(2, 2**62))

    def blob(self, cells: np.ndarray, depth: int = 0) -> bytes:
        body = np.array([depth, len(cells)], dtype=">u2").tobytes() + cells.tobytes()
        return body + bytes(self.node_size - len(body))

    def write(self, nodes: list[tuple[int, bytes]]) -> None:
        self.db.executemany(f'INSERT OR REPLACE INTO "{self.table}_node" VALUES (?, ?)', nodes)

    def leaves(self, points: sqlite3.Cursor, count: int) -> np.ndarray:
        """Leaf nodes from (id, x, y) rows sorted by x; their (number, box) as cells."""
        leaves = math.ceil(count / self.capacity)
        slice_rows = math.ceil(math.sqrt(leaves)) * self.capacity
        made = []
        self.db.execute("CREATE TEMP TABLE rtree_leaf_of (id INTEGER, nodeno INTEGER)")
        while rows := points.fetchmany(slice_rows):
            slab = np.array(rows, dtype=np.float64)
            slab = slab[np.argsort(slab[:, 2], kind="stable")]
            cells = np.empty(len(slab), dtype=CELL)
            cells["id"] = slab[:, 0].astype(np.int64)
            cells["minx"], cells["maxx"] = _down(slab[:, 1]), _up(slab[:, 1])
            cells["miny"], cells["maxy"] = _down(slab[:, 2]), _up(slab[:, 2])
            nodes, owners, boxes = [], [], []
            for start in range(0, len(cells), self.capacity):
                part = cells[start : start + self.capacity]
                number = 1 if leaves == 1 else next(self.numbers)
                nodes.append((number, self.blob(part)))
                owners.extend((i, number) for i in part["id"].tolist())
                boxes.append(_box(number, part))
            # Kept as cells (24 bytes a node), not tuples: half a byte per point.
            made.append(np.array(boxes, dtype=CELL))
            self.write(nodes)
            self.db.executemany("INSERT INTO temp.rtree_leaf_of VALUES (?, ?)", owners)
        # In id order, each row's leaf is appended rather than inserted at random.
        self.db.execute(
            f'INSERT INTO "{self.table}_rowid" (rowid, nodeno)'
            " SELECT id, nodeno FROM temp.rtree_leaf_of ORDER BY id"
        )
        self.db.execute("DROP TABLE temp.rtree_leaf_of")
        # (concatenate gives the native byte order: the cells are big-endian again)
        return np.concatenate(made).astype(CELL) if made else np.empty(0, dtype=CELL)

    def parents(self, level: np.ndarray, depth: int) -> np.ndarray:
        """The level above `level` (cells naming its nodes); the root when they all fit."""
        root = len(level) <= self.capacity
        nodes, parents, made = [], [], []
        for start in range(0, len(level), self.capacity):
            part = level[start : start + self.capacity]
            number = 1 if root else next(self.numbers)
            nodes.append((number, self.blob(part, depth if root else 0)))
            parents.extend((child, number) for child in part["id"].tolist())
            made.append(_box(number, part))
        self.write(nodes)
        self.db.executemany(f'INSERT INTO "{self.table}_parent" VALUES (?, ?)', parents)
        return np.array(made, dtype=CELL)


def _box(number: int, cells: np.ndarray) -> tuple:
    return (number, cells["minx"].min(), cells["maxx"].max(), cells["miny"].min(),
            cells["maxy"].max())  # fmt: skip


def pack(db: sqlite3.Connection, table: str, points_sql: str) -> None:
    """Fill the empty R*Tree `table` with the points `points_sql` selects as (id, x, y),
    sorted by x."""
    (count,) = db.execute(f"SELECT count(*) FROM ({points_sql})").fetchone()
    if count == 0:
        return
    packer = Packer(db, table)
    level = packer.leaves(db.execute(points_sql), count)
    depth = 0
    while len(level) > 1:
        depth += 1
        level = packer.parents(level, depth)
