"""Where each role starts after logging in on the web: leadership on the service dashboard, the people
whose work is done on a phone on a page that offers the app, with a QR code to open it there."""
from __future__ import annotations

from dataclasses import dataclass

import segno
from flask_babel import lazy_gettext as _l

from core.permissions import Role
from core.urls import public_url

# Endpoints of higher layers, named (not imported) so that org stays below them.
LANDING_ENDPOINTS = {Role.VIEWER.value: "reports_pages.dashboard",
                     Role.REMOTE_MONITOR.value: "remote_desk.desk"}
# A vendor's coordinator is a shopper whose daily work is handing out the vendor's visits.
COORDINATOR_LANDING = "mystery_pages.coordinator"

APP_WORK = {
    Role.INSPECTOR.value: _l("Your inspections are done in the app: assignments, checklists with photos, "
                             "and the receipt, also without a network."),
    Role.MYSTERY_SHOPPER.value: _l("Your visits are reported in the app: the checklist, photos and your "
                                   "account of the visit, also without a network."),
    Role.OUTLET_MANAGER.value: _l("Your outlet's findings are answered in the app: what was found, the "
                                  "notice, and your response with photos of the fix."),
}


@dataclass(frozen=True)
class AppOffer:
    work: str
    url: str
    qr_code: str  # an SVG data URI


def landing_endpoint(user) -> str | None:
    if user.role == Role.MYSTERY_SHOPPER.value and user.is_coordinator:
        return COORDINATOR_LANDING
    return LANDING_ENDPOINTS.get(user.role)


def app_offer(role: str) -> AppOffer | None:
    if role not in APP_WORK:
        return None
    url = public_url("pwa.index")
    return AppOffer(work=str(APP_WORK[role]), url=url, qr_code=segno.make(url, error="m").svg_data_uri(scale=5, border=2))
