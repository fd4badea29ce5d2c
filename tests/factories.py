"""Sites are made through the services, as in real use: a draft with an exact location."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point

from registry.services.sites import site_create
from registry.services.workflow import site_publish, site_submit

YASAWI = Point(68.27105556, 43.29769444, srid=4326)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")


class HeritageSiteFactory(factory.Factory):
    """`HeritageSiteFactory(published=True, sensitivity="S2", location=Point(...))`."""

    class Meta:
        model = dict

    name_kk = factory.Sequence(lambda n: f"Кесене {n}")
    name_ru = factory.Sequence(lambda n: f"Мавзолей {n}")
    name_en = factory.Sequence(lambda n: f"Mausoleum {n}")
    category = "architecture"
    significance = "local"
    sensitivity = "S2"
    location = factory.LazyFunction(lambda: YASAWI.clone())

    @classmethod
    def _create(cls, model_class, *, published=False, **fields):
        author = UserFactory(username="factory-officer")
        site = site_create(fields=fields, created_by=author)
        if published:  # location hints in the texts given count as checked by both people
            site = site_submit(site=site, by=author, hints_acknowledged=True)
            reviewer = UserFactory(username="factory-reviewer")
            site = site_publish(site=site, reviewer=reviewer, hints_acknowledged=True)
        return site
