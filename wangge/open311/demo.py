"""The demo's Open311 client: a key anyone trying the demo can use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wangge.open311.models import ApiKey
from wangge.open311.services import api_key_create, key_digest
from wangge.territory.shangluo import DEMO_COUNTY

if TYPE_CHECKING:
    from wangge.demo.seed import SeedContext

DEMO_KEY = "demo-open311-key"  # documented demo key, demo data only


def seed_open311(ctx: SeedContext) -> None:
    if not ApiKey.objects.filter(digest=key_digest(DEMO_KEY)).exists():
        api_key_create(name="演示客户端", county_code=DEMO_COUNTY, raw=DEMO_KEY)
    ctx.say(f"Open311:演示密钥 {DEMO_KEY}(/open311/v2/,县区 {DEMO_COUNTY})")
