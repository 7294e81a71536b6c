"""The grid worker's phone pages (``/field/``); see ``phone_views``."""

from django.urls import path

from wangge.gridwork import phone_views

urlpatterns = [
    path("", phone_views.today, name="field_today"),
    path("household/", phone_views.household, name="field_household"),
    path("visit/", phone_views.visit, name="field_visit"),
    path("patrol/", phone_views.patrol, name="field_patrol"),
    path("outbox/", phone_views.outbox, name="field_outbox"),
    path("sw.js", phone_views.service_worker, name="field_sw"),
]
