"""Article → Doc: tidy whitespace and drop site debris, nothing else.

``Doc.text`` is the coordinate system of all evidence, so cleaning only
removes lines and invisible characters and never rewrites words: folding
(أ/ا, ى/ي, digits) belongs to the matching view in ``marsad.clean.normalize``.
The debris rules are data (``data/lexicons/boilerplate.yaml``) and work on
whole lines, because scrapers leave widgets as lines of their own
("fbpx", a view counter "39", "زر الذهاب إلى الأعلى").
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from marsad.clean.normalize import fold
from marsad.errors import IngestError
from marsad.ingest.html import extract_html
from marsad.lexicon.load import LexiconError, load_lexicon
from marsad.settings import Settings
from marsad.types import Article, Doc

_NEWLINES = re.compile("\r\n|[\r\v\f\x85\u2028\u2029\x1c\x1d\x1e]")
# Invisible characters with no meaning in a news text: zero-width space, word
# joiner, BOM, soft hyphen, direction marks and embeddings, C0/C1 controls.
# ZWJ/ZWNJ stay: they shape Persian names and emoji.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
                        "\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]+")
_OTHER_LETTER = re.compile(r"[^\W\d_\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+")
LANG_SAMPLE = 1500  # characters: the opening of a report says which language it is in
_BLANK_RUNS = re.compile(r"\n{3,}")
# After a lead form, what turns the line into a teaser: "اقرأ أيضًا: <headline>".
_LEAD_TAIL = re.compile(r"\s*([:|»>\-]|$)")
_LEADING_MARKS = re.compile(r"^[\W_]+")  # bullets and arrows before a label: "» اقرأ أيضا"
_MENU_LINE = 120  # characters: lines after a footer heading at most this long are links
_CUT_ZONE = 2 / 3  # a footer heading this far into the text starts the footer
_MAX_DEBRIS_LINE = 200
_MAX_TITLE = 200


@dataclass(frozen=True)
class _Rules:
    debris: re.Pattern[str]  # any debris form, as a whole word
    lead: re.Pattern[str]  # a lead form at the start of a line
    cut: re.Pattern[str]  # a footer heading, alone or with ":" and a headline
    patterns: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    forms: dict[str, list[str]] = {"debris": [], "lead": [], "cut": []}
    patterns = []
    for entry in load_lexicon("boilerplate").entries:
        kind = entry.attrs.get("kind")
        if kind == "pattern":
            patterns.append(re.compile(entry.attrs["regex"]))
        elif kind in forms:
            forms[kind].extend(fold(f).strip() for f in entry.forms)
        else:
            raise LexiconError(f"lexicon boilerplate: entry {entry.id!r} has unknown kind {kind!r}")

    def alternation(items: list[str]) -> str:
        ordered = sorted(set(items), key=len, reverse=True)  # longest first: "شارك المقال" before "شارك"
        return "|".join(r"\s+".join(map(re.escape, f.split())) for f in ordered)

    return _Rules(
        debris=re.compile(rf"(?<!\w)(?:{alternation(forms['debris'])})(?!\w)"),
        lead=re.compile(rf"(?:{alternation(forms['lead'])})(?!\w)"),
        cut=re.compile(rf"(?:{alternation(forms['cut'])})(?:[\W_]*|\s*:.*)"),
        patterns=tuple(patterns),
    )


def clean_text(text: str) -> str:
    """Cleaned text; cleaning it again changes nothing.

    One round can expose more debris (a cut moves the text's last third up, a
    dropped line leaves a lone number last), so rounds repeat until nothing
    changes; after the first, a round only removes characters, so this ends.
    """
    while True:
        cleaned, structural = _clean_round(text)
        if cleaned == text or not structural:
            # A round that dropped no line and met no footer heading only tidied white space:
            # another round would find exactly the same lines.
            return cleaned
        text = cleaned


def _clean_once(text: str) -> str:
    return _clean_round(text)[0]


def _clean_round(text: str) -> tuple[str, bool]:
    """One round of cleaning, and whether it removed lines or met a footer heading."""
    text = _INVISIBLE.sub("", _NEWLINES.sub("\n", text))
    # NFC only composes what is canonically the same letter: some CMSs store
    # أ as ا + U+0654 (hamza above); that is not folding.
    text = unicodedata.normalize("NFC", text)
    lines = [line.strip() for line in text.split("\n")]
    kept = [line for line in lines if not _is_debris(line)]
    cut = _cut_footer(kept)
    headed = any(line and len(line) <= _MAX_DEBRIS_LINE and _rules().cut.fullmatch(_label(line)) for line in cut)
    structural = len(kept) < len(lines) or len(cut) < len(kept) or headed
    return _BLANK_RUNS.sub("\n\n", "\n".join(cut)).strip(), structural


def _is_debris(line: str) -> bool:
    if not line or len(line) > _MAX_DEBRIS_LINE:
        return False
    rules = _rules()
    key = _folded_line(line)
    if any(p.fullmatch(key) for p in rules.patterns):
        return True
    label = _LEADING_MARKS.sub("", key)
    lead = rules.lead.match(label)
    if lead and _LEAD_TAIL.match(label, lead.end()):
        return True
    return not re.sub(r"[\W_]", "", rules.debris.sub("", key))


def _cut_footer(lines: list[str]) -> list[str]:
    """Drop a footer block: "مقالات ذات صلة" followed by links, or near the end.

    The heading must be a line of its own, and either sit in the last third of
    the text or be followed only by menu-like lines (short, no full stop), so an
    article that discusses related reports in its body keeps its paragraphs.
    """
    total = sum(len(line) + 1 for line in lines)
    offset = 0
    for i, line in enumerate(lines):
        if line and len(line) <= _MAX_DEBRIS_LINE and _rules().cut.fullmatch(_label(line)):
            menu_after = all(_menu_like(rest) for rest in lines[i + 1:])
            if menu_after or offset >= total * _CUT_ZONE:
                return lines[:i]
        offset += len(line) + 1
    return lines


def _menu_like(line: str) -> bool:
    """A link title, not a body sentence: short, and not closed by a full stop."""
    return len(line) <= _MENU_LINE and not line.endswith((".", "…", "۔"))


def _label(line: str) -> str:
    return _LEADING_MARKS.sub("", _folded_line(line))


@lru_cache(maxsize=8192)
def _folded_line(line: str) -> str:
    """A line's folded form; cleaning runs at least twice over the same lines."""
    return fold(line).strip()


