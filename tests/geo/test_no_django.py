"""The pure packages must stay importable without Django: scripts and benchmarks use them bare."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
names = sorted(m.name for m in pkgutil.walk_packages(package.__path__, sys.argv[1] + "."))
for name in names:
    importlib.import_module(name)
django = sorted(m for m in sys.modules if m.split(".")[0] == "django")
print(json.dumps({"modules": names, "django": django}))
"""


@pytest.mark.parametrize(
    ("package", "expected"),
    [
        ("wangge.geo", {"gcj02", "ordering", "pointindex", "seeded", "tessellate"}),
        ("wangge.partition", {"api", "balance", "graph", "grow", "polygons", "quality", "solve"}),
    ],
)
def test_no_module_of_the_package_imports_django(package: str, expected: set[str]) -> None:
    # A fresh interpreter: this test process may well have Django loaded by pytest-django.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, package], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert expected <= {name.rsplit(".", 1)[1] for name in report["modules"]}
    assert report["django"] == []
