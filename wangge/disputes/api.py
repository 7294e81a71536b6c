"""Disputes in the REST API: the ledger's list (same filters), registering
a dispute with its parties, one dispute with its parties (masked),
agreements, follow-ups and timeline, the timeline alone (``steps/``; POST
there records a mediation session), and every other step as POST
.../<action>/ with the ``version`` the client saw (409 when someone acted
first)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request as ApiRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.core.api import validated
from wangge.dispatch.photos import prepare
from wangge.disputes.actions import ACTIONS, parse_day, party_from, perform
from wangge.disputes.models import (
    Agreement,
    Dispute,
    DisputeEvent,
    DisputeType,
    FollowUp,
    FoundVia,
    Level,
    Party,
    Risk,
    State,
)
from wangge.disputes.selectors import DisputeFilter, dispute_get_for, dispute_list_for
from wangge.disputes.services import dispute_register


class PartySerializer(serializers.ModelSerializer):
    household = serializers.CharField(source="household.number", default="", read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True)
    phone_masked = serializers.SerializerMethodField()
    id_masked = serializers.SerializerMethodField()

    class Meta:
        model = Party
        fields = (
            "id", "side", "kind", "name", "person", "household", "phone_masked", "id_masked",
            "note",
        )  # fmt: skip

    # Registry people's phone and ID number live in the registry.
    def get_phone_masked(self, obj: Party) -> str:
        return obj.person.phone_masked if obj.person else obj.phone_masked

    def get_id_masked(self, obj: Party) -> str:
        return obj.person.id_masked if obj.person else obj.id_masked


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default="", read_only=True)

    class Meta:
        model = DisputeEvent
        fields = (
            "at", "action", "level", "state_after", "actor", "note", "held_at", "mediators",
            "result",
        )  # fmt: skip


class AgreementSerializer(serializers.ModelSerializer):
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = ("signed_on", "text", "photos")

    def get_photos(self, obj: Agreement) -> list[str]:
        number = obj.dispute.number
        return [f"/disputes/{number}/photos/{p.pk}/" for p in obj.photos.all()]


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ("due_on", "done_at", "result", "note")


class DisputeSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)

    class Meta:
        model = Dispute
        fields: tuple[str, ...] = (
            "number", "type", "risk", "level", "state", "outcome", "summary", "grid",
            "grid_name", "found_via", "found_on", "version", "created_at",
        )  # fmt: skip


class DisputeDetailSerializer(DisputeSerializer):
    request = serializers.CharField(source="request.number", default="", read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    agreements = AgreementSerializer(many=True, read_only=True)
    follow_ups = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True)

    class Meta(DisputeSerializer.Meta):
        fields = (
            *DisputeSerializer.Meta.fields,
            "description", "request", "outcome_note", "concluded_at", "closed_at", "parties",
            "agreements", "follow_ups", "events",
        )  # fmt: skip

    def get_follow_ups(self, obj: Dispute) -> list[dict[str, Any]]:
        rows = obj.follow_ups.filter(cancelled=False)
        return list(FollowUpSerializer(rows, many=True).data)


class PartyInSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=["a", "b", "other"], default="a")
    kind = serializers.ChoiceField(choices=["person", "organisation"], default="person")
    name = serializers.CharField(required=False, allow_blank=True, default="")
    person = serializers.IntegerField(required=False, allow_null=True, default=None)
    household = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    id_number = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RegisterSerializer(serializers.Serializer):
    grid = serializers.CharField()
    type = serializers.ChoiceField(choices=DisputeType.values)
    risk = serializers.ChoiceField(choices=Risk.values)
    summary = serializers.CharField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    found_via = serializers.ChoiceField(choices=FoundVia.values)
    found_on = serializers.CharField(required=False, allow_blank=True, default="")
    request = serializers.CharField(required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(choices=Level.values, default=Level.GRID)
    parties = PartyInSerializer(many=True)


def _detail(number: str, user: Any) -> dict[str, Any]:
    return dict(DisputeDetailSerializer(dispute_get_for(user, number)).data)


@extend_schema(
    parameters=[
        OpenApiParameter("area", str, description="区划代码:其下网格的纠纷"),
        OpenApiParameter("type", str, enum=DisputeType.values),
        OpenApiParameter("risk", str, enum=Risk.values),
        OpenApiParameter("state", str, enum=State.values),
        OpenApiParameter("level", str, enum=Level.values),
        OpenApiParameter("unresolved", bool, description="只看仍未化解的"),
        OpenApiParameter("overdue", bool, description="只看回访逾期的"),
        OpenApiParameter("household", str, description="当事人所在户编号"),
        OpenApiParameter("q", str, description="编号前缀或当事人姓名"),
    ]
)
class DisputeListApi(generics.ListCreateAPIView):
    serializer_class = DisputeSerializer

    def get_queryset(self) -> Any:
        return dispute_list_for(
            self.request.user, DisputeFilter.from_query(self.request.query_params)
        )

    @extend_schema(request=RegisterSerializer, responses={201: DisputeDetailSerializer})
    def post(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        v = validated(RegisterSerializer, request.data)
        made = dispute_register(
            actor=request.user,
            grid_code=v["grid"],
            dispute_type=v["type"],
            risk=v["risk"],
            summary=v["summary"],
            description=v["description"],
            found_via=v["found_via"],
            found_on=parse_day(v["found_on"], "发现日期") if v["found_on"] else None,
            request_number=v["request"],
            level=v["level"],
            parties=[party_from(p) for p in v["parties"]],
        )
        return Response(_detail(made.number, request.user), status=status.HTTP_201_CREATED)


class DisputeDetailApi(APIView):
    @extend_schema(responses=DisputeDetailSerializer)
    def get(self, request: ApiRequest, number: str) -> Response:
        return Response(_detail(number, request.user))


_STEP_FIELDS: dict[str, serializers.Field] = {
    "version": serializers.IntegerField(),
    "held_at": serializers.DateTimeField(required=False),
    "mediators": serializers.CharField(required=False),
    "note": serializers.CharField(required=False),
    "result": serializers.CharField(required=False),
}


class DisputeStepsApi(APIView):
    """The timeline; POST records a mediation session (调解)."""

    @extend_schema(responses=EventSerializer(many=True))
    def get(self, request: ApiRequest, number: str) -> Response:
        d = dispute_get_for(request.user, number)
        return Response(EventSerializer(d.events.select_related("actor"), many=True).data)

    @extend_schema(
        request=inline_serializer("DisputeMediation", _STEP_FIELDS),
        responses={201: DisputeDetailSerializer},
    )
    def post(self, request: ApiRequest, number: str) -> Response:
        d = dispute_get_for(request.user, number)
        perform("mediate", request.user, d, request.data)
        return Response(_detail(number, request.user), status=status.HTTP_201_CREATED)


class DisputeActionApi(APIView):
    @extend_schema(
        request=inline_serializer(
            "DisputeAction",
            {
                "version": serializers.IntegerField(),
                "note": serializers.CharField(required=False),
                "reason": serializers.CharField(required=False),
                "to_level": serializers.ChoiceField(choices=Level.values, required=False),
                "risk": serializers.ChoiceField(choices=Risk.values, required=False),
                "outcome": serializers.CharField(required=False),
                "stable": serializers.BooleanField(required=False),
                "text": serializers.CharField(required=False),
                "signed_on": serializers.DateField(required=False),
                "name": serializers.CharField(required=False),
                "side": serializers.CharField(required=False),
                "household": serializers.CharField(required=False),
            },
        ),
        responses=DisputeDetailSerializer,
        description="Actions: " + ", ".join(ACTIONS) + " (photos: multipart `photos`, agreement)",
    )
    def post(self, request: ApiRequest, number: str, action: str) -> Response:
        d = dispute_get_for(request.user, number)
        photos = prepare(request.FILES.getlist("photos")) if action == "agreement" else []
        with transaction.atomic():
            perform(action, request.user, d, request.data, photos)
        return Response(_detail(number, request.user))
