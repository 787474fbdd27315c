"""Mystery-shopper visits by a third-party vendor: the kind's declaration, shoppers' reports, the
validation flags, the bank's review and publication, and the vendors' performance.

It stands between inspections (whose sync API the shoppers' app uses) and rectification (which opens
the findings when a visit is published)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from core.extensions import register_api
    from inspections.kinds import InspectionKind, declare
    from mystery import api, flag_texts, fraud, policies, views, visits  # noqa: F401  (permission rules)

    declare(InspectionKind("mystery", secret_until_published=True, by_vendor=True, names_staff=False,
                           failures_at_submit=False, asks_narrative=True,
                           check_start=visits.refuse_start_outside_window,
                           check_submit=visits.refuse_submit_outside_window,
                           submit_checks=fraud.flags_for,
                           keep_submit_checks=visits.keep_submit_checks, revision_reason=visits.revision_reason))
    register_api(api.blp)
    app.register_blueprint(views.blp)
    app.add_template_global(flag_texts.flag_title)
    app.add_template_global(flag_texts.flag_text)
