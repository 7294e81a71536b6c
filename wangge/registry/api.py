"""Registry API: everything masked; full values only through /reveal/ with
a reason (audited)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError
from wangge.registry.colouring import reasons_for_viewer
from wangge.registry.models import Colour, Household, Person
from wangge.registry.selectors import (
    household_get_for,
    household_list_for,
    household_members_for,
    person_get_for,
    person_search_for,
)
from wangge.registry.services import person_reveal
from wangge.registry.tags import visible_tags
from wangge.territory.selectors import area_get_for


class PersonSerializer(serializers.ModelSerializer):
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = (
            "id",
            "name",
            "gender",
            "birth_date",
            "id_masked",
            "phone_masked",
            "ethnicity",
            "political_status",
            "education",
            "occupation",
            "is_away",
            "tags",
        )

    def get_tags(self, obj: Person) -> list[str]:
        ok = reach_for(self.context["request"].user).allows(
            Capability.PERSON_VIEW_SENSITIVE, obj.area_path
        )
        return visible_tags({t.code for t in obj.tags.all()}, sensitive_ok=ok)


class HouseholdSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code", read_only=True)

    class Meta:
        model = Household
        fields = (
            "number",
            "grid",
            "address_masked",
            "lon",
            "lat",
            "household_type",
            "colour",
            "last_visit_on",
        )


@extend_schema(
    parameters=[
        OpenApiParameter("area", str, description="区划代码(网格、村、镇…)"),
        OpenApiParameter("colour", str, enum=Colour.values),
    ]
)
class HouseholdListApi(generics.ListAPIView):
    serializer_class = HouseholdSerializer

    def get_queryset(self) -> QuerySet[Household]:
        p = self.request.query_params
        area = area_get_for(self.request.user, p["area"]) if p.get("area") else None
        colour = p.get("colour") or None
        if colour and colour not in Colour.values:
            raise DomainError("invalid", "colour 须为 red/yellow/green 之一")
        return household_list_for(self.request.user, area=area, colour=colour).select_related(
            "grid"
        )


class HouseholdDetailApi(APIView):
    @extend_schema(responses=HouseholdSerializer)
    def get(self, request: Request, number: str) -> Response:
        household = household_get_for(request.user, number)
        ok = reach_for(request.user).allows(Capability.PERSON_VIEW_SENSITIVE, household.area_path)
        members = household_members_for(request.user, household)
        ctx = {"request": request}
        return Response(
            {
                **HouseholdSerializer(household).data,
                "colour_reasons": reasons_for_viewer(household, sensitive_ok=ok),
                "members": [
                    {
                        "relation": m.relation,
                        "kind": m.kind,
                        **PersonSerializer(m.person, context=ctx).data,
                    }
                    for m in members
                ],
            }
        )


class PersonSearchApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=True,
                description="姓名、拼音首字母、身份证号、手机号或地址(到村、社区)",
            )
        ],
        responses=PersonSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        results = person_search_for(request.user, request.query_params.get("q", ""))
        data = PersonSerializer(results, many=True, context={"request": request}).data
        return Response({"count": len(data), "results": data})


class PersonDetailApi(APIView):
    @extend_schema(responses=PersonSerializer)
    def get(self, request: Request, person_id: int) -> Response:
        person = person_get_for(request.user, person_id)
        return Response(PersonSerializer(person, context={"request": request}).data)


class RevealRequest(serializers.Serializer):
    field = serializers.ChoiceField(choices=["id_number", "phone"])
    reason = serializers.CharField(max_length=200)


class PersonRevealApi(APIView):
    @extend_schema(
        request=RevealRequest,
        responses=inline_serializer("Revealed", {"value": serializers.CharField()}),
    )
    def post(self, request: Request, person_id: int) -> Response:
        """The full ID number or phone of a person, with the reason for
        looking (recorded in the audit log)."""
        person = person_get_for(request.user, person_id)
        s = RevealRequest(data=request.data)
        if not s.is_valid():
            raise DomainError("invalid", "请提供 field(id_number/phone)和 reason", fields=s.errors)
        value = person_reveal(actor=request.user, person=person, **s.validated_data)
        return Response({"value": value})
