"""wangge.geo must stay importable without Django: scripts and benchmarks use it bare."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import importlib, json, pkgutil, sys
import wangge.geo
names = sorted(m.name for m in pkgutil.walk_packages(wangge.geo.__path__, "wangge.geo."))
for name in names:
    importlib.import_module(name)
django = sorted(m for m in sys.modules if m.split(".")[0] == "django")
print(json.dumps({"modules": names, "django": django}))
"""


def test_no_module_of_wangge_geo_imports_django() -> None:
    # A fresh interpreter: this test process may well have Django loaded by pytest-django.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    expected = {"gcj02", "ordering", "pointindex", "seeded", "tessellate"}
    assert expected <= {name.rsplit(".", 1)[1] for name in report["modules"]}
    assert report["django"] == []
