from django.http import HttpResponseBadRequest


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
