from django.urls import path

from wangge.disputes import api, views

urlpatterns = [
    path("disputes/", views.ledger, name="dispute_ledger"),
    path("disputes/new/", views.new, name="dispute_new"),
    path("disputes/<str:number>/", views.detail, name="dispute_detail"),
    path("disputes/<str:number>/photos/<int:photo_id>/", views.photo, name="dispute_photo"),
    path(
        "disputes/<str:number>/parties/<int:party_id>/reveal/",
        views.reveal,
        name="dispute_party_reveal",
    ),
    path("disputes/<str:number>/<str:action>/", views.act, name="dispute_act"),
    path("api/disputes/", api.DisputeListApi.as_view(), name="api_disputes"),
    path("api/disputes/<str:number>/", api.DisputeDetailApi.as_view(), name="api_dispute"),
    path(
        "api/disputes/<str:number>/steps/",
        api.DisputeStepsApi.as_view(),
        name="api_dispute_steps",
    ),
    path(
        "api/disputes/<str:number>/<str:action>/",
        api.DisputeActionApi.as_view(),
        name="api_dispute_action",
    ),
]
