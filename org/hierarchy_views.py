"""The admin pages of the bank's tree: the nodes, each under its parent, and a form to create, rename or
move one."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.extensions import db
from core.permissions import authorize, can
from org import forms, hierarchy, levels
from org.models import Branch
from org.schemas import BranchSchema

blp = Blueprint("hierarchy", __name__)


@blp.get("/admin/branches/")
@login_required
def node_list():
    authorize("admin_area.view")
    authorize("branch.list")
    return render_template("org/branches.html", nodes=hierarchy.tree(current_user), depth=hierarchy.depth,
                           level_label=levels.label, may_manage=can(current_user, "org.manage"))


def _form_page(node: Branch | None):
    authorize("org.manage", node)
    schema = BranchSchema(partial=node is not None)
    values = {key: getattr(node, key, "") for key in schema.load_fields} if node else \
        {"level": levels.configured()[-1]}
    errors, status = {}, 200
    if request.method == "POST":
        errors, status, saved = forms.submit(schema, values, lambda loaded: hierarchy.create_node(
            loaded, current_user) if node is None else hierarchy.update_node(node, loaded, current_user))
        if saved:
            flash(_("Saved."), "ok")
            return redirect(url_for("hierarchy.node_list"))
    return render_template("org/branch_form.html", node=node, fields=forms.describe(schema, values, errors),
                           errors=errors), status


@blp.route("/admin/branches/new", methods=["GET", "POST"])
@login_required
def node_new():
    return _form_page(None)


@blp.route("/admin/branches/<int:ident>/edit", methods=["GET", "POST"])
@login_required
def node_edit(ident: int):
    return _form_page(db.get_or_404(Branch, ident))
