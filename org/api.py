"""The organisation under /api/v1: thin handlers that parse, authorize, call one operation."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from core.extensions import db
from core.permissions import authorize
from org import operations
from org.models import Counter, Outlet, Staff, User, Vendor
from org.policies import visible_rows
from org.schemas import CounterSchema, ListArgsSchema, OutletSchema, StaffSchema, UserSchema, VendorSchema


def _resource_blueprint(name: str, model, schema_class, *, list_action: str, view_action: str,
                        outlet_scoped: bool, create=None, update=operations.update):
    """Routes shared by every organisation resource: list, create, read, update, (de)activate."""
    blp = Blueprint(name, __name__, url_prefix=f"/api/v1/{name}",
                    description=f"{name.capitalize()} of the bank (admin changes them).")
    label = model.__name__
    manage_action = "user.manage" if model is User else "org.manage"
    create = create or (lambda data, actor: operations.create(model, data, actor))

    def load(ident: int):
        authorize(list_action)
        obj = operations.get_or_404(model, ident, label)
        authorize(view_action, obj, conceal=True)
        return obj

    @blp.route("/")
    class Collection(MethodView):
        @blp.arguments(ListArgsSchema, location="query")
        @blp.response(200, schema_class(many=True))
        def get(self, args):
            """List, optionally for one outlet."""
            authorize(list_action)
            query = visible_rows(current_user, model).order_by(model.id)
            if outlet_scoped and args.get("outlet_id"):
                query = query.where(model.outlet_id == args["outlet_id"])
            if not args.get("include_inactive"):
                query = query.where(model.active.is_(True))
            return db.session.execute(query).scalars().all()

        @blp.arguments(schema_class)
        @blp.response(201, schema_class)
        def post(self, data):
            """Create."""
            authorize(manage_action)
            return create(data, current_user)

    @blp.route("/<int:ident>")
    class Item(MethodView):
        @blp.response(200, schema_class)
        def get(self, ident):
            """Read one."""
            return load(ident)

        @blp.arguments(schema_class(partial=True))
        @blp.response(200, schema_class)
        def patch(self, data, ident):
            """Change some fields."""
            obj = load(ident)
            authorize(manage_action, obj)
            return update(obj, data, current_user)

    @blp.route("/<int:ident>/deactivate", methods=["POST"])
    @blp.response(200, schema_class)
    def deactivate(ident):
        """Deactivate (nothing is ever deleted: history keeps pointing at it)."""
        obj = load(ident)
        authorize(manage_action, obj)
        return operations.set_active(obj, False, current_user)

    @blp.route("/<int:ident>/activate", methods=["POST"])
    @blp.response(200, schema_class)
    def activate(ident):
        """Activate again."""
        obj = load(ident)
        authorize(manage_action, obj)
        return operations.set_active(obj, True, current_user)

    return blp


outlets_blp = _resource_blueprint("outlets", Outlet, OutletSchema, list_action="outlet.list",
                                  view_action="outlet.view", outlet_scoped=False)
counters_blp = _resource_blueprint("counters", Counter, CounterSchema, list_action="outlet.list",
                                   view_action="counter.view", outlet_scoped=True)
staff_blp = _resource_blueprint("staff", Staff, StaffSchema, list_action="staff.list",
                                view_action="staff.view", outlet_scoped=True)
vendors_blp = _resource_blueprint("vendors", Vendor, VendorSchema, list_action="vendor.list",
                                  view_action="vendor.list", outlet_scoped=False)
users_blp = _resource_blueprint("users", User, UserSchema, list_action="user.list",
                                view_action="user.list", outlet_scoped=False,
                                create=operations.create_user,
                                update=operations.update_user)



@users_blp.route("/<int:ident>/unlock", methods=["POST"])
@users_blp.response(200, UserSchema)
def unlock_user(ident):
    """Lift the login lock that failed passwords put on the account."""
    authorize("user.list")
    user = operations.get_or_404(User, ident, "User")
    authorize("user.manage", user)
    return operations.unlock_login(user, current_user)


BLUEPRINTS = (outlets_blp, counters_blp, staff_blp, vendors_blp, users_blp)
