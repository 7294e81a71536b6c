"""Who may use the Open311 door, and the receipts it hands out.

An ``ApiKey`` is an outside client (an app, a city portal) allowed to file
requests into one county and to read that county's requests. Only the
SHA-256 digest of the key is stored: the raw key is shown once, when it is
made, and a copy of the database cannot be used to post as the client.
A ``Token`` is the receipt a client gets for each request it filed; the
spec lets a client turn a token into the request's id later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiKey(models.Model):
    name = models.CharField("名称", max_length=64)
    digest = models.CharField("密钥摘要", max_length=64, unique=True, editable=False)
    county_code = models.CharField(
        "县区代码", max_length=6, help_text="只能向该县区提交诉求,只能查看该县区的诉求"
    )
    # The actor recorded on the requests it files; None files them as
    # nobody in particular, like the resident portal does.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代表用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "API 密钥"
        verbose_name_plural = "API 密钥"
        ordering = ("county_code", "name")

    def __str__(self) -> str:
        return f"{self.name}({self.county_code})"


class Token(models.Model):
    token = models.CharField(max_length=64, unique=True)
    request = models.ForeignKey(
        "dispatch.Request", on_delete=models.CASCADE, related_name="open311_tokens"
    )
    api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="tokens"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Open311 回执"
        verbose_name_plural = "Open311 回执"

    def __str__(self) -> str:
        return f"{self.request_id}:{self.token[:6]}…"
