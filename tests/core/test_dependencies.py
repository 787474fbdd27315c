"""The lock files pin exactly what requirements*.txt ask for, and S3's boto3 stays an optional extra."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from core.storage import make_storage

ROOT = Path(__file__).resolve().parents[2]
LOCKS = {"requirements.txt": ["requirements.lock"], "requirements-dev.txt": ["requirements-dev.lock"],
         "requirements-s3.txt": ["requirements-s3.lock"]}


def _requirements(path: Path) -> list[Requirement]:
    found = []
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            found += _requirements(path.parent / line[3:].strip())
        else:
            found.append(Requirement(line))
    return found


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            name, _, version = line.partition("==")
            assert version, f"{path.name}: {line!r} is not an exact pin"
            pins[canonicalize_name(Requirement(name).name)] = version.strip()
    return pins


@pytest.mark.parametrize("source", sorted(LOCKS))
def test_every_requirement_is_pinned_in_its_lock_within_its_range(source):
    pins = _pins(ROOT / LOCKS[source][0])
    for requirement in _requirements(ROOT / source):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is missing from {LOCKS[source][0]}: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f"{LOCKS[source][0]} pins {name}=={pins[name]}, outside {requirement}: run `make lock`"


def test_the_dev_and_s3_locks_agree_with_the_runtime_lock():
    runtime = _pins(ROOT / "requirements.lock")
    for lock in ("requirements-dev.lock", "requirements-s3.lock"):
        shared = {name: version for name, version in _pins(ROOT / lock).items() if name in runtime}
        assert shared == {name: runtime[name] for name in shared}, lock


def test_boto3_is_only_in_the_s3_extra():
    assert "boto3" not in _pins(ROOT / "requirements.lock")
    assert "boto3" in _pins(ROOT / "requirements-s3.lock")


def test_the_app_starts_and_serves_without_boto3(tmp_path):
    """Without S3_BUCKET nothing imports boto3: a fresh interpreter where it cannot be imported serves."""
    script = (
        "import sys; sys.modules['boto3'] = sys.modules['botocore'] = None\n"
        "from app import create_app\n"
        "app = create_app({'TESTING': True, 'REDIS_URL': ''})\n"
        "assert app.test_client().get('/api/openapi.json').status_code == 200\n"
    )
    env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


def test_s3_without_the_extra_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(RuntimeError, match="requirements-s3.lock"):
        make_storage({"S3_BUCKET": "evidence", "MEDIA_DIR": str(tmp_path)})


@pytest.mark.xdist_group("seeded_demo")
def test_make_test_keeps_a_group_on_one_worker(request):
    """`make test` runs --dist loadgroup: the seeded demo's tests must share one worker (and one seeding).
    pytest 9.2 made pytest-xdist drop the groups silently; this notices when that comes back."""
    if getattr(request.config.option, "loadgroup", False):
        assert request.node.nodeid.endswith("@seeded_demo"), request.node.nodeid
