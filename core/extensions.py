"""Extension objects, created unbound and bound to the app in create_app()."""
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_wtf.csrf import CSRFProtect
from marshmallow import Schema

from core.db import db


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


migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
api = Api(spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=_schema_name)})



def register_api(*blueprints) -> None:
    """API blueprints: in the OpenAPI document, and exempt from CSRF tokens (they take bearer tokens only)."""
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)


__all__ = ["api", "babel", "csrf", "db", "login_manager", "migrate", "register_api"]
