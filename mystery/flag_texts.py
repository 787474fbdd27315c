"""A validation flag in the reader's language, told from its code and evidence when it is shown. Flags stored
before they kept their evidence only carry an English `message`: shown only for a code this module does not know."""
from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

FLAG_TITLES = {
    "outside_window": _l("Outside the visit window"),
    "far_from_outlet": _l("Far from the outlet"),
    "photo_far_from_outlet": _l("Photo far from the outlet"),
    "photo_time_outside_visit": _l("Photo taken outside the visit"),
    "reused_photo": _l("Photo used before"),
    "filed_late": _l("Filed late"),
    "copied_text": _l("Copied text"),
}


def _moment(text: str | None) -> str:
    try:
        return format_datetime(datetime.fromisoformat(text or ""), "yyyy-MM-dd HH:mm")
    except ValueError:
        return "—"


def _short(identifier: str | None) -> str:
    return (identifier or "")[:8]


def flag_title(flag: dict) -> str:
    return str(FLAG_TITLES.get(flag.get("code"), _("Other check")))


def flag_text(flag: dict) -> str:
    evidence = flag.get("evidence") or {}
    code = flag.get("code")
    window = evidence.get("window") or ["—", "—"]
    if code == "outside_window":
        moment, start, end = _moment(evidence.get("moment")), window[0], window[-1]
        if evidence.get("moment_of") == "arrival":
            return _("The arrival (%(moment)s) is outside the visit window %(start)s – %(end)s.",
                     moment=moment, start=start, end=end)
        if evidence.get("moment_of") == "departure":
            return _("The departure (%(moment)s) is outside the visit window %(start)s – %(end)s.",
                     moment=moment, start=start, end=end)
        return _("%(moment)s is outside the visit window %(start)s – %(end)s.", moment=moment, start=start, end=end)
    if code == "far_from_outlet":
        return _("The phone reported a position %(metres)s m from the outlet (allowed: %(limit)s m).",
                 metres=evidence.get("metres"), limit=evidence.get("limit"))
    if code == "photo_far_from_outlet":
        return _("Photo %(photo)s was taken %(metres)s m from the outlet (allowed: %(limit)s m).",
                 photo=_short(evidence.get("photo")), metres=evidence.get("metres"), limit=evidence.get("limit"))
    if code == "photo_time_outside_visit":
        return _("Photo %(photo)s was taken at %(moment)s, outside the visit.",
                 photo=_short(evidence.get("photo")), moment=_moment(evidence.get("captured_at")))
    if code == "reused_photo" and evidence.get("identical") is not None:
        if evidence["identical"]:
            return _("Photo %(photo)s is identical to one in report %(other)s.",
                     photo=_short(evidence.get("photo")), other=_short(evidence.get("other_inspection")))
        return _("Photo %(photo)s is nearly identical to one in report %(other)s.",
                 photo=_short(evidence.get("photo")), other=_short(evidence.get("other_inspection")))
    if code == "reused_photo":
        return _("Photo %(photo)s is the same as, or nearly the same as, one in report %(other)s.",
                 photo=_short(evidence.get("photo")), other=_short(evidence.get("other_inspection")))
    if code == "filed_late":
        return _("Filed %(hours)s hours after the visit (allowed: %(limit)s hours).",
                 hours=evidence.get("hours"), limit=evidence.get("limit"))
    if code == "copied_text":
        return _("%(percent)s of the text is the same as in report %(other)s.",
                 percent=f"{round((evidence.get('similarity') or 0) * 100)}%",
                 other=_short(evidence.get("other_inspection")))
    return str(flag.get("message") or _("No details."))


def flag_shown(flag: dict) -> dict:
    """The flag as the API gives it: code and evidence for programs, title and message for people."""
    return {"code": flag.get("code"), "title": flag_title(flag), "message": flag_text(flag),
            "evidence": flag.get("evidence") or {}}
