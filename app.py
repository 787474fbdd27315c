"""Application factory: configuration, extensions, blueprints, CLI, error handlers. Nothing else."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from core import bodies, errors, headers, health, inputs, jobs, seeding, storage
from core.config import load_config
from core.db import configure_engine, render_migration_item
from core.extensions import api, babel, csrf, db, login_manager, migrate
from core.i18n import select_locale

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(load_config())
    if config:
        app.config.update(config)
    configure_engine(app.config)
    if app.config["PROXY_COUNT"]:
        # The client's own address (login throttling, the audit log) from the proxies' headers,
        # trusting exactly as many as stand in front: a client cannot forge its way past them.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)

    inputs.init_app(app)  # before any route is added: routes bind the bounded id converter
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True,
                     render_item=render_migration_item, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    api.init_app(app)
    storage.init_app(app)
    jobs.init_app(app)
    _register_domains(app)
    bodies.init_app(app)  # the first before-request hook: CSRF protection reads the form, and the body with it
    errors.init_app(app)  # after api.init_app, whose JSON-only handler it replaces
    headers.init_app(app)
    return app


def _register_domains(app: Flask) -> None:
    import checklists.policies  # noqa: F401  (permission rules)
    import core.audit_views
    import inspections.policies  # noqa: F401  (permission rules)
    import org.policies  # noqa: F401  (permission rules)
    import rectification.operations  # noqa: F401  (issues a notice when findings are published)
    import rectification.policies  # noqa: F401  (permission rules)
    import org.seed  # noqa: F401, I001  (demo steps: imported in the order they run)
    import checklists.seed  # noqa: F401, E402
    import inspections.seed  # noqa: F401, E402
    from checklists import api as checklists_api, views as checklists_views
    from core import docs, pwa
    from inspections import api as inspections_api, cli as inspections_cli, desk, mystery_api, mystery_views
    from inspections import views as inspections_views
    from org import api as org_api, auth_api, cli as org_cli, views as org_views
    from rectification import api as rectification_api, cli as rectification_cli, views as rectification_views
    import reports  # noqa: I001  (registers its own blueprints, commands and demo step)

    app.register_blueprint(health.blp)
    app.register_blueprint(docs.blp)
    app.register_blueprint(pwa.blp)
    for blueprint in (auth_api.blp, *org_api.BLUEPRINTS, checklists_api.blp, inspections_api.blp, mystery_api.blp,
                      rectification_api.blp):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)
    app.register_blueprint(org_views.blp)
    app.register_blueprint(core.audit_views.blp)
    app.register_blueprint(checklists_views.blp)
    app.register_blueprint(inspections_views.blp)
    app.register_blueprint(desk.blp)
    app.register_blueprint(mystery_views.blp)
    app.register_blueprint(rectification_views.blp)
    org_views.init_app(app)
    org_cli.init_app(app)
    inspections_cli.init_app(app)
    rectification_cli.init_app(app)
    seeding.init_app(app)
    reports.init_app(app)
