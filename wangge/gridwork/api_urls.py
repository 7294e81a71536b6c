from django.urls import path

from wangge.gridwork import api

urlpatterns = [
    path("today/", api.TodayApi.as_view(), name="api_field_today"),
    path("grids/", api.GridsApi.as_view(), name="api_field_grids"),
    path("meta/", api.MetaApi.as_view(), name="api_field_meta"),
    path("households/<str:number>/", api.HouseholdCardApi.as_view(), name="api_field_household"),
    path("sync/", api.SyncApi.as_view(), name="api_field_sync"),
    path("photos/", api.PhotoApi.as_view(), name="api_field_photos"),
    path("changes/", api.MyChangesApi.as_view(), name="api_field_changes"),
]
