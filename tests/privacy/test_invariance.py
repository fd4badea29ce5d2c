"""Invariance, the strongest general property: moving a sensitive site's exact point (and
boundary) anywhere inside its public cell (an S3 site: inside its region), or creating and
submitting unpublished work, changes no public byte: not an API answer with any filter, an
OGC page, a tile at any zoom, a list, a suggestion, a page, the sitemap, an export or a
screening. Whatever a public answer depends on, it is then only what is public."""

from registry.services.sites import site_create, site_update
from registry.services.workflow import site_return, site_submit
from tests.atrisk.conftest import list_at_risk
from tests.privacy.snapshot import differences, take, urls


def _move_everything_sensitive(world) -> None:
    for seeded in world.published():
        if seeded.sensitivity == "S0":
            continue
        site = seeded.refresh()
        site_update(
            site=site,
            expected_version=site.version,
            fields={"location": seeded.alt, "boundary": seeded.alt_boundary},
            by=world.author,
            reason="surveyed again",
        )


def _report(before, after, changed) -> str:
    lines = [f"{len(changed)} of {len(before)} public answers changed, e.g.:"]
    for url in changed[:25]:
        lines.append(f"  {url}")
    return "\n".join(lines)


def test_moving_sensitive_sites_within_their_cells_changes_no_public_answer(public, world):
    for seeded in world.published():  # on the Heritage at Risk register too (issue 15)
        list_at_risk(seeded.refresh())
    plan = urls(world)
    before = take(public, world, plan)
    assert all(code == 200 for code, _ in before.values()), [
        url for url, (code, _) in before.items() if code != 200
    ]
    assert len(before["/api/v1/at-risk/"][1]["features"]) == len(world.published())

    _move_everything_sensitive(world)
    after = take(public, world, plan)

    changed = differences(before, after)
    assert not changed, _report(before, after, changed)


def test_the_moves_are_real_and_staff_see_them(world, db):
    """The invariance above is not vacuous: the moves change the exact geometry, and for
    the chosen sites cross a region or district border (so a leak would show)."""
    crossed = []
    _move_everything_sensitive(world)
    for seeded in world.published():
        if seeded.sensitivity == "S0":
            continue
        site = seeded.refresh()
        assert site.location.equals_exact(seeded.alt, 1e-7)
        if seeded.spec.side != seeded.spec.alt_side:
            crossed.append(seeded.word)
    assert len(crossed) >= 5


def test_unpublished_work_changes_no_public_answer(public, world):
    plan = urls(world)
    before = take(public, world, plan)

    made = []
    for seeded in world.published():  # a draft beside every published site, in its cell
        fields = {
            "name_en": f"Unpublished twin of {seeded.word}",
            "name_kk": f"Жарияланбаған {seeded.word}",
            "category": "archaeology",
            "significance": "local",
            "sensitivity": seeded.sensitivity,
            "location": seeded.exact,
        }
        made.append(site_create(fields=fields, created_by=world.author))
    for site in made[::2]:
        site_submit(site=site, by=world.author)
    for site in made[::4]:
        site_return(site=site, reviewer=world.reviewer, note="not yet")
    after = take(public, world, plan)

    changed = differences(before, after)
    assert not changed, _report(before, after, changed)
