"""The customer as everyone but the complaint's handler reads them: the family name and a phone's first three and
last four digits (张**, 138****5678), enough to tell two complaints of one customer apart and no more."""
from __future__ import annotations


def mask_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if not digits:
        return ""
    if len(digits) <= 7:
        return digits[:1] + "*" * (len(digits) - 1)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def sees_customer(user, complaint) -> bool:
    """Only the one handling the complaint now reads the customer whole."""
    return user is not None and getattr(user, "id", None) is not None and complaint.handler_id == user.id


def customer_of(user, complaint) -> tuple[str, str]:
    """(name, phone) as this reader may see them."""
    if sees_customer(user, complaint):
        return complaint.customer_name, complaint.customer_phone
    return mask_name(complaint.customer_name), mask_phone(complaint.customer_phone)