def guess_lang(text: str) -> str:
    """"ar" when Arabic letters are at least half of the letters, else "en"."""
    sample = text[:LANG_SAMPLE]
    arabic = sum(map(len, _ARABIC_LETTER.findall(sample)))  # runs, not single letters: fewer matches
    letters = arabic + sum(map(len, _OTHER_LETTER.findall(sample)))
    return "ar" if letters and arabic * 2 >= letters else "en"


def make_doc(article: Article, settings: Settings) -> Doc:
    """Clean an article into the Doc all later stages cite offsets into."""
    title, published, url, outlet = article.title, article.published, article.url, article.outlet
    if article.text is not None:
        body = article.text
    elif article.html is not None:
        page = extract_html(article.html, article.doc_id)
        body = page.text
        title, published = title or page.title, published or page.published
        url, outlet = url or page.url, outlet or page.sitename
    else:
        raise IngestError(article.doc_id, "article has neither text nor html")
    text = clean_text(body)
    if len(text) < settings.min_text_chars:
        raise IngestError(article.doc_id, f"no text after cleaning ({len(text)} chars < "
                                          f"{settings.min_text_chars})")
    first_line = text.split("\n", 1)[0]
    return Doc(
        doc_id=article.doc_id,
        text=text,
        raw=article.html if article.html is not None else body,
        sha=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        url=url,
        outlet=outlet,
        published=published,
        lang=article.lang or guess_lang(text),
        title=title or (first_line if len(first_line) <= _MAX_TITLE else None),
        source=article.source,
    )
