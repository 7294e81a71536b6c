"""The phone's API (``/api/field/``): today's work, the household card,
the worker's grids, reference lists for offline use, the sync of what was
recorded offline, and photos. Decision 0017 has the JSON with examples."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability, Role
from wangge.categories.models import Category
from wangge.core.errors import DomainError
from wangge.gridwork.change_members import phone_lists, summary
from wangge.gridwork.changes import FIELDS
from wangge.gridwork.cover import grids_served_by, on_duty
from wangge.gridwork.duties import duties_active
from wangge.gridwork.models import GridPost, HouseholdChange
from wangge.gridwork.photos import photo_attach
from wangge.gridwork.selectors import household_card_for
from wangge.gridwork.sync import MAX_OPS, OPS, sync_apply
from wangge.gridwork.today import today_for
from wangge.registry.edits import EDUCATION
from wangge.registry.tags import SENSITIVE_TAGS, TAGS
from wangge.territory.models import Area

_ANY = serializers.JSONField()


class TodayApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "FieldToday",
            {
                "at": serializers.DateTimeField(),
                "grids": _ANY,
                "visits": _ANY,
                "requests": _ANY,
                "tasks": _ANY,
            },
        ),
        description="The grids the caller serves now (own A grids; A's grids while covering "
        "as B), their households due and overdue for a visit by colour, the caller's "
        "requests and tasks.",
    )
    def get(self, request: Request) -> Response:
        return Response(today_for(request.user))


class GridsApi(APIView):
    @extend_schema(
        responses=inline_serializer("FieldGrids", {"serving": _ANY, "posts": _ANY, "zone": _ANY}),
        description="serving: the grids the caller serves now; posts: the caller's open "
        "A/B posts (a B post serves only while its A is away); zone: for a zone head, "
        "the grids of the zone with the worker on duty in each.",
    )
    def get(self, request: Request) -> Response:
        user = request.user
        serving = grids_served_by(user)
        areas = {
            a.pk: a
            for a in Area.objects.filter(pk__in=[s.grid_id for s in serving]).defer("geometry")
        }
        posts = GridPost.objects.filter(worker__user=user.pk, ended_at__isnull=True).select_related(
            "grid"
        )
        return Response(
            {
                "serving": [
                    {
                        "code": areas[s.grid_id].code,
                        "name": areas[s.grid_id].name,
                        "post": s.post,
                        "covering": s.covering,
                    }
                    for s in serving
                    if s.grid_id in areas
                ],
                "posts": [
                    {
                        "grid": p.grid.code,
                        "name": p.grid.name,
                        "post": p.post,
                        "since": p.started_at.isoformat(),
                    }
                    for p in posts.order_by("post", "grid__code")
                ],
                "zone": _zone(user),
            }
        )


def _zone(user: Any) -> list[dict[str, Any]]:
    """A zone head's grids with the worker on duty in each."""
    paths = [g.path for g in reach_for(user).grants if g.role == Role.ZONE_HEAD]
    if not paths:
        return []
    place = Q(pk__in=[])
    for p in paths:
        place |= Q(path__prefix=p)
    out = []
    for grid in Area.objects.filter(place, level="grid", is_active=True).defer("geometry"):
        duty = on_duty(grid.pk)
        out.append(
            {
                "code": grid.code,
                "name": grid.name,
                "on_duty": duty.name or None,
                "post": duty.post or None,
                "uncovered": duty.uncovered,
            }
        )
    return out


class MetaApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "FieldMeta",
            {
                "duties": _ANY,
                "categories": _ANY,
                "tags": _ANY,
                "education": _ANY,
                "change_fields": _ANY,
                "members": _ANY,
                "ops": _ANY,
                "max_ops": serializers.IntegerField(),
            },
        ),
        description="Reference lists the phone keeps for working offline.",
    )
    def get(self, request: Request) -> Response:
        sensitive_ok = reach_for(request.user).has(Capability.PERSON_VIEW_SENSITIVE)
        leaves = Category.objects.filter(level=3, is_active=True).select_related("parent__parent")
        return Response(
            {
                "duties": [
                    {"code": d.code, "name": d.name, "description": d.description}
                    for d in duties_active()
                ],
                "categories": [
                    {
                        "code": c.code,
                        "name": c.name,
                        "path": " / ".join(
                            x.name for x in (c.parent.parent, c.parent, c) if x is not None
                        )
                        if c.parent
                        else c.name,
                    }
                    for c in leaves.order_by("code")
                ],
                "tags": [
                    {"code": code, "name": name}
                    for code, name in TAGS.items()
                    if sensitive_ok or code not in SENSITIVE_TAGS
                ],
                "education": list(EDUCATION),
                "change_fields": [
                    {"field": f, "name": label, "of": whose} for f, (label, whose) in FIELDS.items()
                ],
                # For members joining and leaving (entries member_add, member_leave).
                "members": phone_lists(),
                "ops": list(OPS),
                "max_ops": MAX_OPS,
            }
        )


class HouseholdCardApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "FieldHouseholdCard",
            {
                "number": serializers.CharField(),
                "grid": _ANY,
                "address": serializers.CharField(),
                "colour": serializers.CharField(),
                "reasons": _ANY,
                "visit": _ANY,
                "members": _ANY,
                "last_visits": _ANY,
                "changes_open": _ANY,
                "state": serializers.CharField(),
            },
        ),
        description="The household card (members masked). `state` is what a household "
        "change sends back as `seen_state`. Each read is audited.",
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(household_card_for(request.user, number))


class SyncRequest(serializers.Serializer):
    ops = serializers.ListField(
        child=serializers.DictField(),
        help_text="Operations in the order made; each has `id` (UUID) and `op` ("
        + ", ".join(OPS)
        + ").",
    )


class SyncApi(APIView):
    @extend_schema(
        request=SyncRequest,
        responses=inline_serializer(
            "FieldSyncAnswer",
            {
                "results": serializers.ListField(
                    child=inline_serializer(
                        "FieldSyncResult",
                        {
                            "id": serializers.CharField(),
                            "status": serializers.ChoiceField(
                                choices=["ok", "duplicate", "conflict", "error"]
                            ),
                            "result": _ANY,
                            "original": serializers.CharField(required=False),
                            "code": serializers.CharField(required=False),
                            "message": serializers.CharField(required=False),
                        },
                    )
                )
            },
        ),
        description="Apply what the phone recorded offline, each operation exactly once "
        "(by its id), in order; one answer per operation. See decision 0017.",
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        return Response({"results": sync_apply(actor=request.user, ops=data.get("ops"))})


class PhotoApi(APIView):
    parser_classes = (MultiPartParser, FormParser)

    @extend_schema(
        request=inline_serializer(
            "FieldPhotoUpload",
            {
                "id": serializers.UUIDField(help_text="the photo's own id, made on the phone"),
                "record": serializers.UUIDField(help_text="the visit's or finding's id"),
                "photo": serializers.ImageField(),
            },
        ),
        responses=inline_serializer(
            "FieldPhoto",
            {
                "id": serializers.UUIDField(),
                "width": serializers.IntegerField(),
                "height": serializers.IntegerField(),
            },
        ),
        description="One photo of a visit or finding already synced. 201 when stored, 200 "
        "when it was already there (sent again).",
    )
    def post(self, request: Request) -> Response:
        try:
            client_id = uuid.UUID(str(request.data.get("id", "")))
            record = uuid.UUID(str(request.data.get("record", "")))
        except ValueError:
            raise DomainError("photo.id", "id 与 record 应为 UUID") from None
        photo = photo_attach(
            actor=request.user, client_id=client_id, record=record, file=request.FILES.get("photo")
        )
        return Response(
            {"id": str(photo.client_id), "width": photo.width, "height": photo.height},
            status=status.HTTP_200_OK if photo.replayed else status.HTTP_201_CREATED,  # type: ignore[attr-defined]
        )


class MyChangesApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("limit", int, description="最多返回多少条(默认 50)")],
        responses=inline_serializer("FieldMyChanges", {"results": _ANY}),
        description="The caller's own household change requests, newest first, with what "
        "became of them.",
    )
    def get(self, request: Request) -> Response:
        try:
            limit = max(1, min(200, int(request.query_params.get("limit", 50))))
        except ValueError:
            limit = 50
        rows = (
            HouseholdChange.objects.filter(proposed_by_id=request.user.pk)
            .select_related("household")
            .order_by("-received_at")[:limit]
        )
        return Response(
            {
                "results": [
                    {
                        "id": str(c.client_id),
                        "household": c.household.number,
                        "status": c.status,
                        "proposed": [summary(e) for e in c.proposed],
                        "decision_note": c.decision_note,
                        "decided_at": c.decided_at.isoformat() if c.decided_at else None,
                    }
                    for c in rows
                ]
            }
        )
