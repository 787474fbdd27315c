"""The meetings' pages under /meetings/: the meetings newest first, a meeting's record with its action
items and those carried over, the admin's form, and the action items across meetings."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from core.extensions import db
from core.paging import PageArgs, one_page, page_args
from core.permissions import authorize, can
from core.refusals import refused_form
from meetings import forms, items, lists, operations, record
from meetings.labels import helpers, quarter_label
from meetings.models import Meeting
from meetings.policies import OWNER_ROLES
from meetings.schemas import ItemPageArgs
from org.models import Outlet, User

blp = Blueprint("meetings_pages", __name__, url_prefix="/meetings")
PAGE_SIZE = 20


@blp.context_processor
def _template_helpers():
    return {**helpers(), "may": lambda action, obj=None: can(current_user, action, obj)}


def _owner_choices() -> dict:
    users = db.session.execute(select(User).where(User.active.is_(True), User.role.in_(OWNER_ROLES))
                               .order_by(User.role, User.username)).scalars().all()
    outlets = db.session.execute(select(Outlet).where(Outlet.active.is_(True)).order_by(Outlet.code)).scalars().all()
    return {"owner_users": [(u.id, u.display_name or u.username) for u in users],
            "owner_outlets": [(o.id, o.name) for o in outlets]}


@blp.get("/")
@login_required
def meeting_list():
    authorize("meeting.view")
    args = page_args(PageArgs())
    return render_template("meetings/list.html", page=one_page(lists.meetings(), args["page"], PAGE_SIZE))


@blp.route("/new", methods=["GET", "POST"])
@login_required
def meeting_new():
    authorize("meeting.edit")
    with refused_form() as refusal:
        if request.method == "POST":
            meeting = operations.save_meeting(None, forms.meeting_data(request.form), current_user)
            flash(_("Meeting record saved."), "ok")
            return redirect(url_for(".meeting_page", ident=meeting.id))
    return render_template("meetings/form.html", meeting=None, errors=refusal.by_field), refusal.status


@blp.route("/<int:ident>/edit", methods=["GET", "POST"])
@login_required
def meeting_edit(ident: int):
    meeting = operations.load_meeting(ident, current_user, "meeting.edit")
    with refused_form() as refusal:
        if request.method == "POST":
            operations.save_meeting(meeting, forms.meeting_data(request.form), current_user)
            flash(_("Meeting record saved."), "ok")
            return redirect(url_for(".meeting_page", ident=ident))
    meeting = operations.load_meeting(ident, current_user, "meeting.edit")
    return render_template("meetings/form.html", meeting=meeting, errors=refusal.by_field), refusal.status


@blp.route("/<int:ident>", methods=["GET", "POST"])
@login_required
def meeting_page(ident: int):
    meeting = operations.load_meeting(ident, current_user)
    with refused_form() as refusal:
        if request.method == "POST":
            items.add_item(ident, forms.item_data(request.form), current_user)
            flash(_("Action item added."), "ok")
            return redirect(url_for(".meeting_page", ident=ident, _anchor="items"))
    meeting = db.session.get(Meeting, ident)
    return render_template("meetings/meeting.html", meeting=meeting, items=record.items_of(meeting),
                           carried=record.open_items_before(meeting.quarter), errors=refusal.by_field,
                           **(_owner_choices() if can(current_user, "action_item.add") else {})), refusal.status


@blp.get("/items/")
@login_required
def item_list():
    authorize("action_item.list")
    filters = page_args(ItemPageArgs())
    quarters = [(q, quarter_label(q)) for q in
                db.session.execute(select(Meeting.quarter).order_by(Meeting.quarter.desc())).scalars()]
    leadership = can(current_user, "meeting.view")
    return render_template("meetings/items.html", filters=filters, quarters=quarters, leadership=leadership,
                           page=one_page(lists.items(current_user, filters), filters["page"], PAGE_SIZE),
                           **(_owner_choices() if leadership else {}))


@blp.route("/items/<int:ident>", methods=["GET", "POST"])
@login_required
def item_page(ident: int):
    item = items.load_item(ident, current_user)
    with refused_form() as refusal:
        if request.method == "POST":
            if request.form.get("action") == "reopen":
                items.reopen_item(ident, request.form.get("reason", ""), current_user)
                flash(_("Action item reopened."), "ok")
            else:
                items.close_item(ident, request.form.get("note", ""), current_user)
                flash(_("Action item done."), "ok")
            return redirect(url_for(".item_page", ident=ident))
    item = items.load_item(ident, current_user)
    return render_template("meetings/item.html", item=item, errors=refusal.by_field,
                           may_close=can(current_user, "action_item.close", item) and not item.done,
                           may_reopen=can(current_user, "action_item.reopen", item) and item.done), refusal.status
