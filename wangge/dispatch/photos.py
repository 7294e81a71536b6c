"""Photos on requests. A phone's upload is checked to be a real image,
turned upright, shrunk to at most ``MAX_SIDE`` pixels and re-encoded as
JPEG without its metadata (an EXIF block carries the GPS position and the
phone's model), so what is stored is small, safe to show and the same
kind whatever was sent.

Prepare first, then take the step, then attach — a bad photo refuses the
whole step and changes nothing."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from wangge.core.errors import DomainError
from wangge.dispatch.models import Request, RequestEvent, RequestPhoto

MAX_PHOTOS = 6
MAX_UPLOAD = 15 * 1024 * 1024
MAX_SIDE = 1600
QUALITY = 80
# Decompression bombs: refuse anything above this many pixels (a 50 MP
# phone photo is about 8,200 × 6,150).
Image.MAX_IMAGE_PIXELS = 60_000_000


@dataclass(frozen=True)
class Prepared:
    data: bytes
    width: int
    height: int


def prepare(files: Iterable[Any]) -> list[Prepared]:
    files = [f for f in files if f is not None and f.size]
    if len(files) > MAX_PHOTOS:
        raise DomainError("request.photos", f"每次最多上传 {MAX_PHOTOS} 张照片")
    out = []
    for n, f in enumerate(files, 1):
        if f.size > MAX_UPLOAD:
            raise DomainError("request.photos", f"第 {n} 张照片超过 15 MB")
        try:
            with Image.open(f) as opened:
                img = ImageOps.exif_transpose(opened)
                img.thumbnail((MAX_SIDE, MAX_SIDE))
                rgb = img.convert("RGB")
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
            raise DomainError("request.photos", f"第 {n} 个文件不是可识别的图片") from None
        buf = io.BytesIO()
        rgb.save(buf, "JPEG", quality=QUALITY, optimize=True)
        out.append(Prepared(buf.getvalue(), rgb.width, rgb.height))
    return out


def attach(
    request: Request, photos: list[Prepared], *, event: RequestEvent | None, user: Any = None
) -> list[RequestPhoto]:
    made = []
    for p in photos:
        photo = RequestPhoto(
            request=request,
            event=event,
            width=p.width,
            height=p.height,
            size=len(p.data),
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        photo.file.save(f"{uuid.uuid4().hex}.jpg", ContentFile(p.data), save=False)
        photo.save()
        made.append(photo)
    return made
