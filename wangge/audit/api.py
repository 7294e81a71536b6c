from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from wangge.audit.models import AuditRecord
from wangge.audit.selectors import audit_list_for


class AuditRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditRecord
        fields = (
            "seq",
            "at",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_label",
            "area_path",
            "address",
            "channel",
            "reason",
            "changes",
            "prev_hash",
            "hash",
        )


@extend_schema(
    parameters=[
        OpenApiParameter("action", str, description="动作前缀"),
        OpenApiParameter("actor", str, description="操作人账号"),
        OpenApiParameter("object", str, description="对象标识"),
    ]
)
class AuditListApi(generics.ListAPIView):
    """The audit log, newest first; read-only for everyone."""

    serializer_class = AuditRecordSerializer

    def get_queryset(self) -> QuerySet[AuditRecord]:
        p = self.request.query_params
        return audit_list_for(
            self.request.user,
            action=p.get("action") or None,
            actor_username=p.get("actor") or None,
            object_id=p.get("object") or None,
        )
