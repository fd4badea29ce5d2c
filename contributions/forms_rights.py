"""The account deletion form: the password again, and what becomes of accepted public photos."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contributions.rights import PublicPhotos


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    public_photos = forms.ChoiceField(
        label=_("Your accepted public photos"),
        choices=[
            (PublicPhotos.REMOVE, _("Remove them from Mura")),
            (
                PublicPhotos.KEEP_ANONYMOUS,
                _(
                    "Keep them public under the licence I chose, credited to "
                    "“anonymous contributor”, with no link to me"
                ),
            ),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
