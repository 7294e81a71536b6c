from django.urls import path

from wangge.tasks import api, views

urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/preview/", views.task_preview, name="task_preview"),
    path("tasks/mine/", views.task_mine, name="task_mine"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/rows/<int:row_id>/", views.task_row, name="task_row"),
    path("tasks/rows/<int:row_id>/done/", views.task_row_done_view, name="task_row_done"),
    path(
        "tasks/targets/<int:target_id>/done/",
        views.task_target_done_view,
        name="task_target_done",
    ),
    path("api/tasks/", api.TaskListApi.as_view(), name="api_tasks"),
    path("api/tasks/preview/", api.TaskPreviewApi.as_view(), name="api_task_preview"),
    path("api/tasks/mine/", api.MyTasksApi.as_view(), name="api_tasks_mine"),
    path("api/tasks/<int:task_id>/", api.TaskDetailApi.as_view(), name="api_task"),
    path(
        "api/tasks/<int:task_id>/progress/",
        api.TaskProgressApi.as_view(),
        name="api_task_progress",
    ),
    path("api/task-rows/<int:row_id>/done/", api.RowDoneApi.as_view(), name="api_task_row_done"),
    path(
        "api/task-targets/<int:target_id>/done/",
        api.TargetDoneApi.as_view(),
        name="api_task_target_done",
    ),
]
