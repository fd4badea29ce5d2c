"""/contributors/: django-allauth's account pages (sign up, confirm, sign in and out, reset a
password; route names account_*), the account page, consent and the privacy notice (account-*).
Officers keep Django's own login at /accounts/."""

from functools import wraps

from allauth.account import urls as allauth_urls
from django.urls import URLPattern, path

from contributions import views_account


def invalid_is_400(view):
    """allauth answers a refused form with 200; Mura answers bad input with 400 (the page,
    its form and the message naming the field are the same)."""

    @wraps(view)
    def answered(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        refused = form is not None and form.is_bound and bool(form.errors)
        if request.method == "POST" and response.status_code == 200 and refused:
            response.status_code = 400
        return response

    return answered


urlpatterns = [
    path("me/", views_account.me, name="account-me"),
    path("consent/", views_account.consent, name="account-consent"),
    path("privacy/", views_account.privacy_notice, name="account-privacy"),
    path("<int:pk>/suspend/", views_account.suspend, name="account-suspend"),
    *(
        URLPattern(p.pattern, invalid_is_400(p.callback), p.default_args, p.name)
        for p in allauth_urls.urlpatterns
    ),
]
