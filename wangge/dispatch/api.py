"""The request flow in the REST API: list (the ledger's filters), intake
(``Idempotency-Key`` header: a retry returns the first request, 200), photos
as multipart ``photos`` on intake and on any step, one
request with its timeline, and every step as POST .../<action>/ with the
``version`` the client saw (409 when someone acted first)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request as ApiRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.core.api import represent, validated
from wangge.dispatch.actions import ACTIONS, perform
from wangge.dispatch.ledger import LedgerFilter, ledger_for
from wangge.dispatch.models import Request, RequestEvent
from wangge.dispatch.photos import attach, prepare
from wangge.dispatch.selectors import request_get_for
from wangge.dispatch.services import request_intake


class EventSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", default="", read_only=True)
    actor = serializers.CharField(source="actor.display_name", default="", read_only=True)

    class Meta:
        model = RequestEvent
        fields = ("at", "action", "state_after", "unit", "actor", "note")


class RequestSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    grid = serializers.CharField(source="grid.code", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Request
        fields: tuple[str, ...] = (
            "number", "channel", "category", "category_name", "urgency", "description",
            "grid", "lon", "lat", "anonymous", "contact_name", "contact_phone_masked",
            "state", "unit", "unit_name", "sign_due", "finish_due", "result", "rating",
            "solved", "redo_count", "version", "created_at",
        )  # fmt: skip


class RequestDetailSerializer(RequestSerializer):
    events = EventSerializer(many=True, read_only=True)

    class Meta(RequestSerializer.Meta):
        fields = (*RequestSerializer.Meta.fields, "events")


class IntakeSerializer(serializers.Serializer):
    channel = serializers.CharField(default="api")
    category = serializers.CharField()
    description = serializers.CharField()
    urgency = serializers.CharField(default="normal")
    lon = serializers.FloatField(required=False, allow_null=True)
    lat = serializers.FloatField(required=False, allow_null=True)
    grid = serializers.CharField(required=False, allow_blank=True, default="")
    household = serializers.CharField(required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(default=False)


# The timeline with its units and actors in one query, not three.
_EVENTS = Prefetch("events", queryset=RequestEvent.objects.select_related("unit", "actor"))


class RequestListApi(generics.ListCreateAPIView):
    serializer_class = RequestSerializer

    def get_queryset(self) -> Any:
        return ledger_for(self.request.user, LedgerFilter.from_query(self.request.query_params))

    @extend_schema(request=IntakeSerializer, responses=RequestDetailSerializer)
    def post(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        v = validated(IntakeSerializer, request.data)
        photos = prepare(request.FILES.getlist("photos"))
        made = request_intake(
            actor=request.user,
            channel=v["channel"],
            category_code=v["category"],
            description=v["description"],
            urgency=v["urgency"],
            lon=v.get("lon"),
            lat=v.get("lat"),
            grid_code=v["grid"],
            household_number=v["household"],
            contact_name=v["contact_name"],
            contact_phone=v["contact_phone"],
            anonymous=v["anonymous"],
            idempotency_key=request.headers.get("Idempotency-Key", "")[:64],
        )
        if photos and not made.replayed:
            attach(made, photos, event=made.events.first(), user=request.user)
        prefetch_related_objects([made], _EVENTS)
        return Response(
            represent(RequestDetailSerializer, made),
            status=status.HTTP_200_OK if made.replayed else status.HTTP_201_CREATED,
        )


class RequestDetailApi(APIView):
    @extend_schema(responses=RequestDetailSerializer)
    def get(self, request: ApiRequest, number: str) -> Response:
        return Response(represent(RequestDetailSerializer, request_get_for(request.user, number)))


class RequestActionApi(APIView):
    @extend_schema(
        request=inline_serializer(
            "RequestAction",
            {
                "version": serializers.IntegerField(),
                "unit": serializers.CharField(required=False),
                "note": serializers.CharField(required=False),
                "reason": serializers.CharField(required=False),
                "result": serializers.CharField(required=False),
                "days": serializers.IntegerField(required=False),
                "approve": serializers.BooleanField(required=False),
                "passed": serializers.BooleanField(required=False),
                "solved": serializers.BooleanField(required=False),
                "rating": serializers.IntegerField(required=False),
                "plan": serializers.CharField(required=False),
            },
        ),
        responses=RequestDetailSerializer,
        description="Actions: " + ", ".join(ACTIONS),
    )
    def post(self, request: ApiRequest, number: str, action: str) -> Response:
        r = request_get_for(request.user, number)
        photos = prepare(request.FILES.getlist("photos"))
        with transaction.atomic():
            done = perform(action, request.user, r, request.data)
            if photos:
                attach(done, photos, event=done.events.order_by("-pk").first(), user=request.user)
        return Response(represent(RequestDetailSerializer, done))
