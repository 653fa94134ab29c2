"""The site's URLs plus ``/bench/trivial/``: a view that does nothing, measured in the same run
so that every figure can be read as a ratio to it."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), *site]
