"""`flask jobs work` whose photo job never ends: the job leaves a file named after its process to say
it has started, then waits, so that a test can kill the worker while it holds the job.

Run as `python -m tests.scale.gated_worker MARKER_DIR` with the app's environment."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from app import create_app
from core import jobs
from inspections.photostore import DERIVE_JOB


def main(marker_dir: str) -> None:
    app = create_app()

    def held(**payload) -> None:
        Path(marker_dir, f"holding-{os.getpid()}").write_text(repr(payload))
        while True:
            time.sleep(1)

    jobs._handlers[DERIVE_JOB] = held
    with app.app_context():
        jobs.work(app)


if __name__ == "__main__":
    main(sys.argv[1])
