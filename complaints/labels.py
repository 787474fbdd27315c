"""The ledger's words in the reader's language (GLOSSARY.md): every constant a page, the API, an export or a PDF
shows goes through here, so no internal key reaches a reader."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

CHANNELS = {"hotline": _l("Hotline"), "walk_in": _l("Walk-in"), "letter": _l("Letter"), "online": _l("Online"),
            "regulator": _l("Regulator referral")}
CATEGORIES = {"attitude": _l("Service attitude"), "handling": _l("Business handling"), "waiting": _l("Waiting time"),
              "fees": _l("Fees and charges"), "sales": _l("Product sales"), "facilities": _l("Facilities"),
              "privacy": _l("Information security"), "other": _l("Other")}
SEVERITIES = {"general": _l("General"), "serious": _l("Serious")}
STATUSES = {"received": _l("Recorded"), "acknowledged": _l("Acknowledged"), "investigated": _l("Investigated"),
            "resolved": _l("Resolved"), "called_back": _l("Called back"), "closed": _l("Closed")}
LEVELS = {"outlet": _l("Outlet ledger"), "branch": _l("Sub-branch ledger")}
STEPS = {"acknowledge": _l("Acknowledge"), "investigate": _l("Record the investigation"),
         "resolve": _l("Record the resolution"), "call_back": _l("Record the callback"), "close": _l("Close")}
EVENTS = {"received": _l("Recorded"), "acknowledged": _l("Acknowledged"), "investigated": _l("Investigated"),
          "resolved": _l("Resolved"), "called_back": _l("Customer called back"), "closed": _l("Closed"),
          "reopened": _l("Reopened: the customer was not satisfied"), "escalated": _l("Escalated to the sub-branch"),
          "reassigned": _l("Handed to another handler"), "finding_opened": _l("Finding opened")}


def label(table: dict, key: str | None) -> str:
    if key is None:
        return ""
    return str(table.get(key, key))


def labels_of(complaint) -> dict[str, str]:
    return {"channel": label(CHANNELS, complaint.channel), "category": label(CATEGORIES, complaint.category),
            "severity": label(SEVERITIES, complaint.severity), "status": label(STATUSES, complaint.status),
            "level": label(LEVELS, complaint.level)}
