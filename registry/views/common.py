from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from registry.models import HeritageSite
from registry.selectors import site_list_for_staff


def site_for(user, number: str, permission: str) -> HeritageSite:
    """The site, if this user may see it (else 404: outside one's regions it does not exist)
    and holds `permission` on it (else 403)."""
    site = get_object_or_404(site_list_for_staff(user=user), registry_number=number)
    if not user.has_perm(permission, site):
        raise PermissionDenied
    return site
