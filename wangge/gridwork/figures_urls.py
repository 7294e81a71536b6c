"""Routes of the field work figures: the page and its API."""

from django.urls import path

from wangge.gridwork import figures_views

urlpatterns = [
    path("gridwork/figures/", figures_views.figures_page, name="gridwork_figures"),
    path("api/field/figures/", figures_views.FieldFiguresApi.as_view(), name="api_field_figures"),
]
