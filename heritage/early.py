"""The public's most frequent anonymous reads, answered before the middleware that has nothing
to do for them, with their rate-limit hit counted in the read's own round trip.

Tiles, the REST API's site list, count and single record, and the map's in-view list are most
of the public's requests, and their statements take little more time than the whole middleware
chain and DRF's dispatch. For an anonymous GET of one of them (no session cookie, no
Authorization header; the API's in plain JSON), `AnonymousReadMiddleware` runs only the
middleware below it that act on such a request (`TILE_RUN`, `READ_RUN`), in MIDDLEWARE's
order, around a view that does the same work as the normal one with the same parsing and
statements, and none of the others (`SKIPPED`: a middleware added to settings.MIDDLEWARE below
this one must join one of the three, or no process starts). Everything above it has run
already: the health probes, security headers, CSP, JSON errors, NUL check and static files.

The rate limit is the same counter as on the normal path (RateLimitMiddleware's scope, or the
API's anonymous throttle), deferred to the request's first read (heritage/limits.py). An early
view answers only what it is sure of (200s, 304s, and the in-view list's 400s); for anything
else (bad input, a missing record) it answers `WholeChain()`, and the request goes down the
whole chain, which answers it in its own words. A refused request goes the same way. Either way
the early path's verdict is handed over, so a request is counted once.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string
from rest_framework.settings import api_settings

from heritage import limits
from heritage.clientip import client_ip

TILES_PATH = "/maps/tiles/"  # as maps/urls.py routes them (and heritage/limits.py counts them)
IN_VIEW_PATH = "/maps/sites/in-view.json"
API_SITES_PATH = "/api/v1/sites/"
# The early routes as the URLconf writes them (maps/urls.py, registry/api/urls.py), matched
# here without walking it: `resolve` took a tenth of a small tile's Python. Each is checked
# against `django.urls.resolve` (tests/api/test_early_reads.py), so a route moved there and
# not here fails the tests instead of leaving the early path silently.
TILE_ROUTE = re.compile(r"/maps/tiles/(?P<z>[0-9]+)/(?P<x>[0-9]+)/(?P<y>[0-9]+)\.pbf")
API_ROUTES = {  # path -> name (registry/api/urls.py, namespace "api")
    API_SITES_PATH: "site-list",
    f"{API_SITES_PATH}count/": "site-count",
}
API_RECORD_ROUTE = re.compile(r"/api/v1/sites/(?P<registry_number>[A-Z0-9-]{1,32})/")
# Accept headers the API's first renderer (plain JSON) answers, as DRF's negotiation would.
PLAIN_ACCEPT = frozenset({"", "*/*", "application/json"})
# Those below this middleware that act on a tile, run by it in MIDDLEWARE's order:
TILE_RUN = (
    "django.middleware.common.CommonMiddleware",  # the Host check, user agents, Content-Length
    "heritage.routers.ReplicaMiddleware",  # public reads on the replica
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # X-Frame-Options
)
# ... on a read in the visitor's language (an API feature's `name`, the in-view list's texts):
READ_RUN = ("django.middleware.locale.LocaleMiddleware", *TILE_RUN)
# ... and those that do nothing such a request's response or the database would show:
SKIPPED = frozenset({
    # Counted here, with the same counters, in the read's round trip (heritage/limits.py).
    "heritage.limits.RateLimitMiddleware",
    # Tiles: the Vary and Content-Language that locale adds, it removes; API reads: none of
    # their views is marked same for everyone; the in-view list is not marked either.
    "heritage.middleware.SameForEveryoneMiddleware",
    # No session cookie: no session is read or written, and the user is anonymous (set here,
    # as AuthenticationMiddleware would find it, for ReplicaMiddleware). The API's views read
    # the (empty) session through DRF's authentication, hence the Vary: Cookie added below.
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",  # a GET is never refused; no token is set
    "django.contrib.messages.middleware.MessageMiddleware",  # no message is shown or kept
    "simple_history.middleware.HistoryRequestMiddleware",  # nothing is written
    "axes.middleware.AxesMiddleware",  # acts on logins only
    # allauth's context for its own views, and a 404 under its URLs turned into a redirect
    # (on main since issue 16): an early read is neither (it answers 200/304, else goes down
    # the whole chain).
    "allauth.account.middleware.AccountMiddleware",
})  # fmt: skip


class WholeChain(HttpResponse):
    """What an early view answers when the whole chain should (module docstring)."""


def _below(name: str) -> list[str]:
    """The middleware below `name` in settings.MIDDLEWARE, each sorted into a RUN or SKIPPED."""
    below = settings.MIDDLEWARE[settings.MIDDLEWARE.index(name) + 1 :]
    unsorted = [path for path in below if path not in {*READ_RUN, *SKIPPED}]
    if unsorted:
        raise ImproperlyConfigured(
            f"{name}: add {', '.join(unsorted)} to heritage/early.py's TILE_RUN or READ_RUN (it "
            "acts on an anonymous tile or read) or SKIPPED (it does nothing there)."
        )
    return below


def _view(request):
    return request.early_view(request, **request.early_kwargs)


def _chain(below: list[str], run: tuple[str, ...]):
    # Each wrapped as Django wraps the chain's, so an exception becomes its response (a 400
    # for a bad Host, heritage/faults.py's 503) inside the middleware above it.
    handler = convert_exception_to_response(_view)
    for path in reversed([path for path in below if path in run]):
        handler = convert_exception_to_response(import_string(path)(handler))
    return handler


@dataclass(frozen=True)
class Route:
    view: object  # the early view
    kwargs: dict  # its arguments from the path, as the URLconf converts them
    serve: object  # the middleware that act on it, around the view
    scope: str  # the rate limit's scope (heritage/limits.py)
    rate: str  # and its rate
    session_read: bool = False  # the normal view reads the (empty) session: Vary: Cookie


class AnonymousReadMiddleware:
    """Goes right after WhiteNoiseMiddleware, before RateLimitMiddleware (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        below = _below(f"{__name__}.{type(self).__name__}")
        self.tiles = _chain(below, TILE_RUN)
        self.reads = _chain(below, READ_RUN)

    def __call__(self, request):
        route = self._route(request) if self._anonymous_get(request) else None
        if route is None:
            return self.get_response(request)
        request.user = AnonymousUser()
        request.early_view, request.early_kwargs = route.view, route.kwargs
        count = limits.Count(
            route.scope, limits.address_key(client_ip(request)), limits.parse_rate(route.rate)
        )
        with limits.counting(count):
            response = route.serve(request)
        if not isinstance(response, WholeChain):
            limits.settle(count)  # nothing read (a cached tile, a bad Host): counted now
        request.mura_count = count  # handed over: the whole chain counts it no second time
        if isinstance(response, WholeChain) or not count.verdict.allowed:
            del request.user, request.early_view, request.early_kwargs
            return self.get_response(request)
        if route.session_read:
            patch_vary_headers(response, ("Cookie",))
        return response

    @staticmethod
    def _anonymous_get(request) -> bool:
        return (
            request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
        )

    def _route(self, request) -> Route | None:
        """The early view for `request` and its arguments, if it has one."""
        # Imported here: these modules import this one.
        from maps import views as maps_views
        from maps.tiles import tile_exists
        from registry.api import views as api_views

        path = request.path_info
        if path.startswith(TILES_PATH) and maps_views.unfiltered(request):
            match = TILE_ROUTE.fullmatch(path)
            if match is None:
                return None
            kwargs = {name: int(value) for name, value in match.groupdict().items()}
            if not tile_exists(**kwargs):
                return None
            rate = settings.MURA_RATES["tiles"]
            return Route(maps_views.tile, kwargs, self.tiles, "tiles", rate)
        if path == IN_VIEW_PATH:
            rate = settings.MURA_RATES["map"]
            return Route(maps_views.sites_in_view, {}, self.reads, "map", rate)
        if (
            path.startswith(API_SITES_PATH)
            and request.META.get("HTTP_ACCEPT", "") in PLAIN_ACCEPT
            and "format" not in request.GET
        ):
            name, kwargs = API_ROUTES.get(path), {}
            if name is None and (match := API_RECORD_ROUTE.fullmatch(path)) is not None:
                name, kwargs = "site-detail", match.groupdict()
            if name is None:
                return None
            rate = api_settings.DEFAULT_THROTTLE_RATES["anon"]
            view = api_views.EARLY[name]
            return Route(view, kwargs, self.reads, "api-anon", rate, session_read=True)
        return None
