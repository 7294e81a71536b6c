"""Photos of visits and findings: one upload per photo, each with its own
client id (sent again, it is stored once). Decoded, turned upright, shrunk
and stripped of EXIF exactly as requests' photos are
(``dispatch.photos.prepare``); stored as files under MEDIA_ROOT and served
only through the record's reach."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from wangge.core.errors import DomainError
from wangge.dispatch.photos import MAX_PHOTOS, prepare
from wangge.gridwork.models import FieldPhoto, Finding, Visit


def photo_attach(*, actor: Any, client_id: uuid.UUID, record: uuid.UUID, file: Any) -> FieldPhoto:
    """Attach one photo to the actor's own visit or finding. Returns the
    stored photo; ``replayed`` is set when it was already there."""
    first = FieldPhoto.objects.filter(client_id=client_id).first()
    if first is not None:
        if first.uploaded_by_id != actor.pk:
            raise DomainError("sync.id_taken", "该照片编号已被他人使用,请重新生成")
        first.replayed = True  # type: ignore[attr-defined]
        return first
    visit = Visit.objects.filter(client_id=record, worker=actor).first()
    finding = None if visit else Finding.objects.filter(client_id=record, worker=actor).first()
    if visit is None and finding is None:
        raise DomainError("photo.record", "照片所属的走访或发现记录不存在,请先同步该记录")
    owner = {"visit": visit} if visit else {"finding": finding}
    if FieldPhoto.objects.filter(**owner).count() >= MAX_PHOTOS:
        raise DomainError("photo.count", f"每条记录最多 {MAX_PHOTOS} 张照片")
    if file is None:
        raise DomainError("photo.file", "请选择照片")
    prepared = prepare([file])
    if not prepared:
        raise DomainError("photo.file", "照片是空文件")
    p = prepared[0]
    photo = FieldPhoto(
        client_id=client_id,
        width=p.width,
        height=p.height,
        size=len(p.data),
        uploaded_by=actor,
        **owner,
    )
    try:
        with transaction.atomic():
            photo.file.save(f"{uuid.uuid4().hex}.jpg", ContentFile(p.data), save=False)
            photo.save()
    except IntegrityError:
        # The same photo sent twice at once: the other upload stored it.
        photo.file.delete(save=False)
        return photo_attach(actor=actor, client_id=client_id, record=record, file=None)
    photo.replayed = False  # type: ignore[attr-defined]
    return photo
