"""The register's charts as SVG drawn on the server: readable without JavaScript, in the
page's language, with a <title> and <desc> for the whole chart and a <title> on every bar
(screen readers and hover), and each count written beside its bar.

One horizontal bar chart (maps/templates/maps/atrisk/chart.svg) draws all three: a bar is
a list of segments (stacked), a row a list of bars (grouped). Counts come from register
summaries (registry/register.py), current or as a year published them.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from registry.models.monitoring import Threat
from registry.models.sites import Category, Condition

WIDTH = 720
LABEL_W = 230  # the row labels' column
PLOT_W = WIDTH - LABEL_W - 60  # room for the count after the longest bar
BAR_H = 14
BAR_GAP = 3
ROW_GAP = 10
TOP = 56  # title and legend
# Colour-blind-safe (Okabe-Ito), then greys.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999"]
CONDITION_COLOURS = {
    "good": "#009E73",
    "satisfactory": "#56B4E9",
    "poor": "#E69F00",
    "critical": "#D55E00",
    "lost": "#555555",
    "unknown": "#BBBBBB",
}


@dataclass
class Segment:
    value: int
    fill: str
    title: str
    x: float = 0
    width: float = 0


@dataclass
class Bar:
    segments: list[Segment]
    y: float = 0
    total: int = 0
    total_x: float = 0


@dataclass
class Row:
    label: str
    bars: list[Bar]
    y: float = 0
    label_y: float = 0


@dataclass
class Chart:
    name: str
    title: str
    desc: str
    x_label: str
    y_label: str
    rows: list[Row]
    legend: list[tuple[str, str]] = field(default_factory=list)
    legend_items: list[tuple[float, float, str, str]] = field(default_factory=list)
    width: int = WIDTH
    height: float = 0
    ticks: list[tuple[float, int]] = field(default_factory=list)
    plot_left: int = LABEL_W
    plot_bottom: float = 0

    @property
    def total(self) -> int:
        return sum(s.value for r in self.rows for b in r.bars for s in b.segments)


def _nice_max(value: int) -> tuple[int, int]:
    """The axis' end and its tick step: a round number at or above `value`."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if value <= step * 5:
            return max(step * 5, step * ((value + step - 1) // step)), step
    return value, max(1, value // 5)


def _layout(chart: Chart) -> Chart:
    """Positions for the template: bars scaled to the largest total, ticks on the x axis."""
    largest = max((sum(s.value for s in b.segments) for r in chart.rows for b in r.bars), default=0)
    top, step = _nice_max(max(largest, 1))
    scale = PLOT_W / top
    chart.legend_items = [
        (10 + (i % 4) * 175, 40 + (i // 4) * 16, fill, label)
        for i, (fill, label) in enumerate(chart.legend)
    ]
    y = TOP + (16 * ((len(chart.legend) + 3) // 4) if chart.legend else 0)
    for row in chart.rows:
        row.y = y
        for bar in row.bars:
            bar.y, x = y, LABEL_W
            for segment in bar.segments:
                segment.x, segment.width = x, segment.value * scale
                x += segment.width
            bar.total = sum(s.value for s in bar.segments)
            bar.total_x = x + 4
            y += BAR_H + BAR_GAP
        row.label_y = (row.y + y - BAR_GAP) / 2 + 4
        y += ROW_GAP
    chart.plot_bottom = y
    chart.ticks = [(LABEL_W + v * scale, v) for v in range(0, top + 1, step)]
    chart.height = y + 46
    return chart


def regions_chart(years: list[tuple[str, dict]], names: dict[str, str]) -> Chart:
    """At-risk counts by region, one bar per year: `years` is [(label, summary)], oldest
    first (the published years, then the register now); `names` region names by code."""
    codes = sorted(
        {c for _, s in years for c in s.get("by_region", {})}, key=lambda c: names.get(c, c)
    )
    colours = {label: PALETTE[i % len(PALETTE)] for i, (label, _s) in enumerate(years)}
    rows = []
    for code in codes:
        name = names.get(code, code)
        bars = []
        for label, summary in years:
            n = summary.get("by_region", {}).get(code, 0)
            title = _("%(region)s, %(year)s: %(count)s sites at risk") % {
                "region": name, "year": label, "count": n,
            }  # fmt: skip
            bars.append(Bar([Segment(n, colours[label], title)]))
        rows.append(Row(name, bars))
    return _layout(
        Chart(
            "regions",
            _("Sites at risk by region and year"),
            _("Number of sites on the Heritage at Risk register in each region, by year."),
            _("Sites at risk"),
            _("Region"),
            rows,
            legend=[(colours[label], label) for label, _s in years],
        )
    )


def conditions_chart(summary: dict) -> Chart:
    """The condition mix of the sites at risk, by category (stacked)."""
    by_category = summary.get("conditions_by_category", {})
    order = [*Condition.values, "unknown"]
    labels = {**{c.value: str(c.label) for c in Condition}, "unknown": _("Not assessed")}
    used = [c for c in order if any(c in counts for counts in by_category.values())]
    rows = []
    for category in Category.values:
        counts = by_category.get(category)
        if not counts:
            continue
        name = str(Category(category).label)
        segments = [
            Segment(
                counts[c],
                CONDITION_COLOURS[c],
                _("%(category)s, %(condition)s: %(count)s")
                % {
                    "category": name,
                    "condition": labels[c],
                    "count": counts[c],
                },  # fmt: skip
            )
            for c in used
            if counts.get(c)
        ]
        rows.append(Row(name, [Bar(segments)]))
    return _layout(
        Chart(
            "conditions",
            _("Condition of the sites at risk by category"),
            _("For each category, how many sites at risk are in each condition."),
            _("Sites at risk"),
            _("Category"),
            rows,
            legend=[(CONDITION_COLOURS[c], labels[c]) for c in used],
        )
    )


def threats_chart(summary: dict) -> Chart:
    """Threats by how many sites at risk their latest inspection found them at."""
    rows = []
    for threat, n in summary.get("threats", {}).items():
        try:
            name = str(Threat(threat).label)
        except ValueError:
            name = threat
        title = _("%(threat)s: %(count)s sites") % {"threat": name, "count": n}
        rows.append(Row(name, [Bar([Segment(n, PALETTE[5], title)])]))
    return _layout(
        Chart(
            "threats",
            _("Threats by frequency"),
            _("How many sites at risk each threat was found at, most frequent first."),
            _("Sites"),
            _("Threat"),
            rows,
        )
    )
