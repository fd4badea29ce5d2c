"""Condition monitoring's sections on the officer's existing pages (site page, dashboard,
review queue): each an inclusion tag, so those pages' views stay as they are."""

from django import template

from registry.models import AtRiskEntry, Inspection
from registry.selectors import site_list_for_staff
from registry.services.monitoring import OPEN_ENTRY_STATES, inspections_due

register = template.Library()


@register.inclusion_tag("registry/monitoring/_site_section.html", takes_context=True)
def site_monitoring(context, site):
    """The site's inspections (newest first, every state) and at-risk entries."""
    user = context["request"].user
    entries = list(AtRiskEntry.objects.filter(site=site).order_by("-pk"))
    open_entry = next((e for e in entries if e.state in OPEN_ENTRY_STATES), None)
    return {
        "site": site,
        "inspections": site.inspections.select_related("inspector").prefetch_related("threats"),
        "entries": entries,
        "open_entry": open_entry,
        "can_record": site.status == site.Status.PUBLISHED
        and user.has_perm("registry.edit_site", site),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("registry/monitoring/_due_section.html", takes_context=True)
def inspections_due_section(context):
    return {"due": inspections_due(sites=site_list_for_staff(user=context["request"].user))}


@register.inclusion_tag("registry/monitoring/_review_section.html", takes_context=True)
def monitoring_review_queue(context):
    """Submitted inspections (not one's own) and open at-risk proposals in one's regions."""
    user = context["request"].user
    sites = site_list_for_staff(user=user)
    return {
        "inspections": Inspection.objects.filter(state=Inspection.State.SUBMITTED, site__in=sites)
        .exclude(inspector=user)
        .select_related("site__region", "inspector")
        .prefetch_related("photos")
        .defer("site__region__geom")
        .order_by("recorded_at"),
        "entries": AtRiskEntry.objects.filter(
            state__in=[AtRiskEntry.State.PROPOSED, AtRiskEntry.State.LEAVING], site__in=sites
        )
        .select_related("site__region")
        .defer("site__region__geom")
        .order_by("proposed_at"),
    }
