"""Throttling per role: anonymous by address; researchers and staff by account, with more."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from registry.roles import is_administrator, is_officer, is_reviewer


class RoleRateThrottle(SimpleRateThrottle):
    """Rates from settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]: anon, researcher, staff."""

    scope = "anon"

    def allow_request(self, request, view):
        user = request.user
        if not user.is_authenticated:
            self.scope = "anon"
        elif is_administrator(user) or is_officer(user) or is_reviewer(user):
            self.scope = "staff"
        else:
            self.scope = "researcher"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # read now: settings may change

    def get_cache_key(self, request, view):
        if request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
