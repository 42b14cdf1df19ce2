"""The matching view: folding rules, and offsets that always map back to the source."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.clean.normalize import _normalize_slow, fold, normalize

ARABIC_HEAVY = st.text(alphabet=st.sampled_from(list("ابتثجحخدرزسشصضطظعغفقكلمنهويءآأؤإئىة ًٌٍَُِّْـ٠١٢٣٤٥٦٧٨٩،.\u200f")
                                               + ["İ", "ß", "A", "z"]), max_size=80)


@pytest.mark.parametrize("raw, folded", [
    ("أُصيبَ", "اصيب"), ("إسرائيل", "اسراييل"), ("آب", "اب"), ("مستشفى", "مستشفي"), ("القاعدة", "القاعده"),
    ("مسؤول", "مسوول"), ("صـــاروخ", "صاروخ"), ("١٤ صاروخاً", "14 صاروخا"), ("“العمر”", '"العمر"'), ("CENTCOM", "centcom"),
])
def test_fold_applies_the_house_rules(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@settings(max_examples=400)
@given(st.one_of(st.text(max_size=80), ARABIC_HEAVY))
def test_fast_view_equals_the_character_by_character_view(text: str) -> None:
    fast, slow = normalize(text), _normalize_slow(text)
    assert fast.text == slow.text and tuple(fast.source_index) == tuple(slow.source_index)


@settings(max_examples=400)
@given(ARABIC_HEAVY, st.data())
def test_every_view_range_maps_to_source_characters_that_fold_to_it(text: str, data) -> None:
    view = normalize(text)
    a = data.draw(st.integers(0, len(view.text)))
    b = data.draw(st.integers(a, len(view.text)))
    s, e = view.to_source(a, b)
    assert 0 <= s <= e <= len(text)
    assert fold(text[s:e]) == view.text[a:b]


@settings(max_examples=400)
@given(ARABIC_HEAVY, st.data())
def test_a_slice_of_the_view_is_the_view_of_the_slice(text: str, data) -> None:
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    cut, fresh = normalize(text).slice(a, b), normalize(text[a:b])
    assert cut.text == fresh.text and tuple(cut.source_index) == tuple(fresh.source_index)
