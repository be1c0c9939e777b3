"""What a resident means, from a message written in their own words (pure, no I/O).

"có tin gì mới không", "tin xã Mường Phăng", "tôi muốn nhận tin xã Thanh Yên", "dnag ky pom lot",
"gửi bản tin lúc 6 giờ chiều", "từ 10 giờ tối đến 6 giờ sáng đừng gửi", "tìm tin về cà phê",
"cảm ơn", "👍", "Thanh Nưa": each becomes an ``Intent`` — the command it means and its argument.

Words are compared folded (no diacritics, lower case), with the chat shorthand of the region
expanded ("ko", "k", "j", "dc", "tn", "dk") and telex leftovers repaired ("dangw kys"). Command
words a letter or two off ("dnag ky", "huong dna") are read with RapidFuzz's edit distance:
close enough is taken, a little further is asked back ("Có phải … không?", ``Intent.guess``).
Names of communes and topics are found with ``news.resolve.Resolver`` (exact names only: a
guessed name is the subscribe flow's business, where the resident sees the suggestions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from news.resolve import Choice, Resolver
from news.spoken_time import times_in, window_in
from news.text import fold, nfc

# Intent names (the handlers of ``bot.commands`` have the same names).
LATEST, ABOUT, SUBSCRIBE, UNSUBSCRIBE = "latest", "about", "subscribe", "unsubscribe"
BULLETIN, QUIET, SEARCH, HELP = "bulletin", "quiet", "search", "help"
THANKS, GREET, MINE, COMMUNES, TOPICS = "thanks", "greet", "subscriptions", "communes", "topics"
START, STOP, UNKNOWN = "start", "stop", "unknown"
OFF, ALL = "off", "tatca"  # arguments: a setting switched off; every article / every choice


@dataclass(frozen=True, slots=True)
class Intent:
    """What a message asks for.

    ``args`` is what the command receives: the words as typed for names and searches
    ("xã Thanh Yên", "cà phê"), "HH:MM" or "HH:MM-HH:MM" for times, ``OFF``, ``ALL`` or "".
    ``choice`` is the commune or topic named, when the words name exactly one. ``guess`` is
    set on an ``UNKNOWN`` intent whose first words are close to a command ("dnag kyy"): what
    to ask "Có phải …?" about.
    """

    name: str
    args: str = ""
    choice: Choice | None = None
    guess: Intent | None = None


# Chat shorthand and joined command words -> folded words.
SHORTHAND: dict[str, str] = {
    "ko": "khong", "k": "khong", "kg": "khong", "kh": "khong", "hok": "khong", "hem": "khong",
    "khum": "khong", "kp": "khong phai", "j": "gi", "ji": "gi", "dc": "duoc", "dk": "dang ky",
    "dky": "dang ky", "dki": "dang ky", "tn": "tin", "ms": "moi", "mk": "minh", "mik": "minh",
    "mh": "minh", "t": "toi", "vs": "voi", "ntn": "nhu the nao", "lm": "lam", "r": "roi",
    "cx": "cung", "nx": "nua", "trc": "truoc", "bh": "bao gio", "hnay": "hom nay",
    "hn": "hom nay", "tks": "cam on", "thanks": "cam on", "thank": "cam on", "thx": "cam on",
    "camon": "cam on", "cmon": "cam on", "cám": "cam", "oke": "ok", "okie": "ok", "oki": "ok",
    "okay": "ok", "okela": "ok", "uk": "ok", "uh": "ok", "uhm": "ok", "um": "ok",
    "vg": "vang", "ah": "a", "nhe": "nhe", "nhá": "nha", "ak": "a", "x": "xa", "ttin": "thong tin",
    "dangky": "dang ky", "dangki": "dang ky", "huydangky": "huy dang ky", "timkiem": "tim kiem",
    "huongdan": "huong dan", "trogiup": "tro giup", "tinmoi": "tin moi", "bantin": "ban tin",
    "yentinh": "yen tinh", "cuatoi": "cua toi", "dsxa": "danh sach xa", "chude": "chu de",
    "batdau": "bat dau", "tintuc": "tin tuc", "thongtin": "thong tin", "xinchao": "xin chao",
    "tatca": "tat ca", "help": "huong dan", "hdsd": "huong dan su dung", "ki": "ky", "kis": "ky",
}  # fmt: skip
# Command phrases that a typo may hide ("dnag ky", "tim kiem", "huong dna"): joined -> words.
COMMAND_WORDS: dict[str, str] = {
    "dangky": "dang ky", "huydangky": "huy dang ky", "timkiem": "tim kiem",
    "huongdan": "huong dan", "trogiup": "tro giup", "tinmoi": "tin moi", "bantin": "ban tin",
    "yentinh": "yen tinh", "danhsachxa": "danh sach xa", "chude": "chu de", "tintuc": "tin tuc",
    "theodoi": "theo doi", "camon": "cam on",
}  # fmt: skip
# Folded words residents use that are not names (telex repairs aim at them).
VOCABULARY = frozenset(
    " ".join([*SHORTHAND.values(), *COMMAND_WORDS.values()]).split()
    + """tin tuc moi nhat gi nao co khong xem doc cho toi minh em chau con anh chi bac ban loa
    hom nay o cua ve tai voi a nhe nha di nhung cac oi gui nhan muon duoc the sao lam giup bo
    huy tat het ca nua thoi ngung dung yen tinh dem ngu luc vao sang trua chieu khuya gio phut
    ruoi moi ngay hang xa phuong tim kiem lien quan den tu cam on vang da ok chao xin biet
    hoi cach su dung thong bao can biet hieu nguoi dan ngay mai nam thang""".split()
)
POLITE = frozenset(
    "cam on ok vang da duoc roi tot hay qua oi bye biet rat nhieu tam la nho lam you thoi".split()
)
POLITE_CORE = frozenset("cam ok vang da duoc bye biet tot hay nho thoi".split())
FILLER = frozenset(
    "loa a nhe nha nha em chau con anh chi bac co ban minh toi oi ha nhe ah nhieu rat lam qua "
    "roi ne nhi vay day thi".split()
)
GREETINGS = frozenset({"chao", "hi", "hello", "alo", "helo", "xin"})
_NEWS_WORDS = frozenset(
    "tin tuc thong moi nhat gi nao co khong xem doc cho toi minh em chau con anh chi bac ban "
    "loa hom nay o cua ve tai voi a nhe nha di nhung cac oi gui duoc the sao hay muon biet "
    "hoi ne nhi vay day thi ca lam chut voi xin duoc va phuong xa".split()
)
PARTIAL_WORDS_MAX = 3  # "mường", "muong th": a part of names; longer is a sentence
NAME_WORDS_MAX = 40  # names are looked for among this many words (a long text is no name)
_TOKEN = re.compile(r"[^\W_]+(?:[:.][0-9]{1,2})?|[-–~]", re.UNICODE)  # dashes: "22h-6h"

# Patterns on the normalised text; ``arg`` is the argument's span.
_TAIL = r"(?:\s+(?:nua|nhe|nha|a|voi|di|nhe|cho toi|giup toi|duoc khong|khong|duoc|ne|nhi))*$"
_SUBSCRIBE = re.compile(
    r"^(?:.*?\b)?(?:dang ky(?: nhan tin| theo doi| nhan)?|theo doi|nhan tin(?: tuc)?|"
    r"muon nhan|lay tin|gui tin)(?:\s+(?:ve|cua|o|tai|tu|xa nha))?\s+(?P<arg>.+?)" + _TAIL
)
_UNSUBSCRIBE = re.compile(
    r"^(?:.*?\b)?(?:huy dang ky|bo dang ky|huy theo doi|bo theo doi|thoi nhan tin|"
    r"khong (?:muon |can )?nhan tin(?: tuc)?|ngung nhan tin|dung nhan tin|thoi theo doi|"
    r"khong (?:can|muon) tin(?: tuc)?|khong theo doi|khong (?:muon |can )?nhan|"
    r"bo nhan tin|huy nhan tin|huy|bo)(?:\s+(?:ve|cua|o|tai|tu))?\s+(?P<arg>.+?)" + _TAIL
)
_UNSUBSCRIBE_BARE = re.compile(r"(?:.*?\b)?(?:huy dang ky|bo dang ky|huy theo doi)" + _TAIL)
_STOP = re.compile(
    r"^(?:toi |minh |em )?(?:khong (?:muon |can )?nhan tin(?: nua)?|dung nhan tin|"
    r"ngung nhan tin|thoi khong nhan tin|dung gui tin|huy tat ca|"
    r"khong nhan tin nua|huy het|bo het|xoa du lieu)" + _TAIL
)
_SEARCH = re.compile(
    r"^(?:.*?\b)?(?:tim kiem|tim tin|tim|tra cuu|kiem tin|kiem)(?:\s+(?:tin|bai|thong tin))?"
    r"(?:\s+(?:ve|co|lien quan(?: den| toi)?|noi ve|nao ve|gi ve))?\s+(?P<arg>.+?)" + _TAIL
)
_ASK_ABOUT = re.compile(
    r"^(?:.*?\b)?(?:co )?(?:tin|tin tuc|thong tin|bai)(?: gi| nao| moi)?\s+"
    r"(?:ve|lien quan(?: den| toi)?|noi ve)\s+(?P<arg>.+?)" + _TAIL
)
_HELP = re.compile(
    r"\b(?:huong dan|tro giup|giup (?:toi|minh|em|chau|voi|do)|giup$|lam sao|lam the nao|"
    r"nhu the nao|the nao de|cach (?:dung|su dung|dang ky|xem|nhan)|dung loa|su dung|"
    r"khong biet (?:dung|lam)|chi (?:toi|minh|em|cach)|bay (?:toi|minh|em)|co lenh|lenh gi|"
    r"loa lam duoc gi|^giup|^\?+$)"
)
_MINE = re.compile(
    r"\b(?:cua toi|toi (?:dang|da) (?:nhan|dang ky)|minh (?:dang|da) (?:nhan|dang ky)|"
    r"(?:da|dang) dang ky (?:gi|nhung gi|nhung xa nao|xa nao)|dang nhan (?:tin )?(?:gi|nhung)|"
    r"da chon (?:gi|nhung))"
)
_COMMUNES = re.compile(
    r"\b(?:danh sach (?:cac )?xa|ds xa|nhung xa nao|cac xa|xa nao co|co bao nhieu xa)"
)
_TOPICS = re.compile(r"\b(?:chu de|danh muc|linh vuc)")
_LATEST = re.compile(
    r"\b(?:tin moi|tin tuc|thong tin moi|co gi moi|co tin|tin gi|tin hom nay|xem tin|doc tin|"
    r"tin nong|ban tin moi|tin nao|tin moi nhat|bao moi|thoi su|hom nay co gi|moi nhat|"
    r"tin(?: (?:cua|o|tai|xa))?$|^tin\b)"
)
_BULLETIN_ASK = re.compile(
    r"\b(?:ban tin|moi ngay|hang ngay|gom tin|mot lan|gui tin luc|gui tin vao|nhan tin luc|"
    r"nhan tin vao|gui luc|gui vao)"
)
_QUIET_ASK = re.compile(
    r"\b(?:yen tinh|ban dem|buoi dem|ve dem|dem khuya|luc ngu|di ngu|dung gui|khong gui|"
    r"dung nhan|khong nhan|im lang|tat tieng|giu tin|dung bao|de ngu|dung lam phien|"
    r"khong lam phien|toi dung)"
)
_NIGHT = re.compile(r"\b(?:ban dem|buoi dem|ve dem|dem khuya|luc ngu|di ngu|buoi toi)\b")
_NOT = re.compile(r"\b(?:khong|dung|ngung|thoi|chang|cam|huy|bo)\b")
_OFF = re.compile(r"\b(?:tat|bo|huy|khong can|thoi|ngung|dung|xoa)\b")
_LATEST_ALL = re.compile(r"\b(?:tat ca|moi tin|het|toan bo|ca tinh)\b")


class IntentParser:
    """Reads messages against one province's names (``resolver``); construct once."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        names = {*resolver.gazetteer.names(), *resolver.taxonomy_keys()}
        self._vocabulary = VOCABULARY | {word for name in names for word in name.split()}
        # Names typed as one word ("muongphang", "Si-Pa-Phìn" after its dashes are gone).
        self._joined = {name.replace(" ", ""): name for name in names if " " in name}

    def parse(self, text: str) -> Intent:
        """The intent of one message (never raises; ``UNKNOWN`` when nothing fits)."""
        source = nfc(text).strip()
        places = _words(source)
        if not places:  # an emoji, a sticker, punctuation
            return Intent(HELP) if "?" in text else Intent(THANKS)
        norm = [self._normal(source[start:end]) for start, end in places]
        said = _Said(source, places, norm)
        typo = _command_typo(norm, self._vocabulary)
        if typo is not None and typo[3]:
            return self._read(said.replaced(*typo[:3]))
        found = self._read(said)
        if found.name == UNKNOWN and typo is not None:
            meant = self._read(said.replaced(*typo[:3]))
            return Intent(UNKNOWN, guess=meant) if meant.name != UNKNOWN else found
        return found

    # -- steps ----------------------------------------------------------------------------

    def _normal(self, word: str) -> str:
        folded = fold(word)
        if folded in SHORTHAND:
            return SHORTHAND[folded]
        if folded in self._vocabulary or folded.isdigit() or _has_digit(folded):
            return folded
        if folded in self._joined:
            return self._joined[folded]
        repaired = _telex(folded)
        return SHORTHAND.get(repaired, repaired) if repaired in self._vocabulary else folded

    def _read(self, said: _Said) -> Intent:
        text = said.text
        for step in (
            self._polite,
            self._stop,
            self._rhythm,
            self._unsubscribe,
            self._help,
            self._mine,
            self._subscribe,
            self._search,
            self._lists,
            self._greet,
            self._news,
        ):
            found = step(said, text)
            if found is not None:
                return found
        named = self._named(said, 0, len(text))  # "nhà tôi ở … xã Mường Phăng": offer its news
        return Intent(UNKNOWN, named[0], named[1]) if named and named[1] else Intent(UNKNOWN)

    def _polite(self, said: _Said, text: str) -> Intent | None:
        words = set(text.split())
        if words <= POLITE | FILLER and words & POLITE_CORE:
            return Intent(THANKS)
        return None

    def _stop(self, said: _Said, text: str) -> Intent | None:
        if _STOP.match(text):
            return Intent(STOP)
        # "dừng", "dừng lại"; typed without diacritics too, but "đúng" (right) is no "dừng".
        first = said.words[0].lower()
        if re.fullmatch(r"dung(?: lai)?" + _TAIL, text) and (first == "dừng" or first.isascii()):
            return Intent(STOP)
        return None

    def _rhythm(self, said: _Said, text: str) -> Intent | None:
        window = window_in(text)
        if window is not None and (_QUIET_ASK.search(text) or not _BULLETIN_ASK.search(text)):
            return Intent(QUIET, str(window))
        if "yen tinh" in text:
            return Intent(QUIET, OFF if _OFF.search(text.replace("yen tinh", "")) else "")
        if _NIGHT.search(text) and _NOT.search(text):  # "đừng gửi tin ban đêm": which hours?
            return Intent(QUIET)
        spoken = times_in(text)
        if _BULLETIN_ASK.search(text) or (spoken and re.search(r"\b(?:gui|nhan)\b", text)):
            if spoken:
                return Intent(BULLETIN, f"{spoken[0].at:%H:%M}")
            if "ban tin" in text and not re.search(r"\bban tin (?:moi|hom nay)\b(?! ngay)", text):
                off = _OFF.search(text.replace("ban tin", ""))
                return Intent(BULLETIN, OFF if off else "")
        return None

    def _unsubscribe(self, said: _Said, text: str) -> Intent | None:
        if _UNSUBSCRIBE_BARE.fullmatch(text):
            return Intent(UNSUBSCRIBE)
        found = _UNSUBSCRIBE.match(text)
        if found is None:
            return None
        arg = fold(said.span(found.start("arg"), found.end("arg")))
        if re.match(r"(?:tat ca|het|tatca|toan bo)\b", arg):
            return Intent(UNSUBSCRIBE, ALL)
        named = self._named(said, found.start("arg"), len(text))
        if named is not None:
            return Intent(UNSUBSCRIBE, named[0], named[1])
        if text.startswith(("huy dang ky", "bo dang ky", "huy theo doi", "bo theo doi")):
            return Intent(UNSUBSCRIBE, said.span(found.start("arg"), found.end("arg")))
        return None

    def _help(self, said: _Said, text: str) -> Intent | None:
        if not _HELP.search(text):
            return None
        wanted = self._subscribe(said, text)  # "đăng ký xã X giúp tôi" asks for X, not help
        return wanted if wanted is not None and wanted.args else Intent(HELP)

    def _subscribe(self, said: _Said, text: str) -> Intent | None:
        found = _SUBSCRIBE.match(text)
        if found and _NOT.search(text[: found.start("arg")]):
            return None  # "không muốn nhận …" is no subscription
        if found:
            named = self._named(said, found.start("arg"), len(text))
            if named is not None:
                return Intent(SUBSCRIBE, named[0], named[1])
            arg = said.span(found.start("arg"), found.end("arg"))
            if "dang ky" in text[: found.start("arg")] and not _news_words(arg):
                return Intent(SUBSCRIBE, arg)
            if "dang ky" in text[: found.start("arg")]:  # "đăng ký nhận tin": which, then?
                return Intent(SUBSCRIBE)
        if re.search(r"\b(?:muon nhan tin|muon dang ky|dang ky)" + _TAIL, text):
            named = self._named(said, 0, len(text))  # "tôi ở Thanh Nưa, muốn nhận tin"
            return Intent(SUBSCRIBE, named[0], named[1]) if named else Intent(SUBSCRIBE)
        return None

    def _search(self, said: _Said, text: str) -> Intent | None:
        found = _SEARCH.match(text)
        if found is not None:
            return Intent(SEARCH, said.span(found.start("arg"), found.end("arg")))
        found = _ASK_ABOUT.match(text)  # "có tin gì về X": X's news when X is a name
        if found is None:
            return None
        named = self._named(said, found.start("arg"), found.end("arg"), whole=True)
        if named is not None:
            return Intent(ABOUT, named[0], named[1])
        return Intent(SEARCH, said.span(found.start("arg"), found.end("arg")))

    def _mine(self, said: _Said, text: str) -> Intent | None:
        return Intent(MINE) if _MINE.search(text) else None

    def _lists(self, said: _Said, text: str) -> Intent | None:
        if _COMMUNES.search(text):
            return Intent(COMMUNES)
        if _TOPICS.search(text) and self._named(said, 0, len(text)) is None:
            return Intent(TOPICS)
        if re.fullmatch(r"(?:toi |minh |em )?bat dau(?: nhan tin| nhan| dung)?" + _TAIL, text):
            return Intent(START)
        return None

    def _news(self, said: _Said, text: str) -> Intent | None:
        named = self._named(said, 0, len(text))
        if named is not None and self._only_news_words(said, text, named[2]):
            return Intent(ABOUT, named[0], named[1])
        partial = self._partial(said, text)
        if partial is not None:
            return Intent(ABOUT, partial)
        if _LATEST.search(text):
            return Intent(LATEST, ALL if _LATEST_ALL.search(text) else "")
        return None

    def _greet(self, said: _Said, text: str) -> Intent | None:
        words = set(text.split())
        calling = words == {"loa", "oi"}  # "Loa ơi": a call, answered like a greeting
        if calling or (words & GREETINGS and words <= GREETINGS | FILLER | POLITE):
            return Intent(GREET)
        if re.fullmatch(r"(?:toi |minh |em )?(?:muon )?(?:huy|bo|huy bo)" + _TAIL, text):
            return Intent(UNSUBSCRIBE)  # "hủy", "tôi muốn bỏ": which one, then?
        return None

    def _partial(self, said: _Said, text: str) -> str | None:
        """A short message that is the beginning of names, maybe after "tin" ("mường", "tin
        thanh", "xã muong th"): the words as typed, for a list of the places that hold them."""
        words = text.split()
        start = 1 if words[:1] == ["tin"] and len(said.norm) > 1 else 0
        name = words[start:]
        bare = name[1:] if name[:1] in (["xa"], ["phuong"]) else name
        if not bare or len(bare) > PARTIAL_WORDS_MAX:
            return None
        if not set(bare[:-1]) <= self._vocabulary - VOCABULARY or bare[-1] in VOCABULARY:
            return None
        if not self._resolver.matching(" ".join(name)):
            return None
        return " ".join(said.words[start:])

    # -- names ------------------------------------------------------------------------------

    def _named(
        self, said: _Said, start: int, end: int, *, whole: bool = False
    ) -> tuple[str, Choice | None, tuple[int, int]] | None:
        """The longest run of words in ``text[start:end]`` naming a commune or topic: (the
        words as typed, the choice when only one, the run's word indexes); ``whole``: the run
        must be all the words but news words."""
        first, last = said.words_in(start, end)
        last = min(last, first + NAME_WORDS_MAX)
        best: tuple[str, Choice | None, tuple[int, int]] | None = None
        for size in range(min(6, last - first), 0, -1):
            for at in range(first, last - size + 1):
                found = self._resolver.exact(" ".join(said.norm[at : at + size]))
                if found:
                    typed = " ".join(said.words[at : at + size])
                    best = (typed, found[0] if len(found) == 1 else None, (at, at + size))
                    break
            if best:
                break
        if best and whole and not self._only_news_words(said, said.text, best[2], first, last):
            return None
        return best

    @staticmethod
    def _only_news_words(
        said: _Said, text: str, run: tuple[int, int], first: int = 0, last: int | None = None
    ) -> bool:
        """Whether the words around the name ``run`` are only news words ("tin", "xã", "có",
        "gì", "mới") rather than a question of their own."""
        rest = said.norm[first : run[0]] + said.norm[run[1] : last]
        return all(set(word.split()) <= _NEWS_WORDS | POLITE for word in rest)


