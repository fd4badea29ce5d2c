"""A NUL byte anywhere in an address is a clear 400, never a server error."""

import pytest

NUL_ADDRESSES = [
    "/sites/%00/",
    "/maps/sites/%00.json",
    "/officer/sites/%00/",
    "/officer/sites/%00/history/",
    "/officer/?q=abc%00",
    "/media/photos/public/%00.jpg",
    "/?region=%00",
]


@pytest.mark.parametrize("address", NUL_ADDRESSES)
def test_a_nul_byte_in_the_address_is_refused_with_a_message(client, users, address):
    client.force_login(users["officer"])

    response = client.get(address)

    assert response.status_code == 400
    assert "NUL byte" in response.content.decode()
