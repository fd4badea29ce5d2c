"""Contributors in the admin: suspend and reinstate (issue 16). The email address is not shown
here: officers see display names (docs/personal-data.md)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contributions.accounts import contributor_reinstate, contributor_suspend
from contributions.models import Contributor


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["display_name", "joined_at", "suspended_at"]
    list_filter = [("suspended_at", admin.EmptyFieldListFilter)]
    search_fields = ["display_name"]
    fields = ["display_name", "joined_at", "suspended_at", "suspended_by", "suspension_reason"]
    readonly_fields = ["joined_at", "suspended_at", "suspended_by"]
    actions = ["suspend", "reinstate"]

    def has_add_permission(self, request):
        return False  # accounts are made by sign-up

    @admin.action(description=_("Suspend the selected contributors"))
    def suspend(self, request, queryset):
        for contributor in queryset:
            contributor_suspend(
                contributor=contributor,
                by=request.user,
                reason=str(_("Suspended by an administrator.")),
            )
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(n)d contributor suspended.", "%(n)d contributors suspended.", count)
            % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reinstate the selected contributors"))
    def reinstate(self, request, queryset):
        for contributor in queryset:
            contributor_reinstate(contributor=contributor, by=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(n)d contributor reinstated.", "%(n)d contributors reinstated.", count)
            % {"n": count},
            messages.SUCCESS,
        )
