import pytest
from django.contrib.auth.models import Group
from django.contrib.gis.geos import Point

from registry.models import AdminArea, RegionAssignment
from registry.roles import ADMINISTRATOR, OFFICER, RESEARCHER, REVIEWER
from tests.factories import UserFactory

TURKISTAN, ALMATY_CITY = "KZ-61", "KZ-75"
IN_TURKISTAN = Point(68.27105556, 43.29769444, srid=4326)  # Yasawi mausoleum
IN_ALMATY = Point(76.9457, 43.2364, srid=4326)


def make_user(username, role=None, region=None):
    user = UserFactory(username=username)
    user.set_password("pw-" + username)
    user.save()
    if role:
        user.groups.add(Group.objects.get(name=role))
    if region:
        RegionAssignment.objects.create(user=user, region=AdminArea.objects.get(iso_3166_2=region))
    return user


@pytest.fixture
def people(db):
    """One person per role, officers and reviewers in Turkistan or in Almaty city."""
    admin = make_user("boss", ADMINISTRATOR)
    return {
        "officer_in": make_user("aigerim", OFFICER, TURKISTAN),
        "officer_in_2": make_user("nurlan", OFFICER, TURKISTAN),
        "officer_out": make_user("dana", OFFICER, ALMATY_CITY),
        "reviewer_in": make_user("serik", REVIEWER, TURKISTAN),
        "reviewer_out": make_user("madina", REVIEWER, ALMATY_CITY),
        "researcher": make_user("researcher1", RESEARCHER),
        "admin": admin,
        "anonymous": None,
    }


def site_form_data(**overrides):
    """What the officer's form posts: names, classification, a point drawn on the map."""
    data = {
        "name_kk": "Қожа Ахмет Ясауи кесенесі", "name_ru": "Мавзолей Ходжи Ахмеда Ясави",
        "name_en": "Mausoleum of Khoja Ahmed Yasawi", "category": "architecture",
        "significance": "international", "sensitivity": "S0", "condition": "good",
        "date_from": "1389", "date_to": "1405", "period": "golden_horde",
        "location": IN_TURKISTAN.json, "alt_names": "", "reason": "",
        "acts-TOTAL_FORMS": "0", "acts-INITIAL_FORMS": "0",
    }  # fmt: skip
    return data | overrides
