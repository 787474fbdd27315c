"""Complaints for the pages' tests, recorded through the operation as a counter would, and a browser that posts
the pages' forms with their CSRF token."""
from __future__ import annotations

import re
from datetime import date

from complaints import operations
from tests.rectification.helpers import browser as logged_in
from tests.support import csrf_token_of

CUSTOMER_NAME, CUSTOMER_PHONE = "陈美华", "13812345678"
MASKED_NAME, MASKED_PHONE = "陈**", "138****5678"


def intake(org, **changes) -> dict:
    data = {"outlet_id": org.outlet_a.id, "channel": "walk_in", "category": "attitude", "severity": "general",
            "customer_name": CUSTOMER_NAME, "customer_phone": CUSTOMER_PHONE, "description": "柜员办理业务时态度生硬",
            "request": "要求道歉", "staff_id": org.staff_a[0].id}
    return {**data, **changes}


def record(db, org, actor, received_on: date | None = None, **changes):
    complaint, _created = operations.receive(intake(org, received_on=received_on, **changes), actor)
    db.session.commit()
    return complaint


class Browser:
    """A logged-in session that posts a page's form with the token the page gave."""

    def __init__(self, app, user):
        self.client = logged_in(app, user)
        self.user = user

    def get(self, url: str):
        return self.client.get(url)

    def post(self, url: str, data: dict | None = None, **kwargs):
        token = csrf_token_of(self.client.get("/account/password").data)
        return self.client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def rows_of(response) -> list[str]:
    """The ledger's complaint numbers, in the order shown."""
    return re.findall(r'<a href="/complaints/\d+">([^<]+)</a>', response.get_data(as_text=True))
