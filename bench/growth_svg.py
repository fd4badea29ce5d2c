"""bench/growth.py's plot as a self-contained SVG: p50 in ms against sites, both axes in
powers of ten; one colour per request, solid for the app, dashed for its raw SQL."""

import math
from html import escape

WIDTH, HEIGHT = 760, 460
LEFT, RIGHT, TOP, BOTTOM = 60, 190, 40, 50  # margins: the legend is on the right
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]


def _decades(values: list[float]) -> tuple[int, int]:
    low = math.floor(math.log10(min(values)))
    return low, max(low + 1, math.ceil(math.log10(max(values))))


def _scale(low: int, high: int, start: float, end: float):
    return lambda v: start + (math.log10(v) - low) / (high - low) * (end - start)


def _axes(x, y, xs: tuple[int, int], ys: tuple[int, int]) -> list[str]:
    out = []
    for d in range(xs[0], xs[1] + 1):
        px = x(10**d)
        label = {3: "1k", 4: "10k", 5: "100k", 6: "1M", 7: "10M", 8: "100M"}.get(d, f"1e{d}")
        out.append(
            f'<line x1="{px:.1f}" y1="{TOP}" x2="{px:.1f}" y2="{HEIGHT - BOTTOM}" '
            f'stroke="#ddd"/><text x="{px:.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{label}</text>'
        )
    for d in range(ys[0], ys[1] + 1):
        py = y(10**d)
        label = f"{10**d:g}"
        out.append(
            f'<line x1="{LEFT}" y1="{py:.1f}" x2="{WIDTH - RIGHT}" y2="{py:.1f}" '
            f'stroke="#ddd"/><text x="{LEFT - 6}" y="{py + 4:.1f}" '
            f'text-anchor="end">{label}</text>'
        )
    out.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 12}" '
        f'text-anchor="middle">sites in the register</text>'
    )
    out.append(
        f'<text x="16" y="{(TOP + HEIGHT - BOTTOM) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {(TOP + HEIGHT - BOTTOM) / 2})">p50, ms</text>'
    )
    return out


def _series(results: dict, sizes: dict[str, int], name: str, side: str) -> list[tuple]:
    return [
        (results[s]["sites"], max(0.01, results[s]["requests"][name][f"{side}_p50"]))
        for s in sizes
        if s in results and name in results[s]["requests"]
    ]


def svg(results: dict, sizes: dict[str, int], names: list[str]) -> str:
    """The plot of every size and request `results` holds (bench/growth.json's shape)."""
    points = {(n, side): _series(results, sizes, n, side) for n in names for side in ("app", "raw")}
    values = [v for series in points.values() for _, v in series]
    if not values:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="40"/>\n'
    xs = _decades(list(sizes.values()))
    ys = _decades(values)
    x = _scale(*xs, LEFT, WIDTH - RIGHT)
    y = _scale(*ys, HEIGHT - BOTTOM, TOP)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="14">Mura: public requests '
        "against register size (p50; solid: app, dashed: raw SQL)</text>",
        *_axes(x, y, xs, ys),
    ]
    for i, name in enumerate(names):
        colour = COLOURS[i % len(COLOURS)]
        for side, dash in (("app", ""), ("raw", ' stroke-dasharray="5 4"')):
            series = points[(name, side)]
            path = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in series)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            )
            out += [
                f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>'
                for n, v in series
                if side == "app"
            ]
        ly = TOP + 10 + i * 20
        lx = WIDTH - RIGHT + 16
        out.append(
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2"/><text x="{lx + 30}" y="{ly + 4}">{escape(name)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
