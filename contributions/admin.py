"""Contributors in the admin (issue 16). The email address is not shown here: officers see
display names (docs/personal-data.md). Actions: suspend and reinstate; erase an account on the
contributor's request made by other means (a letter, a phone call once identity is checked),
through the same service as their own button (contributions/rights.py)."""

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contributions.accounts import contributor_reinstate, contributor_suspend
from contributions.models import Contributor
from contributions.rights import PublicPhotos, account_erase


def _erase(modeladmin, request, queryset, public_photos: str) -> None:
    count = 0
    for contributor in queryset:
        account_erase(contributor=contributor, public_photos=public_photos)
        count += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d account erased.", "%(count)d accounts erased.", count)
        % {"count": count},
        messages.SUCCESS,
    )


@admin.action(
    description=_("Erase the accounts; remove their public photos"),
    permissions=["delete"],
)
def erase_remove_photos(modeladmin, request, queryset):
    _erase(modeladmin, request, queryset, PublicPhotos.REMOVE)


@admin.action(
    description=_("Erase the accounts; keep their public photos anonymously"),
    permissions=["delete"],
)
def erase_keep_photos(modeladmin, request, queryset):
    _erase(modeladmin, request, queryset, PublicPhotos.KEEP_ANONYMOUS)


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["pk", "display_name", "joined_at", "suspended_at"]
    list_filter = [("suspended_at", admin.EmptyFieldListFilter)]
    search_fields = ["display_name"]
    fields = ["display_name", "joined_at", "suspended_at", "suspended_by", "suspension_reason"]
    readonly_fields = ["joined_at", "suspended_at", "suspended_by"]
    actions = ["suspend", "reinstate", erase_remove_photos, erase_keep_photos]

    def has_add_permission(self, request):
        return False  # accounts are made by sign-up

    def has_delete_permission(self, request, obj=None):
        # One object's delete page would do a plain delete, too: the actions erase instead.
        return obj is None and super().has_delete_permission(request)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # Django's bulk delete would leave sessions, login attempts and files behind.
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions

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
