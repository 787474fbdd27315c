"""The customer masked for every reader but the handler."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from complaints import masking


@pytest.mark.parametrize(("name", "masked"), [("陈美华", "陈**"), ("李四", "李*"), ("欧阳", "欧*"), ("王", "王*"), ("", "")])
def test_a_name_keeps_its_first_character(name, masked):
    assert masking.mask_name(name) == masked


@pytest.mark.parametrize(("phone", "masked"), [("13812345678", "138****5678"), ("0512-6588 1234", "051*****1234"),
                                               ("12345", "1****"), ("", "")])
def test_a_phone_keeps_its_first_three_and_last_four_digits(phone, masked):
    assert masking.mask_phone(phone) == masked


def test_only_the_handler_reads_the_customer_whole():
    complaint = SimpleNamespace(handler_id=7, customer_name="陈美华", customer_phone="13812345678")
    assert masking.customer_of(SimpleNamespace(id=7), complaint) == ("陈美华", "13812345678")
    assert masking.customer_of(SimpleNamespace(id=8), complaint) == ("陈**", "138****5678")
    assert masking.customer_of(None, complaint) == ("陈**", "138****5678")
