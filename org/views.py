"""HTML pages: log in and out, language switch, and the admin area for the organisation."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from marshmallow import ValidationError

from core.bodies import body_limit, public_body
from core.extensions import db, login_manager
from core.permissions import Role, authorize, can, roles, rule
from core.redirects import safe_path
from core.refusals import Refusal, refused_form
from core.schemas import Schema
from org import accounts, browser_sessions, forms, importing, landing, operations, throttle
from org.models import Counter, Outlet, Staff, User, Vendor
from org.policies import visible_rows
from org.schemas import CounterSchema, OutletSchema, PasswordChangeSchema, StaffSchema, UserSchema, VendorSchema
from org.scope import manages_setting

blp = Blueprint("org", __name__)

rule("admin_area.view")(roles(Role.ADMIN, Role.VIEWER))


@dataclass(frozen=True)
class Resource:
    model: type
    schema: type[Schema]
    title: object
    columns: tuple[str, ...]
    list_action: str
    importer: object = None


RESOURCES = {
    "outlets": Resource(Outlet, OutletSchema, _l("Outlets"), ("code", "name", "address", "latitude", "longitude"),
                        "outlet.list", importing.import_outlets),
    "counters": Resource(Counter, CounterSchema, _l("Counters"), ("outlet", "number", "kind", "label"), "outlet.list"),
    "staff": Resource(Staff, StaffSchema, _l("Staff"), ("employee_no", "name", "position", "outlet", "counter"),
                      "staff.list", importing.import_staff),
    "vendors": Resource(Vendor, VendorSchema, _l("Vendors"), ("code", "name", "contact", "node"), "vendor.list"),
    "users": Resource(User, UserSchema, _l("Users"),
                      ("username", "display_name", "role", "outlet", "vendor", "scope_node"),
                      "user.list"),
}


def _resource(name: str) -> Resource:
    if name not in RESOURCES:
        abort(404)
    return RESOURCES[name]


def _manage_action(resource: Resource) -> str:
    return "user.manage" if resource.model is User else "org.manage"


@blp.route("/login", methods=["GET", "POST"])
@public_body
def login():
    refusal = Refusal()
    if request.method == "POST":
        with refused_form() as refusal:
            user = accounts.authenticate(request.form.get("username", ""), request.form.get("password", ""))
            browser_sessions.start(user)
            return redirect(safe_path(request.args.get("next")) or _landing_page(user))
    return render_template("org/login.html", error=refusal.message), refusal.status, refusal.headers


@blp.post("/logout")
def logout():
    browser_sessions.end()
    return redirect(url_for("org.login"))


@blp.get("/lang/<code>")
def switch_language(code: str):
    if code not in ("zh", "en"):
        abort(404)
    session["lang"] = code
    return redirect(safe_path(request.referrer, allow_own_origin=True) or url_for("org.home"))


def _landing_page(user: User) -> str:
    return url_for(landing.landing_endpoint(user) or "org.home")


@blp.get("/")
@login_required
def home():
    return render_template("org/home.html", resources={key: item for key, item in RESOURCES.items()
                                                        if can(current_user, item.list_action)},
                           app_offer=landing.app_offer(current_user.role))


@blp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    errors = {}
    if request.method == "POST":
        try:
            data = PasswordChangeSchema().load(forms.parse(PasswordChangeSchema(), request.form))
        except ValidationError as invalid:
            errors = invalid.messages
        else:
            with refused_form() as refusal:
                accounts.change_password(current_user._get_current_object(), data["current_password"],
                                         data["new_password"])
                browser_sessions.start(current_user._get_current_object())
                flash(_("Password changed. Other sessions and tokens have been logged out."), "ok")
                return redirect(url_for("org.home"))
            # The one field a refusal without field errors can be about.
            errors = refusal.failure.errors or {"current_password": [refusal.message]}
    return render_template("org/password.html", errors=errors), 422 if errors else 200


@blp.get("/admin/<name>/")
@login_required
def admin_list(name: str):
    resource = _resource(name)
    authorize("admin_area.view")
    authorize(resource.list_action)
    show_inactive = request.args.get("inactive") == "1"
    query = visible_rows(current_user, resource.model).order_by(resource.model.id)
    if not show_inactive:
        query = query.where(resource.model.active.is_(True))
    rows = db.session.execute(query).scalars().all()
    return render_template("org/list.html", name=name, resource=resource, rows=rows,
                           show_inactive=show_inactive, may_manage=can(current_user, _manage_action(resource)),
                           locked=_locked_usernames(rows) if resource.model is User else {})


def _locked_usernames(users) -> dict[str, object]:
    return {user.username: until for user in users if (until := throttle.locked_until(user.username))}


@blp.post("/admin/users/<int:ident>/unlock")
@login_required
def admin_unlock(ident: int):
    user = db.get_or_404(User, ident)
    authorize("user.manage", user)
    operations.unlock_login(user, current_user)
    flash(_("Login lock lifted for %(username)s.", username=user.username), "ok")
    return redirect(url_for("org.admin_list", name="users"))


def _form_page(name: str, resource: Resource, obj=None):
    authorize(_manage_action(resource), obj)
    schema = resource.schema(partial=obj is not None)
    values = {key: getattr(obj, key, "") for key in schema.load_fields} if obj else {}
    errors, status = {}, 200
    if request.method == "POST":
        if resource.model is User:
            save = (lambda loaded: operations.create_user(loaded, current_user)) if obj is None else \
                (lambda loaded: operations.update_user(obj, loaded, current_user))
        else:
            save = (lambda loaded: operations.create(resource.model, loaded, current_user)) if obj is None else \
                (lambda loaded: operations.update(obj, loaded, current_user))
        errors, status, saved = forms.submit(schema, values, save)
        if saved:
            flash(_("Saved."), "ok")
            return redirect(url_for("org.admin_list", name=name))
    fields = forms.describe(schema, values, errors)
    return render_template("org/form.html", name=name, resource=resource, obj=obj, fields=fields,
                           errors=errors), status


@blp.route("/admin/<name>/new", methods=["GET", "POST"])
@login_required
def admin_new(name: str):
    return _form_page(name, _resource(name))


@blp.route("/admin/<name>/<int:ident>/edit", methods=["GET", "POST"])
@login_required
def admin_edit(name: str, ident: int):
    resource = _resource(name)
    return _form_page(name, resource, db.get_or_404(resource.model, ident))


@blp.post("/admin/<name>/<int:ident>/<any(activate, deactivate):verb>")
@login_required
def admin_set_active(name: str, ident: int, verb: str):
    resource = _resource(name)
    obj = db.get_or_404(resource.model, ident)
    authorize(_manage_action(resource), obj)
    operations.set_active(obj, verb == "activate", current_user)
    flash(_("Saved."), "ok")
    return redirect(url_for("org.admin_list", name=name))


@blp.route("/admin/<name>/import", methods=["GET", "POST"])
@login_required
@body_limit("IMPORT_MAX_BYTES")
def admin_import(name: str):
    resource = _resource(name)
    if resource.importer is None:
        abort(404)
    authorize("org.manage")
    errors, status = {}, 200
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors, status = {"file": [_("Choose a .csv or .xlsx file.")]}, 400
        else:
            with refused_form() as refusal:
                result = resource.importer(upload.filename, upload.read(), current_user)
                flash(_("Imported: %(created)d new, %(updated)d updated.", **result), "ok")
                return redirect(url_for("org.admin_list", name=name))
            errors, status = refusal.by_field, refusal.status
    return render_template("org/import.html", name=name, resource=resource, errors=errors), status


def init_app(app: Flask) -> None:
    login_manager.login_view = "org.login"
    login_manager.login_message = None

    @login_manager.unauthorized_handler
    def _unauthorized():
        if request.path.startswith("/api/"):
            abort(401, description=_("Log in first: send a valid bearer token."))
        return redirect(url_for("org.login", next=request.full_path.rstrip("?")))

    @app.context_processor
    def _template_globals():
        return {"choice_label": lambda value: str(forms.CHOICE_LABELS.get(value, value)),
                "field_label": lambda name: str(forms.LABELS.get(name, name)),
                "choice_columns": forms.CHOICE_COLUMNS,
                "config_resources": lambda: {key: item for key, item in RESOURCES.items()
                                             if can(current_user, item.list_action)},
                "may": lambda action, obj=None: can(current_user, action, obj),
                "may_change_setting": lambda obj: manages_setting(current_user, obj.node_id),
                "get_locale": get_locale}
