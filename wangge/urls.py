from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from wangge.accounts import api as accounts_api
from wangge.accounts import views as accounts_views
from wangge.audit import api as audit_api
from wangge.audit import views as audit_views
from wangge.core.views import healthz
from wangge.dispatch import api as dispatch_api
from wangge.dispatch import intake_views, portal_views
from wangge.dispatch import views as dispatch_views
from wangge.notify import views as notify_views
from wangge.registry import api as registry_api
from wangge.registry import import_views
from wangge.registry import views as registry_views
from wangge.territory import api as territory_api
from wangge.territory import generation_views
from wangge.territory import views as territory_views

admin.site.site_header = "网格 · 系统管理"
admin.site.site_title = "网格系统管理"
admin.site.index_title = "管理"

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("login/", accounts_views.login_view, name="login"),
    path("logout/", accounts_views.logout_view, name="logout"),
    path("about/", TemplateView.as_view(template_name="core/about.html"), name="about"),
    path("healthz", healthz, name="healthz"),
    path("areas/", territory_views.area_index, name="area_index"),
    path("areas/<str:code>/", territory_views.area_detail, name="area_detail"),
    path("areas/<str:code>/map.geojson", territory_views.area_map, name="area_map"),
    path("areas/<str:code>/edit/", territory_views.area_edit, name="area_edit"),
    path("areas/<str:code>/grids/", generation_views.village_grids, name="village_grids"),
    path(
        "areas/<str:code>/grids/map.geojson",
        generation_views.village_grids_map,
        name="village_grids_map",
    ),
    path(
        "areas/<str:code>/grids/compute/",
        generation_views.village_grids_compute,
        name="village_grids_compute",
    ),
    path(
        "grids/generations/<int:pk>/",
        generation_views.generation_detail,
        name="generation_detail",
    ),
    path(
        "grids/generations/<int:pk>/map.geojson",
        generation_views.generation_map,
        name="generation_map",
    ),
    path(
        "grids/generations/<int:pk>/<str:action>/",
        generation_views.generation_act,
        name="generation_act",
    ),
    path(
        "areas/<str:code>/households/",
        registry_views.area_households,
        name="area_households",
    ),
    path(
        "areas/<str:code>/households.geojson",
        registry_views.area_households_geojson,
        name="area_households_geojson",
    ),
    path("areas/<str:code>/export/", registry_views.area_export, name="area_export"),
    path("households/<str:number>/", registry_views.household_detail, name="household_detail"),
    path(
        "households/<str:number>/override/",
        registry_views.household_override,
        name="household_override",
    ),
    path(
        "households/<str:number>/lead/",
        registry_views.household_lead,
        name="household_lead",
    ),
    path(
        "households/<str:number>/relations/",
        registry_views.household_relations,
        name="household_relations",
    ),
    path("portal/", portal_views.report, name="portal_report"),
    path("portal/track/", portal_views.track, name="portal_track"),
    path("portal/photo/<str:token>/", portal_views.photo, name="portal_photo"),
    path("requests/", dispatch_views.queue, name="request_queue"),
    path("requests/new/", intake_views.new, name="request_new"),
    path("inbox/", notify_views.inbox, name="inbox"),
    path("inbox/read/", notify_views.inbox_read, name="inbox_read"),
    path("ledger/", dispatch_views.ledger, name="request_ledger"),
    path("figures/", dispatch_views.figures, name="request_figures"),
    path("ledger/export/", dispatch_views.ledger_export, name="request_ledger_export"),
    path("ledger/views/", dispatch_views.ledger_view_save, name="ledger_view_save"),
    path(
        "ledger/views/<int:view_id>/delete/",
        dispatch_views.ledger_view_delete,
        name="ledger_view_delete",
    ),
    path("requests/<str:number>/", dispatch_views.detail, name="request_detail"),
    path(
        "requests/<str:number>/photos/<int:photo_id>/",
        dispatch_views.photo,
        name="request_photo",
    ),
    path("requests/<str:number>/<str:action>/", dispatch_views.act, name="request_act"),
    path(
        "households/<str:number>/reveal/",
        registry_views.household_reveal_view,
        name="household_reveal",
    ),
    path("persons/<int:person_id>/", registry_views.person_detail, name="person_detail"),
    path(
        "persons/<int:person_id>/reveal/",
        registry_views.person_reveal_view,
        name="person_reveal",
    ),
    path("search/", registry_views.search, name="person_search"),
    path("imports/", import_views.imports, name="imports"),
    path("imports/template.xlsx", import_views.import_template, name="import_template"),
    path("imports/<int:job_id>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/errors.xlsx", import_views.import_errors, name="import_errors"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("admin/", admin.site.urls),
    path("open311/v2/", include("wangge.open311.urls")),
    path("", include("wangge.disputes.urls")),
    path("", include("wangge.tasks.urls")),
    path("", include("wangge.gridwork.figures_urls")),
    path("gridwork/", include("wangge.gridwork.urls")),
    path("api/field/", include("wangge.gridwork.api_urls")),
    path("field/", include("wangge.gridwork.phone_urls")),
    # API
    path("api/auth/token/", accounts_api.TokenApi.as_view(), name="api_token"),
    path("api/me/", accounts_api.MeApi.as_view(), name="api_me"),
    path("api/areas/", territory_api.AreaListApi.as_view(), name="api_areas"),
    path("api/areas/<str:code>/", territory_api.AreaDetailApi.as_view(), name="api_area"),
    path(
        "api/areas/<str:code>/geojson/",
        territory_api.AreaGeoJsonApi.as_view(),
        name="api_area_geojson",
    ),
    path("api/locate/", territory_api.LocateApi.as_view(), name="api_locate"),
    path("api/audit/", audit_api.AuditListApi.as_view(), name="api_audit"),
    path("api/households/", registry_api.HouseholdListApi.as_view(), name="api_households"),
    path(
        "api/households/<str:number>/",
        registry_api.HouseholdDetailApi.as_view(),
        name="api_household",
    ),
    path("api/persons/", registry_api.PersonSearchApi.as_view(), name="api_persons"),
    path("api/persons/<int:person_id>/", registry_api.PersonDetailApi.as_view(), name="api_person"),
    path(
        "api/persons/<int:person_id>/reveal/",
        registry_api.PersonRevealApi.as_view(),
        name="api_person_reveal",
    ),
    path("api/requests/", dispatch_api.RequestListApi.as_view(), name="api_requests"),
    path("api/requests/<str:number>/", dispatch_api.RequestDetailApi.as_view(), name="api_request"),
    path(
        "api/requests/<str:number>/<str:action>/",
        dispatch_api.RequestActionApi.as_view(),
        name="api_request_action",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]
