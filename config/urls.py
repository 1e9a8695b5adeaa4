from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("marketplace.urls")),
    path("", include("matching.urls")),
    path("", include("referrals.urls")),
    path("", include("payments_stub.urls")),
]
