import functools

from django.http import HttpResponseBadRequest
from django.utils.http import split_header_value


class RejectNulMiddleware:
    """A NUL byte in the path or the query string is refused with a 400 before any view runs:
    PostgreSQL cannot store or compare text containing NUL, so it would otherwise end as a 500.

    /api/ and /ogc/ validate their own input and name the parameter in JSON (registry/api)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = None if request.path.startswith(("/api/", "/ogc/")) else self._nul_in(request)
        if where is None:
            return self.get_response(request)
        message = f"{where} contains a NUL byte, which is never valid here."
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    @staticmethod
    def _nul_in(request) -> str | None:
        if "\x00" in request.path:
            return "The address"
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return f"The parameter '{name.replace(chr(0), '')}'"
        return None


# Vary entries that the session, auth and locale middleware add to every response they touch.
PER_VISITOR_VARY = frozenset({"cookie", "accept-language"})


def same_for_everyone(view):
    """Marks a view whose successful responses depend on the URL alone (not on the visitor's
    language, session or cookies): SameForEveryoneMiddleware then drops the Vary entries and
    Content-Language that other middleware add, so a shared cache (nginx, a CDN) keeps one
    copy per URL instead of one per Accept-Language string or cookie jar."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 304):  # errors are worded in the visitor's language
            response.same_for_everyone = True
        return response

    return wrapped


class SameForEveryoneMiddleware:
    """Goes before (outside) SessionMiddleware and LocaleMiddleware, so it sees what they add."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "same_for_everyone", False):
            kept = [
                field
                for field in split_header_value(response.get("Vary", ""))
                if field.lower() not in PER_VISITOR_VARY
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                response.headers.pop("Vary", None)
            response.headers.pop("Content-Language", None)
        return response
