"""The demo register: real monuments of Kazakhstan (registry/data/demo_sites.json) and the
demo accounts that own them. For local use and tests; never for a real deployment."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.gis.geos import Point
from django.db import transaction

from registry.models import AdminArea, Designation, HeritageSite, RegionAssignment, Typology
from registry.roles import ADMINISTRATOR, OFFICER, RESEARCHER, REVIEWER
from registry.services.regions import DATA
from registry.services.sites import site_create
from registry.services.workflow import site_publish, site_submit

DEMO_SITES_FILE = DATA / "demo_sites.json"
# username, password, role: printed by `load_demo`, so these are demo-only by design.
# The officer and reviewer work in every region, so the whole demo register is theirs.
DEMO_ACCOUNTS = [
    ("admin", "mura-admin-demo", ADMINISTRATOR),
    ("officer", "mura-officer-demo", OFFICER),
    ("reviewer", "mura-reviewer-demo", REVIEWER),
    ("researcher", "mura-researcher-demo", RESEARCHER),
]
TRANSLATED = [f"{n}_{lang}" for n in ("name", "description") for lang in ("kk", "ru", "en")]
PLAIN = ["alt_names", "category", "significance", "date_from", "date_to"]
PLAIN += ["condition", "location_approximate", "sensitivity", "unesco_id"]


def demo_accounts_ensure() -> dict[str, AbstractBaseUser]:
    User = get_user_model()
    regions = AdminArea.objects.filter(level=AdminArea.Level.REGION)
    users = {}
    for username, password, role in DEMO_ACCOUNTS:
        admin = role == ADMINISTRATOR
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": admin, "is_superuser": admin}
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        if role in (OFFICER, REVIEWER):
            for region in regions:
                RegionAssignment.objects.get_or_create(user=user, region=region)
        users[username] = user
    return users


def _fields(record: dict) -> dict:
    fields = {name: record[name] for name in TRANSLATED + PLAIN}
    fields["dating_note_en"] = record["dating_note"]  # the demo file's notes are English
    fields["typology"] = Typology.objects.get(code=record["typology"])
    fields["period"] = record["period"] or ""
    fields["wikidata_id"] = record["wikidata"] or ""
    fields["location"] = Point(record["lon"], record["lat"], srid=4326)
    return fields


def _designate(site: HeritageSite, designation: dict | None) -> None:
    if designation:
        Designation.objects.create(
            site=site,
            scheme=designation["scheme"],
            act_date=designation["date"],
            authority_en=designation["authority"],  # English in the demo file
            criteria_en=designation["criteria"],
        )


@transaction.atomic
def demo_sites_load(
    *, officer: AbstractBaseUser, reviewer: AbstractBaseUser, path: Path = DEMO_SITES_FILE
) -> int:
    """Register, submit and publish each demo site not yet present (by English name)."""
    with path.open(encoding="utf-8") as f:
        records = json.load(f)
    created = 0
    for record in records:
        if HeritageSite.objects.filter(name_en=record["name_en"]).exists():
            continue
        site = site_create(fields=_fields(record), created_by=officer, reason="demo data")
        _designate(site, record.get("designation"))
        # The demo texts are public descriptions of well-known monuments, and their location
        # hints stay, so the screening has something to show; the notes record them as checked.
        site = site_submit(site=site, by=officer, note="demo data", hints_acknowledged=True)
        site_publish(site=site, reviewer=reviewer, note="demo data", hints_acknowledged=True)
        created += 1
    return created
