"""Giving django-leaflet the response's CSP nonce (settings.SECURE_CSP allows no inline script
without it). Leaflet's map tag takes `csp_nonce=csp_nonce` in templates; its form widgets
render without the request, so they get the nonce from here."""

from django.forms import BaseForm
from django.middleware.csp import get_nonce
from leaflet.forms.widgets import LeafletWidget


class LeafletNonceMiddleware:
    """django-leaflet's admin reads `request.csp_nonce` (django-csp's name); Django's own CSP
    middleware keeps the nonce in `request._csp_nonce`. Must come after that middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = get_nonce(request)
        return self.get_response(request)


def leaflet_widgets_nonce(request, *forms: BaseForm) -> None:
    """Let the map widgets of these forms run their inline script in this response."""
    nonce = get_nonce(request)
    for form in forms:
        for field in form.fields.values():
            if isinstance(field.widget, LeafletWidget):
                field.widget.csp_nonce = nonce
