from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError, NotFound
from wangge.territory.locate import point_locate
from wangge.territory.models import Area, Level
from wangge.territory.selectors import area_get_for, area_list_for, area_map_for


class AreaSerializer(serializers.ModelSerializer):
    # DRF pops declared fields off the class, so this does not shadow
    # Field.parent at run time; the stubs cannot know that.
    parent = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta:
        model = Area
        fields = (
            "code",
            "name",
            "level",
            "form",
            "parent",
            "path",
            "county_code",
            "ur_code",
            "centroid_lon",
            "centroid_lat",
            "geometry_source",
            "is_active",
        )

    def get_parent(self, obj: Area) -> str | None:
        return obj.parent.code if obj.parent_id and obj.parent else None


@extend_schema(
    parameters=[
        OpenApiParameter("level", str, enum=Level.values, description="只列出该层级"),
        OpenApiParameter("parent", str, description="上级区划代码"),
        OpenApiParameter("search", str, description="名称包含或代码前缀"),
    ]
)
class AreaListApi(generics.ListAPIView):
    """Areas the caller reaches, paginated, with ``count``."""

    serializer_class = AreaSerializer

    def get_queryset(self) -> QuerySet[Area]:
        p = self.request.query_params
        level = p.get("level") or None
        if level and level not in Level.values:
            raise DomainError("invalid", f"level 须为 {'/'.join(Level.values)} 之一")
        return area_list_for(
            self.request.user,
            level=level,
            parent_code=p.get("parent") or None,
            search=p.get("search") or None,
        ).select_related("parent")


class AreaDetailApi(APIView):
    @extend_schema(responses=AreaSerializer)
    def get(self, request: Request, code: str) -> Response:
        return Response(AreaSerializer(area_get_for(request.user, code)).data)


class AreaGeoJsonApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, code: str) -> Response:
        """The area's boundary and its reachable children as a GeoJSON
        FeatureCollection (WGS-84)."""
        area = area_get_for(request.user, code)
        return Response(area_map_for(request.user, area))


class LocateQuery(serializers.Serializer):
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)


class LocationSerializer(serializers.Serializer):
    code = serializers.CharField()
    grid_code = serializers.CharField(allow_null=True)
    zone_code = serializers.CharField(allow_null=True)
    village_code = serializers.CharField()
    town_code = serializers.CharField()
    county_code = serializers.CharField()
    name = serializers.CharField(source="leaf_name")


class LocateApi(APIView):
    @extend_schema(parameters=[LocateQuery], responses=LocationSerializer)
    def get(self, request: Request) -> Response:
        """The grid (with village, town, county) containing a WGS-84 point,
        if the caller reaches it."""
        q = LocateQuery(data=request.query_params)
        if not q.is_valid():
            raise DomainError("invalid", "请提供有效的经纬度 lon、lat(WGS-84)", fields=q.errors)
        loc = point_locate(q.validated_data["lon"], q.validated_data["lat"])
        if loc is None:
            raise NotFound("区域")
        area = Area.objects.filter(code=loc.code).only("path").first()
        if area is None or not reach_for(request.user).allows(Capability.AREA_VIEW, area.path):
            raise NotFound("区域")
        return Response(LocationSerializer(loc).data)
