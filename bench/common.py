"""Shared by the benchmarks: a realistic phone photo, timing helpers, a scratch app."""
from __future__ import annotations

import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def phone_jpeg(width: int = 4000, height: int = 3000, seed: int = 1) -> bytes:
    """A 12-megapixel JPEG with the structure of a photo (areas, edges, sensor noise), not pure noise."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(base)
    for _ in range(400):
        x, y = rng.randint(0, width), rng.randint(0, height)
        draw.rectangle([x, y, x + rng.randint(20, 700), y + rng.randint(20, 500)],
                       fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    noise = Image.effect_noise((width, height), 14).convert("RGB")
    image = Image.blend(base, noise, 0.22)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def median_ms(func, runs: int = 7, warmup: int = 1) -> float:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def scratch_app(**config):
    """An app on a fresh SQLite database in a temporary data folder, migrated and seeded."""
    from flask_migrate import upgrade

    data_dir = tempfile.mkdtemp(prefix="bench-")
    os.environ["DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    from app import create_app

    app = create_app({"DEMO_PASSWORD": "bench-pass-2026", **config})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app, data_dir
