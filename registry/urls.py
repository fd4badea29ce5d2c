from django.urls import path

from registry.views import imports, passports, records, review, sites

app_name = "registry"
urlpatterns = [
    path("", sites.dashboard, name="dashboard"),
    path("sites/new/", sites.site_new, name="site-new"),
    path("imports/", imports.site_import, name="site-import"),
    path("sites/<str:number>/", sites.site_detail, name="site-detail"),
    path("sites/<str:number>/edit/", sites.site_edit, name="site-edit"),
    *(
        path(
            f"sites/<str:number>/{action}/",
            sites.site_transition,
            {"action": action},
            name=f"site-{action}",
        )
        for action in sites.TRANSITIONS
    ),
    path("sites/<str:number>/history/", records.history, name="site-history"),
    path("sites/<str:number>/passport.pdf", passports.site_passport, name="site-passport"),
    path("passports/", passports.batches, name="passport-batches"),
    path(
        "passports/<int:pk>/download/",
        passports.batch_download,
        name="passport-batch-download",
    ),
    path("sites/<str:number>/photos/", records.photos, name="site-photos"),
    path("sites/<str:number>/photos/order/", records.photos_order, name="site-photos-order"),
    path("photos/<int:pk>/original/", records.photo_original, name="photo-original"),
    path("photos/<int:pk>/<str:size>/", records.photo_preview, name="photo-preview"),
    path("acts/<int:pk>/document/", records.designation_document, name="act-document"),
    path("review/", review.queue, name="review-queue"),
    path("review/sites/<str:number>/", review.review_site, name="review-site"),
    path("review/changes/<int:pk>/", review.review_change, name="review-change"),
]
