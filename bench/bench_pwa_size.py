"""The PWA shell's size as phones download it: JS + CSS + HTML + manifest, each gzipped."""
from __future__ import annotations

import gzip

from common import ROOT

SHELL = ROOT / "static" / "pwa"


def main() -> None:
    total_raw = total_gzip = 0
    for path in sorted(SHELL.rglob("*")):
        if path.suffix in (".js", ".css", ".html", ".webmanifest"):
            data = path.read_bytes()
            total_raw += len(data)
            total_gzip += len(gzip.compress(data, 9))
    print(f"PWA shell (HTML+JS+CSS+manifest): {total_raw / 1024:.1f} KB raw, {total_gzip / 1024:.1f} KB gzipped "
          f"(goal ≤ 150 KB gzipped)")


if __name__ == "__main__":
    main()
