"""The project's URLs plus the floors the page benchmark sets its pages against (mounted only in
the bench's own process, by ROOT_URLCONF)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.loader import get_template
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

# A minimal page: a small template through the same engine, context processors and middleware.
FLOOR = engines["django"].from_string(
    "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{{ title }}</title>"
    "</head><body><h1>{{ title }}</h1><p>{{ user }}</p></body></html>")


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FLOOR.render({"title": "ささえあい"}, request))


def floor_layout(request: HttpRequest) -> HttpResponse:
    """For reference: the site's own layout (base.html: header, navigation, footer), empty."""
    return HttpResponse(get_template("base.html").render({}, request))


urlpatterns = [
    path("__bench__/floor/", floor, name="bench_floor"),
    path("__bench__/layout/", floor_layout, name="bench_layout"),
    *project_urlpatterns,
]
