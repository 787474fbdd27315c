"""Loading checklist versions as parsed Checklists; published ones are parsed once per process."""
from __future__ import annotations

from sqlalchemy import bindparam, func, select

from checklists import definition
from checklists.models import PUBLISHED, ChecklistTemplate, ChecklistVersion
from core.extensions import db

_published_cache: dict[tuple[int, str], definition.Checklist] = {}


def checklist_of(version: ChecklistVersion) -> definition.Checklist:
    if version.status != PUBLISHED:
        return definition.parse(version.definition)
    key = (version.id, version.content_hash)
    parsed = _published_cache.get(key)
    if parsed is None:
        parsed = _published_cache[key] = definition.parse(version.definition)
    return parsed


_versions = ChecklistVersion.__table__
# Built once: every submit asks it.
VERSION_HASH = select(_versions.c.content_hash, _versions.c.status).where(_versions.c.id == bindparam("version"))


def published_checklist(version_id: int) -> tuple[definition.Checklist, str]:
    """A published version by id with its content hash; only the hash is read from the database
    when the parsed checklist is already in this process."""
    row = db.session.execute(VERSION_HASH, {"version": version_id}).first()
    if row is None or row.status != PUBLISHED:
        raise LookupError(f"checklist version {version_id} is not published")
    parsed = _published_cache.get((version_id, row.content_hash))
    if parsed is None:
        parsed = checklist_of(db.session.get_one(ChecklistVersion, version_id))
    return parsed, row.content_hash


def current_versions(kinds: tuple[str, ...] | None = None) -> list[ChecklistVersion]:
    """The newest published version of each active template."""
    newest = (
        select(ChecklistVersion.template_id, func.max(ChecklistVersion.version).label("version"))
        .where(ChecklistVersion.status == PUBLISHED)
        .group_by(ChecklistVersion.template_id)
        .subquery()
    )
    query = (
        select(ChecklistVersion)
        .join(newest, (ChecklistVersion.template_id == newest.c.template_id)
              & (ChecklistVersion.version == newest.c.version))
        .join(ChecklistTemplate)
        .where(ChecklistTemplate.active.is_(True))
        .order_by(ChecklistTemplate.kind, ChecklistTemplate.code)
    )
    if kinds is not None:
        query = query.where(ChecklistTemplate.kind.in_(kinds))
    return list(db.session.execute(query).scalars())


def draft_of(template: ChecklistTemplate) -> ChecklistVersion | None:
    return db.session.execute(
        select(ChecklistVersion).where(ChecklistVersion.template_id == template.id,
                                       ChecklistVersion.status != PUBLISHED)
    ).scalar()


def latest_version(template: ChecklistTemplate) -> ChecklistVersion | None:
    return db.session.execute(
        select(ChecklistVersion).where(ChecklistVersion.template_id == template.id)
        .order_by(ChecklistVersion.version.desc()).limit(1)
    ).scalar()
