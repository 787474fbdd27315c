"""The generated secret key: made once in a fresh DATA_DIR even when several processes start at the
same moment, whole from the moment it exists, and the same for all of them."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.config import load_config

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 12
# Each process waits for the same instant, then reads or makes the key.
CHILD = """
import sys, time
from core.config import load_config
start = float(sys.argv[2])
while time.time() < start:
    pass
print(load_config({"DATA_DIR": sys.argv[1]})["SECRET_KEY"])
"""


@pytest.mark.parametrize("attempt", range(3))
def test_processes_starting_together_on_a_fresh_dir_share_one_whole_key(tmp_path, attempt):
    data_dir = tmp_path / "data"
    start = time.time() + 1.5
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir), str(start)], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(PROCESSES)]
    outcomes = [child.communicate(timeout=60) for child in children]
    assert [child.returncode for child in children] == [0] * PROCESSES, [err for _, err in outcomes]
    keys = {out.strip() for out, _ in outcomes}
    stored = (data_dir / "secret_key").read_text()
    assert keys == {stored} and len(stored) == 64 and int(stored, 16) >= 0
    assert stat.S_IMODE(os.stat(data_dir / "secret_key").st_mode) == 0o600
    assert sorted(p.name for p in data_dir.iterdir()) == ["secret_key"]  # no candidate files left behind


def test_the_key_is_kept_and_an_empty_file_is_refused(tmp_path):
    first = load_config({"DATA_DIR": str(tmp_path)})["SECRET_KEY"]
    assert load_config({"DATA_DIR": str(tmp_path)})["SECRET_KEY"] == first
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="empty"):
        load_config({"DATA_DIR": str(tmp_path)})
