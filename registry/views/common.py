from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from registry.models import HeritageSite
from registry.selectors import site_list_for_staff, staff_number_lookup


def site_for(user, number: str, permission: str) -> HeritageSite:
    """The site, if this user may see it (else 404: outside one's regions it does not exist)
    and holds `permission` on it (else 403). `number` is its registry number, its draft
    reference (a draft's link keeps working after publication) or its former number."""
    site = get_object_or_404(site_list_for_staff(user=user), staff_number_lookup(number))
    if not user.has_perm(permission, site):
        raise PermissionDenied
    return site
