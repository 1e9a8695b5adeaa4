from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/", include("api.urls")),
    path("", include("marketplace.urls")),
    path("", include("matching.urls")),
    path("", include("referrals.urls")),
    path("", include("payments_stub.urls")),
    path("", include("privacy.urls")),
]

# Pages answer with pages; addresses under /api/ answer in the API's JSON error shape.
handler404 = "api.errors.page_not_found"
handler500 = "api.errors.server_error"
