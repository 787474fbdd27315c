"""Every character the product can show — pages, the app, PDFs, messages, default checklists — has a glyph in
the font every machine installs (fonts-noto-cjk): nothing shows as an empty box where no emoji font is."""
from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["templates/**/*.html", "static/**/*.js", "static/**/*.css", "static/**/*.html",
           "static/**/*.webmanifest", "translations/*/LC_MESSAGES/messages.po", "checklists/defaults/*.yaml",
           "*/*.py"]
# Line breaks, the byte-order mark written into CSV files, and marks that are not drawn.
NOT_DRAWN = {"\ufeff", "\u200b", "\u2028", "\u2029"}


def _font_characters() -> set[int]:
    path = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True,
                          check=True).stdout
    assert "NotoSansCJK" in path, f"Noto Sans CJK is not installed (fc-match gave {path!r})"
    collection = TTCollection(path)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    return set(font.getBestCmap())


def test_every_character_shown_has_a_glyph_in_the_installed_cjk_font():
    drawn = _font_characters()
    missing: dict[str, set[str]] = {}
    for pattern in SOURCES:
        for path in ROOT.glob(pattern):
            if any(part in (".venv", "node_modules", "tests") for part in path.relative_to(ROOT).parts):
                continue
            for character in set(path.read_text(encoding="utf-8")):
                if ord(character) > 0x7E and character not in NOT_DRAWN and ord(character) not in drawn:
                    missing.setdefault(f"{character} U+{ord(character):04X} {unicodedata.name(character, '?')}",
                                       set()).add(str(path.relative_to(ROOT)))
    assert not missing, "\n".join(f"{glyph}: {sorted(files)}" for glyph, files in sorted(missing.items()))
