"""Demo step: import and publish the default checklists (a changed default becomes a new version)."""
from __future__ import annotations

from pathlib import Path

from checklists import operations, textio
from core.seeding import step

DEFAULTS = Path(__file__).resolve().parent / "defaults"


def default_documents() -> list[dict]:
    return [textio.load(path.read_bytes(), "yaml") for path in sorted(DEFAULTS.glob("*.yaml"))]


@step("checklists")
def seed_checklists(password: str) -> str | None:
    published = [v for v in (operations.import_and_publish_default(doc) for doc in default_documents()) if v]
    if not published:
        return None
    return ", ".join(f"{v.template.code} v{v.version}" for v in published) + " published"