@dataclass(frozen=True, slots=True)
class _Said:
    """A message as words: ``words`` as typed (at ``places`` in ``source``), ``norm``
    normalised (a word may become two: "dk" -> "dang ky"), ``text`` the normalised words
    joined."""

    source: str
    places: list[tuple[int, int]]
    norm: list[str]

    @property
    def words(self) -> list[str]:
        return [self.source[start:end] for start, end in self.places]

    @property
    def text(self) -> str:
        return " ".join(self.norm)

    def replaced(self, at: int, size: int, phrase: str) -> _Said:
        """The words ``at`` to ``at + size`` read as ``phrase`` (a command word's typo)."""
        merged = (self.places[at][0], self.places[at + size - 1][1])
        places = [*self.places[:at], merged, *self.places[at + size :]]
        return _Said(self.source, places, [*self.norm[:at], phrase, *self.norm[at + size :]])

    def words_in(self, start: int, end: int) -> tuple[int, int]:
        """Indexes (first, past last) of the words within characters ``start:end`` of ``text``."""
        inside, at = [], 0
        for index, word in enumerate(self.norm):
            if start <= at < end:
                inside.append(index)
            at += len(word) + 1
        return (inside[0], inside[-1] + 1) if inside else (0, 0)

    def span(self, start: int, end: int) -> str:
        """What was typed behind characters ``start:end`` of ``text``: from the first word's
        beginning to the last one's end, with the punctuation touching them (quotes, "*"), or
        to the message's end when the span ends it."""
        first, last = self.words_in(start, end)
        if first == last:
            return ""
        begin = self.source.rfind(" ", 0, self.places[first][0]) + 1
        if last == len(self.places):
            return self.source[begin:].strip()
        space = self.source.find(" ", self.places[last - 1][1])
        return self.source[begin : space if space >= 0 else None].strip()


