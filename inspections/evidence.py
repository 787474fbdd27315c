"""Photo evidence: accept only real images, keep the original bytes and their hash, derive a
display copy and a thumbnail with orientation applied and no metadata, read time and place from EXIF.

Pure: bytes in, bytes and facts out. Storage and the database are the caller's business.
"""
from __future__ import annotations

import hashlib
import io
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

import pillow_heif
from flask_babel import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from core.errors import OperationError

pillow_heif.register_heif_opener()

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "HEIF": ".heic"}
MAX_BYTES = 20 * 1024 * 1024
# A 48-megapixel phone sensor fits; a decompression bomb (e.g. 20000×20000) does not.
MAX_PIXELS = 60_000_000
# Memory that decoding may take at once in one process: 60 megapixels at 4 bytes each fit, one at a time.
DECODE_BUDGET = 256 * 1024 * 1024
DECODE_WAIT_SECONDS = 30
DISPLAY_EDGE = 1600
THUMB_EDGE = 320

TAG_ORIENTATION, TAG_DATETIME, TAG_EXIF_IFD, TAG_GPS_IFD = 0x0112, 0x0132, 0x8769, 0x8825
TAG_DATETIME_ORIGINAL, TAG_OFFSET_ORIGINAL = 0x9003, 0x9011


class EvidenceError(OperationError):
    pass


@dataclass(frozen=True)
class PhotoFacts:
    """What the upload itself shows, read without decoding the pixels."""
    sha256: str
    format: str
    mime_type: str
    width: int
    height: int
    captured_at: datetime | None
    latitude: float | None
    longitude: float | None

    @property
    def pixels(self) -> int:
        return self.width * self.height


@dataclass(frozen=True)
class Derivatives:
    display: bytes
    thumbnail: bytes
    dhash: str


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _open(data: bytes, max_pixels: int) -> tuple[Image.Image, str]:
    """The image, of one of the allowed formats, and that format."""
    try:
        with warnings.catch_warnings():
            # Pillow reports damaged metadata (e.g. corrupt EXIF) as a UserWarning while opening; such
            # metadata is ignored, and must not fail the upload where warnings are raised as errors.
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceError(_("The image has too many pixels (limit %(limit)s).", limit=f"{max_pixels:,}"),
                            status=413, problem="photo_too_large") from None
    except UnidentifiedImageError:
        raise EvidenceError(_("Not an allowed image: send a JPEG, PNG, WebP or HEIC photo."), status=415,
                            problem="photo_type_not_allowed") from None
    except (OSError, ValueError, SyntaxError):
        raise EvidenceError(_("The image is damaged and cannot be read."), status=422,
                            problem="photo_damaged") from None
    image_format = image.format
    if image_format not in ALLOWED_FORMATS:
        raise EvidenceError(_("%(format)s images are not accepted: send a JPEG, PNG, WebP or HEIC photo.",
                              format=image_format), status=415, problem="photo_type_not_allowed")
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise EvidenceError(_("The image has too many pixels (%(width)d×%(height)d; limit %(limit)s).", width=width,
                              height=height, limit=f"{max_pixels:,}"), status=413, problem="photo_too_large")
    return image, image_format


def _exif_facts(image: Image.Image, local_tz: tzinfo) -> tuple[int, datetime | None, float | None, float | None]:
    """Orientation, capture time and GPS; damaged EXIF yields nothing rather than an error."""
    if image.format == "PNG" and "exif" not in image.info:
        # Pillow would decode every pixel to look for an EXIF chunk after them: outside the decoding
        # budget, and for a picture that may be far too large. A phone's PNG (a screenshot) has none.
        return 1, None, None, None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # a damaged sub-IFD: skip it, keep the rest
            exif = image.getexif()
            orientation = int(exif.get(TAG_ORIENTATION, 1) or 1)
            details = exif.get_ifd(TAG_EXIF_IFD)
            gps = exif.get_ifd(TAG_GPS_IFD)
    except Exception:  # noqa: BLE001  (a damaged EXIF block fails in many ways; it is not evidence then)
        return 1, None, None, None
    return orientation, _capture_time(details, exif, local_tz), *_gps(gps)


def _capture_time(details, exif, local_tz) -> datetime | None:
    raw = details.get(TAG_DATETIME_ORIGINAL) or exif.get(TAG_DATETIME)
    try:
        moment = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError):
        return None
    offset = str(details.get(TAG_OFFSET_ORIGINAL) or "").strip("\x00 ")
    tz = local_tz
    if len(offset) == 6 and offset[0] in "+-" and offset[3] == ":":
        try:
            sign = 1 if offset[0] == "+" else -1
            tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        except ValueError:
            tz = local_tz
    return moment.replace(tzinfo=tz).astimezone(UTC)


def _degrees(value, ref) -> float | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    return -result if str(ref).strip("\x00 ").upper() in ("S", "W") else result


def _gps(gps) -> tuple[float | None, float | None]:
    if not gps:
        return None, None
    latitude, longitude = _degrees(gps.get(2), gps.get(1)), _degrees(gps.get(4), gps.get(3))
    if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return round(latitude, 7), round(longitude, 7)


def _decode_bytes(image: Image.Image) -> int:
    """What decoding the picture takes in memory: its pixels at Pillow's bytes per pixel, at the
    reduced scale JPEG decodes to (see _plan_decoding)."""
    per_pixel = 1 if image.mode in ("1", "L", "P") else 2 if image.mode.startswith("I;16") else 4
    return image.width * image.height * per_pixel


