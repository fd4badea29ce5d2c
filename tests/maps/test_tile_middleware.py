"""Anonymous tiles are answered before the middleware that has nothing to do for them
(heritage/early.py): the same answer as down the whole chain, with every check kept."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from heritage.early import AnonymousReadMiddleware
from tests.factories import HeritageSiteFactory, UserFactory
from tests.maps.conftest import tile_url

TURKISTAN = (68.2711, 43.2977)
# What differs between two answers of the same tile: nothing a client should see.
SAME = ("Content-Type", "Content-Length", "ETag", "Cache-Control", "X-Frame-Options")


def test_an_anonymous_tile_is_answered_before_sessions(client, db):
    response = client.get(tile_url(*TURKISTAN, 6))

    assert response.status_code == 200
    assert not hasattr(response.wsgi_request, "session")


@pytest.mark.parametrize("conditional", [False, True])
def test_the_early_answer_is_the_whole_chains_answer(client, db, conditional):
    HeritageSiteFactory(published=True, sensitivity="S0")
    url = tile_url(*TURKISTAN, 6)
    headers = {"If-None-Match": client.get(url)["ETag"]} if conditional else {}
    signed_in = type(client)()
    signed_in.force_login(UserFactory(username="officer-on-the-map"))

    early = client.get(url, headers=headers)
    whole = signed_in.get(url, headers=headers)

    assert hasattr(whole.wsgi_request, "session")  # went down the whole chain
    assert early.status_code == whole.status_code == (304 if conditional else 200)
    assert early.content == whole.content
    assert dict(early.headers) == dict(whole.headers)
    assert "Vary" not in early
    assert early["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in early


def test_the_host_check_is_kept(client, db):
    response = client.get(tile_url(*TURKISTAN, 6), headers={"Host": "evil.example"})

    assert response.status_code == 400


def test_a_filtered_or_missing_tile_goes_the_whole_way(client, db):
    """Their errors are worded in the visitor's language, which only the whole chain sets."""
    filtered = client.get(tile_url(*TURKISTAN, 6, category="archaeology"))
    missing = client.get("/maps/tiles/3/0/8.pbf", headers={"Accept-Language": "ru"})

    assert filtered.status_code == 200
    assert hasattr(filtered.wsgi_request, "session")
    assert missing.status_code == 404
    assert missing.wsgi_request.LANGUAGE_CODE == "ru"


def test_a_post_to_a_tile_is_still_refused(client, db):
    assert client.post(tile_url(*TURKISTAN, 6)).status_code == 405


def test_a_middleware_added_below_must_say_whether_tiles_need_it(settings):
    index = settings.MIDDLEWARE.index("heritage.early.AnonymousReadMiddleware")
    added = [*settings.MIDDLEWARE[: index + 1], "example.NewMiddleware"]

    with override_settings(MIDDLEWARE=added), pytest.raises(ImproperlyConfigured) as error:
        AnonymousReadMiddleware(lambda request: None)

    assert "example.NewMiddleware" in str(error.value)
