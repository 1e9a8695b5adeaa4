"""The site's URLs plus `bench/bare/`, a view that does no work, for `make bench-load` only.

The bare view goes through the same middleware as every page (session, user, language): what
it costs is what any signed-in page costs before it does anything.
"""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
