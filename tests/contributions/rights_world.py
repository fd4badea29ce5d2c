"""A contributor with one of everything (for the rights and retention tests): contributions in
every state, an accepted public photo credited to them, an officer's look at their address, a
login attempt, an admin log line, a verified address and a consent."""

import io
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from contributions.models import Consent, Contribution, Contributor, EmailLook
from registry.models import HeritageSite, SitePhoto
from registry.services.photos import photo_add
from tests.contributions.conftest import contributor_make
from tests.factories import HeritageSiteFactory

PASSWORD = "a long passphrase 7"
# Distinctive, so that a find is theirs; Kazakh letters, so JSON escapes are searched too.
NAME = "Жұлдыз Сынақова-7q"
EMAIL = "zhuldyz.7q@example.kz"


def jpeg(colour=(120, 80, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


@dataclass
class World:
    contributor: Contributor
    site: HeritageSite
    officer: object
    items: dict[str, Contribution]
    public_photo: SitePhoto


def _item(who, site, officer, kind, state, **fields) -> Contribution:
    item = Contribution.objects.create(
        contributor=who, kind=kind, state=state, site=site, region_id=site.region_id, **fields
    )
    if state != Contribution.State.SUBMITTED:
        item.decided_by, item.decided_at = officer, timezone.now()
        item.save()
    return item


def _photo(who, site, officer, state, name) -> Contribution:
    item = _item(who, site, officer, "photo", state, licence="CC-BY-4.0", credit=NAME)
    item.photo.save(f"{name}.jpg", ContentFile(jpeg()), save=True)
    return item


def world_make(officer, *, name: str = NAME, email: str = EMAIL) -> World:
    who = contributor_make(display_name=name, email=email, consent=False)
    who.user.set_password(PASSWORD)
    who.user.save()
    EmailAddress.objects.create(user=who.user, email=email, verified=True, primary=True)
    Consent.objects.create(contributor=who, notice_version="1")
    site = HeritageSiteFactory(published=True, sensitivity="S0")
    items = {
        "photo_submitted": _photo(who, site, officer, "submitted", "a"),
        "photo_rejected": _photo(who, site, officer, "rejected", "b"),
        "photo_accepted": _photo(who, site, officer, "accepted", "c"),
        "observation": _item(
            who, site, officer, "observation", "accepted", visited_on=timezone.now().date(),
            condition_seen="poor", text=f"Walked round it with {name}; the north wall leans.",
            decision_reason=f"Thank you, {name}: an inspection is planned.",
        ),
        "correction": _item(who, site, officer, "correction", "submitted", field="description",
                            text="Built in the 11th century."),
        "report": _item(who, site, officer, "report", "accepted", report_kind="looting",
                        location=Point(68.3, 43.3, srid=4326), text="Fresh pits by the mound."),
    }  # fmt: skip
    with items["photo_accepted"].photo.open("rb") as stored:
        public = photo_add(
            site=site, upload=ContentFile(stored.read(), name="x.jpg"), added_by=officer,
            author=name, caption_en="The east gate", licence="CC-BY-4.0", is_public=True,
        )  # fmt: skip
    items["photo_accepted"].accepted_photo = public
    items["photo_accepted"].save()
    EmailLook.objects.create(
        officer=officer, contributor=who, contribution=items["report"],
        reason=f"To ask {email} where the pits are",
    )  # fmt: skip
    AccessAttempt.objects.create(
        username=email, ip_address="192.0.2.7", user_agent="test", failures_since_start=1,
        get_data="", post_data="", http_accept="", path_info="/accounts/login/",
    )  # fmt: skip
    LogEntry.objects.log_actions(
        user_id=officer.pk, queryset=[who], action_flag=CHANGE, change_message="[]"
    )
    return World(who, site, officer, items, public)
