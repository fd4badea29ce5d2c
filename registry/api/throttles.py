"""Throttling per role: anonymous clients by their real address (heritage/clientip.py),
researchers and staff by account, with more. The counters are heritage/limits.py's, shared by
every process and machine."""

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from heritage import limits
from heritage.clientip import client_ip
from registry.roles import is_administrator, is_officer, is_reviewer


class RoleRateThrottle(BaseThrottle):
    """Rates from settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]: anon, researcher, staff
    (with `prefix`, e.g. export_anon)."""

    prefix = ""

    def allow_request(self, request, view):
        user = request.user
        if not user.is_authenticated:
            role, ident = "anon", limits.address_key(client_ip(request))
        else:
            staff = is_administrator(user) or is_officer(user) or is_reviewer(user)
            role, ident = ("staff" if staff else "researcher"), f"user-{user.pk}"
        scope = self.prefix + role
        rate = limits.parse_rate(api_settings.DEFAULT_THROTTLE_RATES[scope])  # read now
        # request._request: an early path's count is on Django's request (heritage/early.py).
        self.verdict = limits.verdict_for(request._request, f"api-{scope}", ident, rate)
        return self.verdict.allowed

    def wait(self):
        return self.verdict.retry_after


class ExportRateThrottle(RoleRateThrottle):
    """Exports read every matching row: a stricter limit of their own, on top of the API's."""

    prefix = "export_"
