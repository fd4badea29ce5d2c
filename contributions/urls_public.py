"""/contribute/: what a signed-in contributor sends, and their own list (contributions/views.py)."""

from django.urls import path

from contributions import views

urlpatterns = [
    path("mine/", views.contribute_mine, name="contribute-mine"),
    path("report/", views.contribute_report, name="contribute-report"),
    path("<str:number>/", views.contribute_site, name="contribute-site"),
    path("<str:number>/photo/", views.contribute_photo, name="contribute-photo"),
    path("<str:number>/observation/", views.contribute_observation, name="contribute-observation"),
    path("<str:number>/correction/", views.contribute_correction, name="contribute-correction"),
]