def _plan_decoding(image: Image.Image) -> Image.Image:
    """JPEG decodes at reduced scale (DCT scaling, the big saving); other formats decode whole."""
    if image.format == "JPEG":
        ratio = DISPLAY_EDGE / max(image.size)
        if ratio < 1:
            image.draft("RGB", (max(1, int(image.width * ratio)), max(1, int(image.height * ratio))))
    return image


class DecodeBudget:
    """Decoding in one process shares a memory budget: a picture waits until its share is free, so
    four worst-case uploads at once take one budget, not four."""

    def __init__(self) -> None:
        self._free = threading.Condition()
        self._in_use = 0

    @contextmanager
    def reserve(self, size: int, budget: int, wait: float = DECODE_WAIT_SECONDS):
        if size > budget:
            raise EvidenceError(_too_large_to_decode(budget), status=413, problem="photo_too_large")
        with self._free:
            if not self._free.wait_for(lambda: self._in_use + size <= budget, timeout=wait):
                raise EvidenceError(_("Too many pictures are being processed; send the photo again shortly."),
                                    status=503)
            self._in_use += size
        try:
            yield
        finally:
            with self._free:
                self._in_use -= size
                self._free.notify_all()


decoding = DecodeBudget()


def _too_large_to_decode(budget: int) -> str:
    return _("The picture needs more than %(mb)d MB of memory to decode; send a smaller photo.",
             mb=budget // (1024 * 1024))


def _decoded(image: Image.Image) -> Image.Image:
    """Decode the picture (planned by _plan_decoding) and reduce it by a whole factor toward the
    display size, so that only the reduced copy outlives the decoding budget."""
    # WeasyPrint (imported for the PDF notices) sets this process-wide flag to True, which makes Pillow
    # silently grey-fill a truncated or damaged image; evidence must be whole, so it is turned back off.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise EvidenceError(_("The image is damaged and cannot be read."), status=422,
                            problem="photo_damaged") from None
    factor = max(image.size) // DISPLAY_EDGE
    if factor < 2:
        return image
    reduced = image.reduce(factor)
    image.close()  # frees the whole decoded picture now, not when the upload ends
    return reduced


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _jpeg(image: Image.Image, edge: int, quality: int) -> tuple[bytes, Image.Image]:
    factor = max(image.size) // edge
    # A cheap integer reduction first; the fine resampling then works on a quarter of the pixels.
    resized = image.reduce(factor) if factor >= 2 else (image.copy() if max(image.size) > edge else image)
    resized.thumbnail((edge, edge), Image.Resampling.BICUBIC, reducing_gap=2.0)
    resized.info = {}  # nothing of the source's metadata (EXIF, XMP, ICC comments) is carried over
    buffer = io.BytesIO()
    resized.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue(), resized


def difference_hash(image: Image.Image) -> str:
    """64-bit gradient hash: near-identical pictures (re-saved, resized, recompressed) differ in few bits."""
    small = image.convert("L").resize((9, 8), Image.Resampling.BILINEAR)
    pixels = small.tobytes()
    bits = 0
    for row in range(8):
        for column in range(8):
            bits = (bits << 1) | (pixels[row * 9 + column] > pixels[row * 9 + column + 1])
    return f"{bits:016x}"


def hash_distance(first: str, second: str) -> int:
    return (int(first, 16) ^ int(second, 16)).bit_count()


def inspect(data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS,
            local_tz: tzinfo = timezone(timedelta(hours=8)), decode_budget: int = DECODE_BUDGET) -> PhotoFacts:
    """Check an upload without decoding its pixels: an allowed format by content, within the byte
    and pixel caps and the memory decoding it would take; read its capture time and place."""
    if not data:
        raise EvidenceError(_("The photo is empty (0 bytes)."), status=422, problem="photo_damaged")
    if len(data) > max_bytes:
        raise EvidenceError(_("The photo is larger than %(size)d MB.", size=max_bytes // (1024 * 1024)),
                            status=413, problem="photo_too_large")
    image, image_format = _open(data, max_pixels)
    orientation, captured_at, latitude, longitude = _exif_facts(image, local_tz)
    width, height = image.size if orientation < 5 else image.size[::-1]
    if _decode_bytes(_plan_decoding(image)) > decode_budget:  # (planning changes a JPEG's size)
        raise EvidenceError(_too_large_to_decode(decode_budget), status=413, problem="photo_too_large")
    return PhotoFacts(sha256=sha256_hex(data), format=image_format, mime_type=ALLOWED_FORMATS[image_format],
                      width=width, height=height, captured_at=captured_at, latitude=latitude, longitude=longitude)


def quick_to_derive(facts: PhotoFacts, inline_pixels: int) -> bool:
    """JPEGs decode at reduced scale in a fraction of the time; other formats are decoded whole."""
    return facts.format == "JPEG" or facts.pixels <= inline_pixels


def derive(data: bytes, *, max_pixels: int = MAX_PIXELS, decode_budget: int = DECODE_BUDGET) -> Derivatives:
    """The display copy and thumbnail (upright, no metadata) and the picture's difference hash."""
    image, _format = _open(data, max_pixels)
    orientation = _exif_facts(image, UTC)[0]
    with decoding.reserve(_decode_bytes(_plan_decoding(image)), decode_budget):
        decoded = _decoded(image)
    try:
        upright = ImageOps.exif_transpose(decoded) if orientation != 1 else decoded
    except Exception:  # noqa: BLE001  (an unusable orientation tag: keep the pixels as stored)
        upright = decoded
    upright = _rgb(upright)
    display, display_image = _jpeg(upright, DISPLAY_EDGE, 82)
    thumbnail, _ = _jpeg(display_image, THUMB_EDGE, 78)
    return Derivatives(display=display, thumbnail=thumbnail, dhash=difference_hash(display_image))
