"""Set up Django for a benchmark on a throw-away SQLite database (or the
one in BENCH_DATABASE_URL), migrated and ready."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> str:
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        tmp = Path(tempfile.mkdtemp(prefix="wangge-bench-")) / "bench.sqlite3"
        url = f"sqlite:///{tmp}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return url
