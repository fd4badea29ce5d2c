"""The map's tiles for anonymous visitors, answered before the middleware that has nothing
to do for them.

Tiles are most of the public's requests, and a small tile's statement takes less time than
the whole middleware chain. Below `AnonymousTileMiddleware` in settings.MIDDLEWARE, only
three middleware act on a GET of an existing tile with no filter (`v` alone) from a visitor
with no session cookie; this middleware runs those three, in their order, around the tile
view, and none of the others (`RUN` and `SKIPPED` below: a middleware added to
settings.MIDDLEWARE below this one must join one of them, or no process starts). Everything
above it has run already: the health probes, security headers, CSP, NUL check, static files
and the rate limit. Any other request goes down the whole chain.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.exception import convert_exception_to_response
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string

from maps import views
from maps.tiles import tile_exists

TILES_PATH = "/maps/tiles/"  # as maps/urls.py routes them (and heritage/limits.py counts them)
# Those below this middleware that act on such a request, run by it in MIDDLEWARE's order:
RUN = frozenset({
    "django.middleware.common.CommonMiddleware",  # the Host check, user agents, Content-Length
    "heritage.routers.ReplicaMiddleware",  # public reads on the replica
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # X-Frame-Options
})  # fmt: skip
# ... and those that do nothing such a request's response or the database would show:
SKIPPED = frozenset({
    # No session cookie: no session is read or written, and the user is anonymous (set here,
    # as AuthenticationMiddleware would find it, for ReplicaMiddleware).
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The language words only errors: a missing tile or a filter goes down the whole chain,
    # so the answers here are 200 and 304 (and a bad Host's 400, or a database fault's 503,
    # JSON for the map's script and in the site's default language for a browser); the Vary
    # and Content-Language that locale adds to a tile, SameForEveryoneMiddleware removes.
    "django.middleware.locale.LocaleMiddleware",
    "heritage.middleware.SameForEveryoneMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",  # a GET is never refused; a tile sets no token
    "django.contrib.messages.middleware.MessageMiddleware",  # no message is shown or kept
    "simple_history.middleware.HistoryRequestMiddleware",  # nothing is written
    "axes.middleware.AxesMiddleware",  # acts on logins only
    # Acts on allauth's own flows (a login's pending stage) and HTML pages; a tile is neither.
    "allauth.account.middleware.AccountMiddleware",
})  # fmt: skip


def _below(name: str) -> list[str]:
    """The middleware below `name` in settings.MIDDLEWARE, each sorted into RUN or SKIPPED."""
    below = settings.MIDDLEWARE[settings.MIDDLEWARE.index(name) + 1 :]
    unsorted = [path for path in below if path not in RUN | SKIPPED]
    if unsorted:
        raise ImproperlyConfigured(
            f"{name}: add {', '.join(unsorted)} to maps/middleware.py's RUN (it acts on an "
            "anonymous GET of a tile) or SKIPPED (it does nothing there)."
        )
    return [path for path in below if path in RUN]


def _view(request):
    match = request.resolver_match
    return match.func(request, *match.args, **match.kwargs)


class AnonymousTileMiddleware:
    """Goes right after RateLimitMiddleware (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Each wrapped as Django wraps the chain's, so an exception becomes its response
        # (a 400 for a bad Host, heritage/faults.py's 503) inside the middleware above it.
        handler = convert_exception_to_response(_view)
        for path in reversed(_below(f"{__name__}.{type(self).__name__}")):
            handler = convert_exception_to_response(import_string(path)(handler))
        self.serve = handler

    def __call__(self, request):
        match = self._anonymous_tile(request)
        if match is None:
            return self.get_response(request)
        request.resolver_match = match
        request.user = AnonymousUser()
        return self.serve(request)

    @staticmethod
    def _anonymous_tile(request):
        """The tile view's match, if `request` is one this middleware answers."""
        if not (
            request.method == "GET"
            and request.path_info.startswith(TILES_PATH)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and views.unfiltered(request)
        ):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.func is not views.tile or not tile_exists(**match.kwargs):
            return None
        return match