def _words(text: str) -> list[tuple[int, int]]:
    """Where the words and numbers of a message are ("7h30", "22:00" kept whole); emoji and
    punctuation are not words."""
    places = []
    for found in _TOKEN.finditer(text):
        start, end = found.span()
        while end > start and text[end - 1] in ".:":
            end -= 1
        if end > start:
            places.append((start, end))
    return places


def _news_words(typed: str) -> bool:
    """Whether ``typed`` says nothing but "tin", "tức", "xã", "cho tôi"…"""
    return set(fold(typed).split()) <= _NEWS_WORDS | POLITE


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def _telex(word: str) -> str:
    """A word typed with telex and no input method, repaired: "dangw" -> "dang", "kys" -> "ky",
    "ddaawng" -> "dang"."""
    for double, single in (("dd", "d"), ("aa", "a"), ("ee", "e"), ("oo", "o")):
        word = word.replace(double, single)
    word = re.sub(r"(?<=[aeiouy])w|w(?=[aeiou])", "", word)
    if len(word) > 2 and word[-1] in "sfrxj":
        word = word[:-1]
    return word.replace("uow", "uo")


def _command_typo(norm: list[str], known: frozenset[str]) -> tuple[int, int, str, bool] | None:
    """A misspelt command phrase among the first words of ``norm``: (first word, number of
    words, the phrase meant, whether the typo is small enough to take without asking). Words
    that are all ``known`` (or hold digits) are never a typo: "tin moi" is no "tin tuc"."""
    commands = {key.replace("y", "i"): phrase for key, phrase in COMMAND_WORDS.items()}
    guess: tuple[int, int, str, bool] | None = None
    for size in (3, 2, 1):
        for at in range(min(2, max(len(norm) - size + 1, 0))):
            run = norm[at : at + size]
            joined = "".join(run).replace(" ", "").replace("y", "i")
            if joined in commands:
                return None
            words = set(" ".join(run).split())
            if len(joined) < 5 or words <= known or any(map(_has_digit, run)):
                continue
            for key, phrase in commands.items():
                if key[0] != joined[0]:  # typos keep the first letter ("can tin" is no "ban tin")
                    continue
                distance = OSA.distance(joined, key)
                if distance <= 1 or (distance == 2 and len(key) >= 8):
                    return at, size, phrase, True
                if distance == 2 and guess is None:
                    guess = (at, size, phrase, False)
    return guess
