"""Extension objects, created unbound and bound to the app in create_app()."""
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_wtf.csrf import CSRFProtect
from marshmallow import Schema, fields

from core.db import db
from core.problems import PROBLEMS


def _schema_name(schema) -> str:
    """OpenAPI component names; a partial (PATCH) variant gets its own name instead of a warning."""
    resolved = resolve_schema_cls(schema)
    schema_class = resolved[0] if isinstance(resolved, list) else resolved
    name = schema_class.__name__.removesuffix("Schema")
    if isinstance(schema, Schema) and schema.partial:
        name += "Patch"
    if isinstance(schema, Schema) and (schema.only or schema.exclude):
        name += "Brief"
    return name


class ErrorSchema(Schema):
    """Every error the API answers (documentation only: core.errors writes the bodies)."""

    code = fields.Integer(metadata={"description": "The HTTP status."})
    status = fields.String(metadata={"description": "The status's stable English name, e.g. Conflict."})
    problem = fields.String(metadata={
        "description": "The stable machine code of the problem; branch on it, never on the message:\n\n"
                       + "\n".join(f"- `{code}`: {meaning}" for code, meaning in PROBLEMS.items()),
        "enum": list(PROBLEMS)})
    message = fields.String(metadata={
        "description": "What a person reads, in the caller's language (Accept-Language, else the user's setting)."})
    errors = fields.Dict(metadata={"description": "Per field (or per import row) messages, where there are some."})


class ProductApi(Api):
    ERROR_SCHEMA = ErrorSchema


migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
api = ProductApi(spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=_schema_name)})



def register_api(*blueprints) -> None:
    """API blueprints: in the OpenAPI document, and exempt from CSRF tokens (they take bearer tokens only)."""
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)


__all__ = ["api", "babel", "csrf", "db", "login_manager", "migrate", "register_api"]
