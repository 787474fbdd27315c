"""Server-side photo ingest: a 12-megapixel phone JPEG and the same picture as HEIC."""
from __future__ import annotations

import io

from common import median_ms, phone_jpeg

from inspections import evidence  # noqa: E402


def main() -> None:
    from PIL import Image

    jpeg = phone_jpeg()
    jpeg_ms = median_ms(lambda: evidence.process(jpeg), runs=9)
    image = Image.open(io.BytesIO(jpeg))
    buffer = io.BytesIO()
    image.save(buffer, "HEIF", quality=60)
    heic = buffer.getvalue()
    heic_ms = median_ms(lambda: evidence.process(heic), runs=5)
    print(f"photo ingest, 12 MP JPEG ({len(jpeg) / 1e6:.1f} MB): median {jpeg_ms:.0f} ms; goal ≤ 150 ms")
    print(f"photo ingest, 12 MP HEIC ({len(heic) / 1e6:.1f} MB): median {heic_ms:.0f} ms; goal ≤ 150 ms")


if __name__ == "__main__":
    main()
