"""Open311 GeoReport v2 under /open311/v2/: every method ends in .json or
.xml, as the spec's paths do."""

from django.urls import path, re_path

from wangge.open311 import views

urlpatterns = [
    path("discovery.<str:fmt>", views.discovery, name="open311_discovery"),
    path("services.<str:fmt>", views.services, name="open311_services"),
    path("services/<str:code>.<str:fmt>", views.service_definition, name="open311_service"),
    path("requests.<str:fmt>", views.requests, name="open311_requests"),
    path("requests/<str:number>.<str:fmt>", views.request_one, name="open311_request"),
    path("tokens/<str:token>.<str:fmt>", views.tokens, name="open311_token"),
    # Anything else under the prefix answers in the spec's error form too.
    re_path(r"", views.unknown),
]
