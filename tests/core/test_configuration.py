"""Settings are checked when the app starts: a wrong one stops the start with a message naming it,
instead of the service running on a silently different value."""
from __future__ import annotations

import pytest

from core.config import load_config


@pytest.mark.parametrize("value", ["Mars/Olympus", "Asia/Shanghai/../../etc", "", "UTC+8"])
def test_an_unknown_time_zone_stops_the_start(tmp_path, value):
    with pytest.raises(ValueError, match="TIMEZONE"):
        load_config({"DATA_DIR": str(tmp_path), "TIMEZONE": value})


@pytest.mark.parametrize("value", ["Asia/Shanghai", "Asia/Hong_Kong", "UTC"])
def test_a_real_time_zone_is_taken(tmp_path, value):
    assert load_config({"DATA_DIR": str(tmp_path), "TIMEZONE": value})["BABEL_DEFAULT_TIMEZONE"] == value


def test_a_public_base_url_must_be_http(tmp_path):
    with pytest.raises(ValueError, match="PUBLIC_BASE_URL"):
        load_config({"DATA_DIR": str(tmp_path), "PUBLIC_BASE_URL": "javascript:alert(1)"})
