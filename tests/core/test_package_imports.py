"""Importing a domain package has no side effects: pickle (imported by Jinja, by Redis clients) probes
for Jython's `org.python.core`, which finds this project's `org` package first."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_pickle_imports_cleanly_from_the_project_root():
    result = subprocess.run([sys.executable, "-c", "import pickle, jinja2, flask; print('ok')"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
