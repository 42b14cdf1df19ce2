"""decode_bytes: UTF-8 first, Arabic legacy encodings next, refusals with reasons."""
import codecs

import pytest

from marsad.errors import IngestError
from marsad.ingest.decode import decode_bytes

SENTENCE = "سقطت قذيفتان على أطراف البلدة مساء الأحد دون إصابات."


@pytest.mark.parametrize("data", [
    SENTENCE.encode("utf-8"),
    codecs.BOM_UTF8 + SENTENCE.encode("utf-8"),
    SENTENCE.encode("utf-16"),  # with its byte-order mark
    SENTENCE.encode("cp1256"),
    SENTENCE.encode("iso8859_6"),
], ids=["utf8", "utf8-bom", "utf16-bom", "windows-1256", "iso-8859-6"])
def test_decode_gives_the_same_arabic_text(data):
    assert decode_bytes(data, "d1") == SENTENCE


def test_decode_single_windows_1256_word_prefers_arabic():
    # Detection alone reads this one word as Big5; the Arabic legacy encodings are tried first.
    assert decode_bytes("الصواريخ".encode("cp1256"), "d1") == "الصواريخ"


def test_decode_latin1_text_is_not_forced_into_arabic():
    text = "Le café de la gare était fermé à cause de la grève générale."
    assert decode_bytes(text.encode("latin-1"), "d1") == text


def test_decode_declared_charset_is_used():
    data = SENTENCE.encode("cp1256")
    assert decode_bytes(data, "d1", declared="windows-1256") == SENTENCE


def test_decode_drops_a_letter_cut_at_the_end():
    data = "قصف مدفعي".encode("utf-8")[:-1]  # the last letter lost its second byte
    assert decode_bytes(data, "d1") == "قصف مدفع"


@pytest.mark.parametrize("data, reason", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text"),
    (b"abc\x01\x02\x03\x04def", "binary file, not text"),
    (bytes(range(0x80, 0x100)) * 4, "not valid UTF-8 and no known encoding fits"),
])
def test_decode_refuses_with_reason(data, reason):
    with pytest.raises(IngestError) as err:
        decode_bytes(data, "bad1")
    assert err.value.reason == reason
    assert err.value.doc_id == "bad1"
    assert str(err.value) == f"bad1: {reason}"
