"""Tag an article with the communes it concerns (today's units) and its topics.

Communes: one precompiled regex (a trie of every known name) scans a folded copy of title, summary
and body that keeps length and case, so the original spelling and capitals stay at hand. A name
counts when written as a place ("xã Pom Lót", "P. Him Lam", "các xã Thanh An, Noong Hẹt") or when
it stands alone, capitalised, is not a district's name and is not part of a longer proper name
(people: "chị Lò Thị Thanh Yên", "anh Lường Thanh An"). "thành phố/TP/huyện/thị xã/tỉnh/bản X" are
never communes. Old names are resolved by date, see ``CommuneFinder._resolve``. The portal glues
words together ("xã Pom Lótcho biết", "xãPom Lót"): after "xã"/"phường" a name may run into an
everyday word (``_GLUED_WORDS``) or start right after the marker; a bare name never may.

Topics: the portal's category, and the topics' keywords (with diacritics) in title and body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from news.gazetteer_data import load_gazetteer
from news.items import ArticleData
from news.places import REFORM_DATE, Gazetteer, LegacyUnit, fold_table
from news.text import fold, nfc
from news.topics import Taxonomy, build_taxonomy, category_key

_VIETNAM = timezone(timedelta(hours=7))
# Matched against the folded, lower-cased text just before a name.
_NOT_COMMUNE = re.compile(
    r"(?<!\w)(?:tp\.?|thanh pho|huyen|thi xa|tx\.?|tinh|quan|ban|thon|to dan pho|khu pho"
    r"|duong|pho|song|suoi|nui|deo|canh dong|ho)\s*$"
)
_COMMUNE = re.compile(r"(?<!\w)(?P<kind>xa|phuong|thi tran|p\.|x\.)\s*$")
_KINDS = {"xa": "xã", "x.": "xã", "phuong": "phường", "p.": "phường", "thi tran": "thị trấn"}
_PERSON = re.compile(
    r"(?<!\w)(?:ong|ba|anh|chi|em|chau|co|chu|bac|cu|thay|dong chi|d/c|dc|nguoi ten)\s*$"
)
_LIST_GAP = re.compile(r"\s*(?:,|;|/|,?\s*va|,?\s*hoac)\s*")
_OLD_MARK = re.compile(r"\s*(?:\(\s*cu\s*\)|cu\b)", re.IGNORECASE)
_PREV_WORD = re.compile(r"(\S+)[^\S\n]+$")  # on the same line
# Portals glue a name to the word after it ("xã Pom Lótcho biết", "Pom Lótđã"): after a place
# marker, a name may run into one of these everyday words (folded), never into any word.
_GLUED_WORDS = (
    "cho|da|dang|se|va|la|co|duoc|voi|vua|tai|trong|tren|nay|cu|nam|luon|ra|dat|thuoc|den|ve"
    "|noi|phoi|tich|tiep|trien|thuc|to|huyen|tinh|dong|chu|tham|xay|hien"
)
# Or glue the marker to the name ("xãPom Lót"): the name then starts with a capital.
_GLUED_MARKER = re.compile(r"(?<!\w)(?:xa|phuong)$")
_NEXT_WORD = re.compile(r"\s+(\S+)")
_WINDOW = 40
_DISTRICT = "district"  # the kind of a name written as a district/city/province


@dataclass(frozen=True, slots=True)
class Tags:
    communes: list[str] = field(default_factory=list)  # current unit names, no prefix
    topics: list[str] = field(default_factory=list)  # topic slugs


@dataclass(frozen=True, slots=True)
class _Mention:
    name: str  # folded, lower-case, single spaces
    spelled: str  # as written (NFC), for telling "Na Tông" from "Nà Tòng"
    kind: str | None  # "xã", "phường", "thị trấn", None (bare name) or _DISTRICT
    marked_old: bool  # "(cũ)" / "cũ" follows


def trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation for many words, factored as a trie (fast on Python's engine).

    A space in a word matches any run of whitespace.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _node_pattern(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
    return body


class CommuneFinder:
    """Finds the current communes an article's text concerns."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._districts = gazetteer.districts() | {fold(gazetteer.province)}
        names = sorted(gazetteer.names() | self._districts, key=len, reverse=True)
        # Lower-case text, no leading \b: Python's engine then skips ahead by first letter, 5x
        # faster; the left word boundary is checked by hand (``_word_start``).
        self._scan = re.compile(rf"(?:{trie_pattern(names)})(?:\b|(?=(?:{_GLUED_WORDS})\b))")
        self._folds = fold_table()

    def find(self, text: str, published_at: datetime | None, hint: str | None = None) -> list[str]:
        """Current unit names, in order of first mention; ``hint`` is the source's commune."""
        mentions = list(self._mentions(nfc(text)))
        districts = {m.name for m in mentions if m.kind == _DISTRICT}
        after = _after_reform(published_at)
        found: dict[str, None] = {}
        for mention in mentions:
            if mention.kind != _DISTRICT:
                for name in self._resolve(mention, after, districts, hint):
                    found.setdefault(name, None)
        return list(found)

    def _mentions(self, text: str) -> Iterable[_Mention]:
        scan = text.translate(self._folds)  # same length as ``text``: offsets are shared
        lower = scan.lower()
        chain: str | None = None  # the kind of the previous place, while a list goes on
        chain_end = -1
        for match in self._scan.finditer(lower):
            start, end = match.span()
            glued_start = not _word_start(lower, start)
            if glued_start and not (
                text[start].isupper() and _GLUED_MARKER.search(lower, 0, start)
            ):
                continue
            name = " ".join(match.group().lower().split())
            old = _OLD_MARK.match(scan, end)
            kind = self._kind(scan, start, name)
            if kind is None and chain and _LIST_GAP.fullmatch(scan, chain_end, start):
                kind = chain
            if kind is None and _glued_end(lower, end):
                chain = None
                continue  # a glued name counts only after "xã"/"phường"
            if kind is None and not self._stands_alone(text, scan, start, end, name):
                chain = None
                continue
            chain, chain_end = (kind, old.end() if old else end) if kind else (None, -1)
            yield _Mention(name, text[start:end].lower(), kind, old is not None)

    def _kind(self, scan: str, start: int, name: str) -> str | None:
        before = scan[max(0, start - _WINDOW) : start].lower()
        if _NOT_COMMUNE.search(before):
            return _DISTRICT if name in self._districts else "not a commune"
        prefix = _COMMUNE.search(before)
        return _KINDS[prefix.group("kind")] if prefix else None

    def _stands_alone(self, text: str, scan: str, start: int, end: int, name: str) -> bool:
        """A bare name counts if capitalised, not a district's, and not inside a longer name."""
        if name in self._districts or not all(w[0].isupper() for w in text[start:end].split()):
            return False
        window = scan[max(0, start - _WINDOW) : start]
        previous = _PREV_WORD.search(window)
        if previous and (previous.group(1)[0].isupper() and previous.group(1).isalpha()):
            return False
        if _PERSON.search(window.lower()):
            return False
        following = _NEXT_WORD.match(scan, end)
        return not (following and following.group(1)[0].isupper())

    def _resolve(
        self, mention: _Mention, after: bool, districts: set[str], hint: str | None
    ) -> list[str]:
        """Current units meant by one mention.

        Before 1 July 2025 an old name means the old unit (-> its successor); from then on it
        means the current unit of that name, unless marked "(cũ)" or no current unit has it.
        """
        if mention.kind == "not a commune":
            return []
        current = _of_kind(self.gazetteer.current(mention.name), mention.kind)
        old = _of_kind(self.gazetteer.old(mention.name), mention.kind)
        if old and (mention.marked_old or not after or not current):
            return self._successors(old, mention, districts, hint)
        return [current[0].name] if len(current) == 1 else []

    def _successors(
        self, old: list[LegacyUnit], mention: _Mention, districts: set[str], hint: str | None
    ) -> list[str]:
        """The successors of the old unit meant; when a folded name is shared, narrow it down by
        exact spelling, then by the districts the article names, then by the source's commune;
        if still ambiguous, tag nothing rather than guess."""
        narrowing = (
            lambda u: u.name.lower() == mention.spelled,
            lambda u: fold(u.district) in districts,
            lambda u: hint in u.successors,
        )
        for keep in narrowing:
            if len({u.successors for u in old}) == 1:
                break
            old = [u for u in old if keep(u)] or old
        return list(old[0].successors) if len({u.successors for u in old}) == 1 else []


