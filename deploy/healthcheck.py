"""Docker health check of the app container: healthy when /health/ready answers 200.

Asked as nginx would: with a Host from DJANGO_ALLOWED_HOSTS (any other gets a 400) and
X-Forwarded-Proto https (else the HTTPS redirect answers 301; Django trusts the header only
with DJANGO_BEHIND_HTTPS_PROXY=1). Standard library only: it runs in the app image.
"""

import http.client
import os
import sys

PATH = "/health/ready"


def status() -> str:
    """'200', another status, or why there was none."""
    host = os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")[0].strip().lstrip(".")
    headers = {"Host": host if host not in ("", "*") else "localhost", "X-Forwarded-Proto": "https"}
    port = int(os.environ.get("MURA_HEALTHCHECK_PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", PATH, headers=headers)
        return str(connection.getresponse().status)
    except OSError as error:
        return str(error)
    finally:
        connection.close()


if __name__ == "__main__":
    answer = status()
    sys.stderr.write(f"{PATH}: {answer}\n")
    sys.exit(0 if answer == "200" else 1)
