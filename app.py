"""Application factory: configuration, extensions, blueprints, CLI, error handlers. Nothing else."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from core import (
    bodies,
    errors,
    headers,
    health,
    inputs,
    jobs,
    move_to_postgres,
    paging,
    partitions,
    seeding,
    storage,
    unit_of_work,
)
from core.config import load_config
from core.db import configure_engine, render_migration_item
from core.extensions import api, babel, csrf, db, login_manager, migrate
from core.i18n import select_locale

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    app = unit_of_work.UnitOfWorkFlask(__name__, instance_relative_config=False)
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
    unit_of_work.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True,
                     render_item=render_migration_item, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    api.init_app(app)
    storage.init_app(app)
    jobs.init_app(app)
    move_to_postgres.init_app(app)
    partitions.init_app(app)
    _register_domains(app)
    bodies.init_app(app)  # the first before-request hook: CSRF protection reads the form, and the body with it
    errors.init_app(app)  # after api.init_app, whose JSON-only handler it replaces
    headers.init_app(app)
    paging.init_app(app)
    return app


def _register_domains(app: Flask) -> None:
    import checklists
    import complaints
    import inspections
    import meetings
    import mystery
    import org
    import quarterly
    import rectification
    import reports
    import satisfaction
    import volumes
    from core import audit_views, docs, pwa

    for blueprint in (health.blp, docs.blp, pwa.blp, audit_views.blp):
        app.register_blueprint(blueprint)
    # Lower domains first: their demo steps run in this order, and each connects its own handlers.
    for domain in (org, checklists, inspections, mystery, rectification, complaints, volumes, reports, satisfaction,
                   meetings, quarterly):
        domain.init_app(app)
    seeding.init_app(app)