def _word_start(text: str, start: int) -> bool:
    return start == 0 or not text[start - 1].isalnum()


def _glued_end(text: str, end: int) -> bool:
    return end < len(text) and text[end].isalnum()


def _of_kind(units: list[Any], kind: str | None) -> list[Any]:
    """Units of the written kind; a wrong prefix ("xã" for a ward) falls back to any kind."""
    if kind is None:
        return units
    return [u for u in units if u.kind == kind] or units


def _after_reform(published_at: datetime | None) -> bool:
    if published_at is None:
        return True  # undated: read it as today's news
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=_VIETNAM)
    return published_at.astimezone(UTC) >= REFORM_DATE


class TopicClassifier:
    """Assigns topic slugs from the category and keywords (a title hit weighs three body hits)."""

    _THRESHOLD = 3

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._by_keyword: dict[str, list[str]] = {}
        self._by_category: dict[str, list[str]] = {}
        for topic in taxonomy.topics:
            for keyword in topic.keywords:
                self._by_keyword.setdefault(" ".join(keyword.split()), []).append(topic.slug)
            for category in topic.categories:
                self._by_category.setdefault(category_key(category), []).append(topic.slug)
        keywords = sorted(self._by_keyword, key=len, reverse=True)
        self._scan = re.compile(rf"(?:{trie_pattern(keywords)})\b")

    def classify(self, title: str, body: str, category: str | None) -> list[str]:
        scores = dict.fromkeys(self.taxonomy.slugs(), 0)
        for slug in self._by_category.get(category_key(category or ""), []):
            scores[slug] += self._THRESHOLD
        for text, weight in ((title, self._THRESHOLD), (body, 1)):
            lower = nfc(text).lower()
            for match in self._scan.finditer(lower):
                if not _word_start(lower, match.start()):
                    continue
                for slug in self._by_keyword[" ".join(match.group().split())]:
                    scores[slug] += weight
        return [slug for slug, score in scores.items() if score >= self._THRESHOLD]


