"""/officer/contributions/: the moderation queue of one's regions (views_officer.py)."""

from django.urls import path

from contributions import views_officer as views

urlpatterns = [
    path("", views.moderation_queue, name="moderation-queue"),
    path("<int:pk>/", views.moderation_detail, name="moderation-detail"),
    path("<int:pk>/photo.jpg", views.moderation_photo, name="moderation-photo"),
    path("<int:pk>/decide/", views.moderation_decide, name="moderation-decide"),
    path("<int:pk>/email/", views.moderation_email, name="moderation-email"),
]
