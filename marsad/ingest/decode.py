"""Bytes → text, for news files whose encoding nobody declared.

Most inputs are UTF-8. Older Arabic sites and archives still serve
windows-1256 or ISO-8859-6, which are not valid UTF-8; charset-normalizer is
asked about those first, because a short Arabic passage in windows-1256 is
otherwise easily taken for a CJK encoding (``الصواريخ`` came out as Big5).
"""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from marsad.errors import IngestError

ARABIC_LEGACY = ["cp1256", "iso8859_6"]
_SAMPLE = 8192  # bytes looked at to decide whether a file is binary
_MAX_CONTROL_RATIO = 0.05
# C0 controls that never occur in text files (tab, newlines, form feed, ESC allowed).
_CONTROL = frozenset(set(range(0x00, 0x09)) | set(range(0x0E, 0x1B)) | {0x1C, 0x1D, 0x1E, 0x1F, 0x7F})
_CONTROL_BYTES = bytes(sorted(_CONTROL))
_MIN_ARABIC_SHARE = 0.5


def decode_bytes(data: bytes, doc_id: str, *, declared: str | None = None) -> str:
    """Decode a document; ``declared`` is a charset the file itself names (HTML meta)."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise IngestError(doc_id, f"invalid UTF-16 after its byte-order mark: {exc.reason}") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if _looks_binary(data):
        raise IngestError(doc_id, "binary file, not text")
    text = _utf8(data)
    if text is not None:
        return text
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; detection decides
    text = _detect(data)
    if text is None:
        raise IngestError(doc_id, "not valid UTF-8 and no known encoding fits")
    return text


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # counted in C, not byte by byte
    return bool(sample) and controls / len(sample) > _MAX_CONTROL_RATIO


def _utf8(data: bytes) -> str | None:
    """Strict UTF-8, except that a multi-byte character cut off at the very end is dropped.

    A page saved while downloading stops anywhere, also inside a two-byte Arabic letter.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            try:
                return data[:exc.start].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return None


def _detect(data: bytes) -> str | None:
    arabic = from_bytes(data, cp_isolation=ARABIC_LEGACY).best()
    if arabic is not None:
        text = str(arabic)
        if _arabic_share(text) >= _MIN_ARABIC_SHARE:
            return text
    best = from_bytes(data).best()
    return None if best is None else str(best)


def _arabic_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff") / len(letters)