class ArticleTagger:
    """Pure: reads title, body, category and date; no I/O after construction."""

    def __init__(self, gazetteer: Gazetteer, taxonomy: Taxonomy) -> None:
        self.gazetteer = gazetteer
        self.taxonomy = taxonomy
        self._communes = CommuneFinder(gazetteer)
        self._topics = TopicClassifier(taxonomy)

    def tag(self, data: ArticleData, source_commune: str | None = None) -> Tags:
        """Communes (the source's first, then by first mention) and topics of one article."""
        hint = self._canonical(source_commune)
        text = "\n\n".join((data.title, data.summary, data.body))
        found = self._communes.find(text, data.published_at, hint)
        communes = list(dict.fromkeys([hint, *found])) if hint else found
        body = f"{data.summary}\n\n{data.body}"
        return Tags(communes, self._topics.classify(data.title, body, data.category))

    def _canonical(self, commune: str | None) -> str | None:
        if not commune:
            return None
        unit = self.gazetteer.unit(commune)
        return unit.name if unit else nfc(commune).strip()


def build_tagger(province: str, topics: Mapping[str, Any] | None = None) -> ArticleTagger:
    """A tagger for ``province`` with the default topics plus ``[topics]`` of the config."""
    return ArticleTagger(load_gazetteer(province), build_taxonomy(topics))
