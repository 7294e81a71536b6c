"""Tasks in the REST API: list and give tasks (with a preview of what a
choice reaches), one task, its progress by town, village or grid, a grid
worker's open rows, and completing a grid's share or one target household."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request as ApiRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.core.api import validated
from wangge.registry.models import Colour
from wangge.registry.tags import TAGS
from wangge.tasks.models import Task, TaskGrid
from wangge.tasks.selection import task_select
from wangge.tasks.selectors import (
    GROUPINGS,
    grids_of,
    task_get_for,
    task_list_for,
    task_progress_for,
    task_row_get_for,
    task_target_get_for,
    tasks_for_grids,
)
from wangge.tasks.services import task_create, task_row_done, task_target_done
from wangge.territory.selectors import area_get_for


class TaskSerializer(serializers.ModelSerializer):
    created_unit = serializers.CharField(source="created_unit.name", default="", read_only=True)
    rows_seen = serializers.IntegerField(read_only=True, default=None)
    rows_done = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Task
        fields = (
            "id", "title", "description", "due_on", "area_codes", "target_tag", "target_colour",
            "grid_count", "household_count", "created_unit", "created_at", "rows_seen",
            "rows_done",
        )  # fmt: skip


class RowSerializer(serializers.ModelSerializer):
    task = serializers.IntegerField(source="task_id", read_only=True)
    title = serializers.CharField(source="task.title", read_only=True)
    due_on = serializers.DateField(source="task.due_on", read_only=True)
    grid = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)

    class Meta:
        model = TaskGrid
        fields = (
            "id", "task", "title", "due_on", "grid", "grid_name", "state", "target_count",
            "done_count", "note", "done_at",
        )  # fmt: skip


class CreateSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField()
    areas = serializers.ListField(child=serializers.CharField(), allow_empty=False)
    tag = serializers.ChoiceField(choices=["", *TAGS], required=False, default="")
    colour = serializers.ChoiceField(choices=["", *Colour.values], required=False, default="")


class PreviewSerializer(serializers.Serializer):
    areas = serializers.ListField(child=serializers.CharField(), allow_empty=False)
    tag = serializers.ChoiceField(choices=["", *TAGS], required=False, default="")
    colour = serializers.ChoiceField(choices=["", *Colour.values], required=False, default="")


_PREVIEW = inline_serializer(
    "TaskPreview",
    {
        "grids": serializers.IntegerField(),
        "households": serializers.IntegerField(),
        "villages": serializers.IntegerField(),
        "towns": serializers.IntegerField(),
        "by_household": serializers.BooleanField(),
    },
)
_PROGRESS_LINE: dict[str, serializers.Field] = {
    "code": serializers.CharField(),
    "name": serializers.CharField(),
    "grids": serializers.IntegerField(),
    "grids_done": serializers.IntegerField(),
    "households": serializers.IntegerField(),
    "households_done": serializers.IntegerField(),
    "done_late": serializers.IntegerField(),
    "percent": serializers.IntegerField(),
}


class TaskListApi(generics.ListCreateAPIView):
    serializer_class = TaskSerializer

    def get_queryset(self) -> Any:
        return task_list_for(self.request.user)

    @extend_schema(request=CreateSerializer, responses={201: TaskSerializer})
    def post(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        v = validated(CreateSerializer, request.data)
        task = task_create(
            actor=request.user,
            title=v["title"],
            description=v["description"],
            due_on=v["due_on"],
            area_codes=v["areas"],
            tag=v["tag"],
            colour=v["colour"],
        )
        return Response(
            TaskSerializer(task_get_for(request.user, task.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class TaskPreviewApi(APIView):
    @extend_schema(request=PreviewSerializer, responses=_PREVIEW)
    def post(self, request: ApiRequest) -> Response:
        v = validated(PreviewSerializer, request.data)
        s = task_select(request.user, area_codes=v["areas"], tag=v["tag"], colour=v["colour"])
        return Response(s.summary())


class TaskDetailApi(APIView):
    @extend_schema(responses=TaskSerializer)
    def get(self, request: ApiRequest, task_id: int) -> Response:
        return Response(TaskSerializer(task_get_for(request.user, task_id)).data)


class TaskProgressApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=list(GROUPINGS)),
            OpenApiParameter("area", str, description="只看该区域(如一个镇或村)之下"),
        ],
        responses=inline_serializer(
            "TaskProgress",
            {
                "total": inline_serializer("TaskProgressTotal", _PROGRESS_LINE),
                "lines": inline_serializer("TaskProgressLine", _PROGRESS_LINE, many=True),
            },
        ),
    )
    def get(self, request: ApiRequest, task_id: int) -> Response:
        task = task_get_for(request.user, task_id)
        code = request.query_params.get("area", "")
        area = area_get_for(request.user, code) if code else None
        by = request.query_params.get("by", "town")
        total, lines = task_progress_for(
            request.user, task, by=by if by in GROUPINGS else "town", area=area
        )

        def line(p: Any) -> dict[str, Any]:
            return {**p.__dict__, "percent": p.percent}

        return Response({"total": line(total), "lines": [line(p) for p in lines]})


class MyTasksApi(generics.ListAPIView):
    """The open task rows of the grids the caller works in."""

    serializer_class = RowSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        return tasks_for_grids(grids_of(self.request.user))


_NOTE = inline_serializer("TaskDone", {"note": serializers.CharField(required=False)})


class RowDoneApi(APIView):
    @extend_schema(request=_NOTE, responses=RowSerializer)
    def post(self, request: ApiRequest, row_id: int) -> Response:
        row = task_row_get_for(request.user, row_id)
        done = task_row_done(actor=request.user, row=row, note=str(request.data.get("note", "")))
        return Response(RowSerializer(done).data)


class TargetDoneApi(APIView):
    @extend_schema(request=_NOTE, responses=RowSerializer)
    def post(self, request: ApiRequest, target_id: int) -> Response:
        target = task_target_get_for(request.user, target_id)
        task_target_done(actor=request.user, target=target, note=str(request.data.get("note", "")))
        return Response(RowSerializer(task_row_get_for(request.user, target.row_id)).data)
