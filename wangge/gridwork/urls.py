from django.urls import path

from wangge.gridwork import views, views_changes, views_findings

urlpatterns = [
    path("", views.index, name="gridwork_index"),
    path("areas/<str:code>/", views.area_posts, name="gridwork_area"),
    path("areas/<str:code>/assign/", views.post_assign_view, name="gridwork_assign"),
    path("areas/<str:code>/workers/", views.worker_register_view, name="gridwork_register"),
    path("areas/<str:code>/history/", views.area_history, name="gridwork_history"),
    path("areas/<str:code>/reserve/", views.reserve, name="gridwork_reserve"),
    path("areas/<str:code>/reserve/add/", views.reserve_add_view, name="gridwork_reserve_add"),
    path("areas/<str:code>/changes/", views_changes.queue, name="gridwork_changes"),
    path("areas/<str:code>/findings/", views_findings.findings, name="gridwork_findings"),
    path("workers/<int:worker_id>/", views.worker_detail, name="gridwork_worker"),
    path("workers/<int:worker_id>/leave/", views.leave_record_view, name="gridwork_leave"),
    path("leaves/<int:leave_id>/end/", views.leave_end_view, name="gridwork_leave_end"),
    path("reserve/<int:pk>/status/", views.reserve_status_view, name="gridwork_reserve_status"),
    path("changes/<int:pk>/", views_changes.detail, name="gridwork_change"),
    path("changes/<int:pk>/approve/", views_changes.approve, name="gridwork_change_approve"),
    path("changes/<int:pk>/reject/", views_changes.reject, name="gridwork_change_reject"),
]
