"""Who may do what (DESIGN §3), as `rules` predicates checked on the server for every path.

Groups (made by a migration): public, researcher, officer, reviewer, administrator.
Officers and reviewers act only on sites in the regions assigned to them (RegionAssignment).
Object permissions take the site (`user.has_perm("registry.edit_site", site)`); a
permission asked without an object answers "in some region" (may they open the form at all).
"""

import rules
from django.contrib.auth.models import AbstractBaseUser

from registry.models import HeritageSite, RegionAssignment

PUBLIC, RESEARCHER, OFFICER, REVIEWER, ADMINISTRATOR = (
    "public", "researcher", "officer", "reviewer", "administrator",
)  # fmt: skip
GROUPS = [PUBLIC, RESEARCHER, OFFICER, REVIEWER, ADMINISTRATOR]


@rules.predicate
def works_in_region_of(user: AbstractBaseUser, site: HeritageSite | None) -> bool:
    assigned = RegionAssignment.objects.filter(user=user)
    if site is None:
        return assigned.exists()
    return assigned.filter(region_id=site.region_id).exists()


@rules.predicate
def granted_exact_locations(user: AbstractBaseUser) -> bool:
    """The per-person model permission a researcher may be given (every read is logged)."""
    return user.has_perm("registry.view_exact_location")


is_administrator = rules.is_superuser | rules.is_group_member(ADMINISTRATOR)
is_officer = rules.is_group_member(OFFICER)
is_reviewer = rules.is_group_member(REVIEWER)
is_staff_in_region = (is_officer | is_reviewer) & works_in_region_of

rules.add_perm("registry.see_site", is_administrator | is_staff_in_region)
rules.add_perm("registry.add_site", is_administrator | (is_officer & works_in_region_of))
rules.add_perm("registry.edit_site", is_administrator | (is_officer & works_in_region_of))
rules.add_perm("registry.review_site", is_administrator | (is_reviewer & works_in_region_of))
rules.add_perm(
    "registry.see_exact_location",
    is_administrator | is_staff_in_region | granted_exact_locations,
)


def regions_of(user: AbstractBaseUser) -> list[int]:
    return list(RegionAssignment.objects.filter(user=user).values_list("region_id", flat=True))
