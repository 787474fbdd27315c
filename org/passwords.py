"""The password policy, applied wherever a password is set (forms, API, import, CLI)."""
from __future__ import annotations

import unicodedata
from functools import cache

from flask_babel import gettext as _

from core.errors import OperationError

MIN_LENGTH = 8
MAX_LENGTH = 128


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of the 30,000 most used passwords, kept up to date by its maintainers.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str) -> list[str]:
    if not isinstance(password, str) or not password:
        return [_("Enter a password.")]
    problems = []
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") for char in password):
        problems.append(_("A password may not contain control characters."))
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(count)d characters.", count=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(count)d characters.", count=MAX_LENGTH))
    if password.strip() == "":
        problems.append(_("A password may not be only spaces."))
    elif len(set(password)) == 1:
        problems.append(_("A password may not repeat one character."))
    elif password.isdigit() or password.isalpha():
        problems.append(_("Mix letters with digits or symbols."))
    if password.lower() in _common_passwords() or password.strip().lower() in _common_passwords():
        problems.append(_("This password is too common; choose another."))
    return problems


def validate_password(password: str, field: str = "password") -> None:
    problems = password_problems(password)
    if problems:
        raise OperationError(_("The password is not acceptable."), {field: problems}, problem="weak_password")
