"""整改要求: what an outlet is told to do about a failed item, in the reader's language.

An item says it itself (its `requirement`); one that does not is worded from its label. The
inspector's guidance (how to judge the item) is never the outlet's requirement."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from checklists.document import Item


def requirement_text(item: Item, locale: str) -> str:
    own = item.requirement.get(locale) if item.requirement is not None else ""
    if own:
        return own
    with force_locale(locale):
        return _("Rectify as “%(item)s” requires.", item=item.label.get(locale))
