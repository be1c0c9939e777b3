"""What a resident means, from a message written in their own words (pure, no I/O).

"có tin gì mới không", "tin xã Mường Phăng", "tôi muốn nhận tin xã Thanh Yên", "dnag ky pom lot",
"gửi bản tin lúc 6 giờ chiều", "từ 10 giờ tối đến 6 giờ sáng đừng gửi", "tìm tin về cà phê",
"cảm ơn", "👍", "Thanh Nưa": each becomes an ``Intent`` — the command it means and its argument.

Words are compared folded (no diacritics, lower case), with the chat shorthand of the region
expanded ("ko", "k", "j", "dc", "tn", "dk") and telex leftovers repaired ("dangw kys"). Command
words a letter or two off ("dnag ky", "huong dna") are read with RapidFuzz's edit distance:
close enough is taken, a little further is asked back ("Có phải … không?", ``Intent.guess``).
Names of communes and topics are found with ``news.resolve.Resolver``: exact names first, then
names a sound or a letter off ("Sa Dung", "Tủa Trùa", "Mường Phăn"; ``Resolver.near``), taken
when only one is that near and otherwise kept as typed with no choice, so the command asks
"Có phải …?" with the near names; a name the resident wrote is never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from news.intent_words import (
    ADD_RE,
    ALL_NEWS_ASKED_RE,
    ANY_NOTICE_RE,
    ARRIVED_WORDS,
    ASK_ABOUT_RE,
    ASKING_RE,
    ASKS_NEWS_RE,
    ASKS_OTHER_WORDS_MAX,
    ASKS_RE,
    BESIDES_RE,
    BOT_WORDS_RE,
    BULLETIN_ASK_RE,
    BULLETIN_NAMED_RE,
    BULLETIN_NEWS_RE,
    BULLETIN_OFF_RE,
    CALL_RE,
    CALLED_RE,
    CHOICE_FEWER_RE,
    CHOICE_MORE_RE,
    CHOSEN_RE,
    COMMAND_SPELLINGS,
    COMMAND_WORDS,
    COMMUNES_ALL_RE,
    COMMUNES_ASK_RE,
    COMMUNES_RE,
    COMMUNES_WHERE_RE,
    COMPLAINT_RE,
    DIRECTORY_RE,
    DOING_HOW_RE,
    DROP_AFTER_RE,
    ENGLISH_PHRASES,
    EVERY_COMMUNE_NEWS_RE,
    FEATURES_RE,
    FILLER,
    FOR_PEOPLE_RE,
    FORMAL_REQUEST_RE,
    FUNCTION_WORDS,
    GATHERED_RE,
    GENERIC_NOTICE_RE,
    GREETING_ADDS_RE,
    GREETING_SPELLINGS,
    GREETING_WORDS,
    GREETINGS,
    HAS_NEWS_THEN_RE,
    HELP_RE,
    HOLD_RE,
    HOW_ASKED_RE,
    HOW_OTHER_WORDS_MIN,
    HOW_RE,
    HOW_TO_RE,
    HOW_TO_SET_RE,
    INCIDENT_NOT_RE,
    INCIDENT_RE,
    INFO_NOT_RE,
    INFO_RE,
    INTRODUCTION_RE,
    KIND_WORDS_RE,
    LATEST_ALL_RE,
    LATEST_RE,
    LETTER_CLOSING_RE,
    LETTER_OPENING_RE,
    LIVES_RE,
    MINE_RE,
    MISTAKEN_RE,
    NAME_WORDS_MAX,
    NEGATED_RE,
    NEWCOMER_RE,
    NEWS_COMPLAINT_RE,
    NEWS_HOW_RE,
    NEWS_OPENS_RE,
    NEWS_WORDS,
    NEXT_RE,
    NIGHT_RE,
    NO_MORE_RE,
    NOT_RE,
    NOT_SUBJECT_FIRST,
    NOT_SUBJECT_LAST,
    NOTHING_NAMED_RE,
    NOTICE_NAMES,
    OFF_RE,
    ONCE_RE,
    OWN_UNIT_RE,
    PAPERWORK_RE,
    PARTIAL_WORDS_MAX,
    PLACE_WORDS,
    POLITE,
    POLITE_CORE,
    PRAISE_RE,
    PRAISED_WORDS,
    QUIET_ASK_RE,
    QUIET_NAME_RE,
    QUIET_OVER_RE,
    QUIET_REST_RE,
    READ_SUBJECT_RE,
    READS_NEWS_RE,
    REASON_RE,
    RECEIVED_WORDS,
    RECEIVING_RE,
    REFUSAL_RE,
    REFUSE_MORE_RE,
    RELAYED_RE,
    RHYTHM_NAMED_RE,
    SEARCH_RE,
    SELF_NAMED_RE,
    SET_ASKED_RE,
    SHORTHAND,
    SITUATION_RE,
    SPELT_AS,
    SPOKEN_GREETINGS,
    START_RE,
    STOP_RE,
    STOP_WORD_RE,
    SUBSCRIBE_RE,
    SYLLABLE_RE,
    TAIL,
    TAIL_SPELLINGS,
    TELEX_TYPED_RE,
    THANKS_SAID_RE,
    THERE,
    THERE_NEWS_RE,
    TO_OTHERS_RE,
    TOKEN_RE,
    TOPICS_ASK_RE,
    TOPICS_RE,
    TRUST_AFTER,
    TRUST_BEFORE,
    UNCHOSEN_START_RE,
    UNDECIDED_RE,
    UNNAMED_CHOICE_WORDS,
    UNSUBSCRIBE_BARE_RE,
    UNSUBSCRIBE_EVERY_RE,
    UNSUBSCRIBE_RE,
    UNSUBSCRIBE_SOME_RE,
    UNSUBSCRIBE_VERB_RE,
    USE_BOT_RE,
    VOCABULARY,
    WANT_TO_USE_RE,
    WAVES,
    WHEN_SAID_RE,
    WHEN_TOLD_RE,
    WHEN_WORDS,
    WHENEVER_RE,
    WHO_WORDS,
    WISH_RE,
    YES_NO_RE,
)
from news.resolve import Choice, ChoiceKind, Resolver
from news.spoken_time import bare_window_in, overnight_in, times_in, until_in, window_in
from news.text import fold, nfc

# Intent names (the handlers of ``bot.commands`` have the same names).
LATEST, ABOUT, SUBSCRIBE, UNSUBSCRIBE = "latest", "about", "subscribe", "unsubscribe"
BULLETIN, QUIET, SEARCH, HELP = "bulletin", "quiet", "search", "help"
THANKS, GREET, MINE, COMMUNES, TOPICS = "thanks", "greet", "subscriptions", "communes", "topics"
START, STOP, UNKNOWN, INFO = "start", "stop", "unknown", "info"  # info: what Loa is
SYLLABLE_MAX = 7  # letters of the longest Vietnamese syllable, folded ("nghieng")
SAID_CACHED = 16  # messages whose words are kept for a second reading
STRETCHED_RE = re.compile(r"(\w)\1{2,}")  # a letter held: "loaaa"
DOUBLED_LAST_RE = re.compile(r"(\w)\1$")  # a last letter doubled: "tìmm"
OFF, ALL = "off", "tatca"  # arguments: a setting switched off; every article / every choice


@dataclass(frozen=True, slots=True)
class Intent:
    """What a message asks for.

    ``args`` is what the command receives: the words as typed for names and searches
    ("xã Thanh Yên", "cà phê"), "HH:MM" or "HH:MM-HH:MM" for times, ``OFF``, ``ALL`` or "".
    ``choice`` is the commune or topic named, when the words name exactly one. ``guess`` is
    set on an ``UNKNOWN`` intent whose first words are close to a command ("dnag kyy"): what
    to ask "Có phải …?" about. ``more`` holds the same intent for further names listed.
    """

    name: str
    args: str = ""
    choice: Choice | None = None
    guess: Intent | None = None
    more: tuple[Intent, ...] = ()  # further names: "đăng ký Mường Phăng và Thanh Nưa"
    learned: bool = False  # proposed by the learned fallback (``news.intent_model``), not rules


SEARCH_VERBS = frozenset({"tim", "tra", "kiem"})  # what follows them is searched, no command
ASIDE_MAX = 2  # words Loa does not know beside a final "giúp" that still ask Loa for help
NAME_PARTICLES = frozenset({"nhe", "nha", "a", "ha"})  # particles that end names too (Mường Nhé)
TOPIC_KEYWORDS_MIN = 2  # keywords of one topic that ask for its news rather than a search
PRAISE_FIRST_WORDS = 5  # praise that opens a message ("bot này tiện thật, …") thanks
# A count of articles before "tin"/"bài": digits, or a number word as typed ("ba" with no mark
# is three, "bà" no count; "hai", "bon" … folded are no other word there).
COUNT_WORDS = {
    "một": "1", "hai": "2", "ba": "3", "bốn": "4", "năm": "5", "sáu": "6", "bảy": "7",
    "tám": "8", "chín": "9", "mười": "10", "bon": "4", "tam": "8", "chin": "9", "muoi": "10",
}  # fmt: skip
READING_WORDS = frozenset({"doc", "xem", "nghe", "coi"})  # "(lấy tin) về đọc"
KINDLY_WORDS = frozenset({"giup", "ho", "dum", "voi", "do"})  # "…, tìm giúp": asks kindly
LINKS = frozenset({"va", "voi", "cung", "ca", "-", "nua", "them"})  # between listed names
NAME_RUN_MAX = 6  # words in the longest name looked for
# Words that may stand between "bỏ"/"huỷ" and the name it drops ("bỏ tin của xã …").
NAME_LEAD_WORDS = frozenset(
    {"tin", "tuc", "cua", "ve", "o", "tai", "xa", "phuong", "chu", "de", "muc", "cai", "dang",
     "ky", "theo", "doi", "nhan", "ban", "thon", "giup", "di", "luon", "nhe", "dum", "ho",
     "dich", "vu", "gui", "cac", "nhung", "mot", "chon"}
)  # fmt: skip
ASKING_MARKS_MAX = 2  # "?", "??": what is this? More is bewilderment
JOINED_SPLIT_MIN = 5  # letters of the shortest run-together word split ("timbai")
PIECE_MAX = 7  # letters of the longest piece ("nghieng")
TOPIC_KIND = ChoiceKind.TOPIC
Named = tuple[str, Choice | None, tuple[int, int]]  # a name as typed, its choice, its words


class IntentParser:
    """Reads messages against one province's names (``resolver``); construct once."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        # The app reads a message's words twice (the rules, then the fallback beside them):
        # the last few are kept ("_Said" is immutable).
        self._said = lru_cache(maxsize=SAID_CACHED)(self._words_of)
        names = {*resolver.gazetteer.names(), *resolver.taxonomy_keys()}
        self._vocabulary = VOCABULARY | {word for name in names for word in name.split()}
        # Names typed as one word ("muongphang", "Si-Pa-Phìn" after its dashes are gone).
        self._joined = {name.replace(" ", ""): name for name in names if " " in name}
        # Words a run-together word may be split into: words Loa reads, shorthand, names' words.
        self._pieces = self._vocabulary | FUNCTION_WORDS | NEWS_WORDS | set(SHORTHAND)
        self._keywords = {  # each topic's keywords, folded: "mưa lũ" says "cảnh báo" again
            topic.slug: frozenset(fold(word) for word in topic.keywords)
            for topic in resolver.taxonomy.topics
        }
        # Every topic's keywords, longest first: "lịch cắt điện" goes before "cắt điện".
        self._longest_keywords = sorted(
            {word for words in self._keywords.values() for word in words}, key=len, reverse=True
        )

    @property
    def resolver(self) -> Resolver:
        """The province's names the parser reads against."""
        return self._resolver

    def parse(self, text: str) -> Intent:
        """The intent of one message (never raises; ``UNKNOWN`` when nothing fits)."""
        said = self._said(text)
        if said is None:  # an emoji, a sticker, punctuation
            return _no_words(text)
        norm = said.norm
        formal = FORMAL_REQUEST_RE.match(said.text)  # "Đề nghị cho xem …": "xin cho xem …"
        formal = formal or RELAYED_RE.match(said.text)  # "bà cháu bảo xem tin …": her request
        if formal is not None:
            said = said.replaced(0, len(formal.group().split()), "xin")
        typo = _command_typo(norm, self._vocabulary, said.words)
        if typo is not None and typo[3]:
            return self._read(said.replaced(*typo[:3]))
        found = self._read(said)
        if found.name == UNKNOWN and typo is not None:
            meant = self._read(said.replaced(*typo[:3]))
            return Intent(UNKNOWN, guess=meant) if meant.name != UNKNOWN else found
        return found

    def normalised(self, text: str) -> str:
        """The words of ``text`` as the rules read them, joined: folded, shorthand, telex and
        words run together repaired, borrowed English read ("dk pom lot" -> "dang ky pom lot");
        what the learned fallback reads beside the message as typed."""
        said = self._said(text)
        return said.text if said is not None else ""

    def _words_of(self, text: str) -> _Said | None:
        """``text`` as words, normalised; None when it has none (an emoji, punctuation)."""
        source = nfc(text).strip()
        places = self._split_joined(source, _words(source))
        if not places:
            return None
        norm = _trust([self._normal(source[start:end]) for start, end in places])
        said = _letter_body(_Said(source, places, norm))  # "Kính gửi Loa, … Trân trọng."
        at = 0
        # "a lô a lô", "hế lô": "alô", "hello" spoken as two words, a call or a greeting
        while (spoken := SPOKEN_GREETINGS.get(" ".join(said.norm[at : at + 2]))) is not None:
            said, at = said.replaced(at, 2, spoken), at + 1
        return _english(said)

    def _split_joined(self, source: str, places: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """``places`` with words typed run together split into the words Loa knows
        ("batlaitin", "tintatcacacxa", "timbai"): each piece a known word, fewest pieces."""
        split: list[tuple[int, int]] = []
        for start, end in places:
            word = source[start:end]
            folded = fold(word)
            known = folded in self._pieces or folded in self._joined or _has_digit(folded)
            # a word typed with marks is one syllable unless it is longer than any can be
            joined = word.isascii() or len(folded) > SYLLABLE_MAX
            pieces = None if known or not joined else _segment(folded, self._pieces)
            if pieces is None:
                split.append((start, end))
                continue
            for piece in pieces:
                split.append((start, start + len(piece)))
                start += len(piece)
        return split

    # -- steps ----------------------------------------------------------------------------

    def _normal(self, word: str) -> str:
        folded = SPELT_AS.get(word.lower()) or fold(word)
        spellings = COMMAND_SPELLINGS.get(folded)
        if spellings is not None and word.lower() not in spellings:
            return folded + "q"  # "bố" (father) is no "bỏ", "đúng" (right) no "dừng"
        if folded in SHORTHAND:
            return SHORTHAND[folded]
        greeting = next((said for form, said in GREETING_SPELLINGS if form.fullmatch(folded)), None)
        if greeting is not None:
            return greeting
        if folded in self._vocabulary or folded.isdigit() or _has_digit(folded):
            return folded
        if folded in self._joined and (word.isascii() or len(folded) >= JOINED_MARKED_MIN):
            return self._joined[folded]  # "muongphang"; "nấu" (cook) is no "Na Ư"
        # "loaaa", "okkkk": said longer; "tìmm": a last letter doubled after a word typed with
        # its marks (no word ends so; "kyy" is left a typo to ask about)
        stretched = STRETCHED_RE.sub(r"\1", folded)
        if not word.isascii():
            stretched = DOUBLED_LAST_RE.sub(r"\1", stretched)
        if stretched != folded and (stretched in self._vocabulary or stretched in SHORTHAND):
            return SHORTHAND.get(stretched, stretched)
        repaired = _telex(folded)
        if repaired in self._vocabulary:
            return SHORTHAND.get(repaired, repaired)
        # "s" last may be English ("yes", "news"); the other telex letters are not
        typed = word.isascii() and TELEX_TYPED_RE.search(folded) is not None
        valid = typed and not SYLLABLE_RE.fullmatch(folded) and SYLLABLE_RE.fullmatch(repaired)
        return repaired if valid else folded

    def _read(self, said: _Said) -> Intent:
        text = said.text
        for step in (
            self._polite,
            self._stop,
            self._kinds,
            self._rhythm,
            self._unsubscribe,
            self._info,
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
        # "cảm ơn loa đã báo tin", "ok đã nhận đc tin": thanks for news already come; "cảm
        # ơn, tin này bổ ích quá", "tin hay lắm": praise of it, with thanks or alone
        text = THANKS_SAID_RE.sub("cam on", text)  # "xin cảm ơn", "đa tạ"
        praised = PRAISE_RE.search(text) is not None
        words = set(FOR_PEOPLE_RE.sub(" ", PRAISE_RE.sub(" ", text)).split())
        thanked = "cam" in words or (words & {"ok", "vang"} and words & {"da", "roi"})
        if (thanked or praised) and words <= POLITE | FILLER | RECEIVED_WORDS | PRAISED_WORDS:
            return Intent(THANKS)
        # "cảm ơn các cháu đã làm ra cái này, bác đọc tin tiện quá": thanks first, then
        # anything that asks for nothing and names nothing
        praised_first = PRAISE_RE.search(" ".join(text.split()[:PRAISE_FIRST_WORDS]))
        if ("cam on" in text or praised_first) and not ASKING_RE.search(
            text.replace("cam on", " ")
        ):
            # "nhờ có tin cảnh báo mà …": a topic named as what the thanks are for
            if NOTHING_NAMED_RE.search(text) or self._named(said, 0, len(text)) is None:
                return Intent(THANKS)
        return None

    def _stop(self, said: _Said, text: str) -> Intent | None:
        if self._stops(said, text) or self._stops_last(said):
            return Intent(STOP)
        if UNCHOSEN_START_RE.search(text) and "dang ky" not in text:
            return Intent(START)  # "cho t nhận tin nhé, chưa chọn xã nào" ("đăng ký": which?)
        # "dừng gửi tin cho bác nhé, bác đổi số rồi": a stop, then why; the reason names no
        # place or topic, no time, no bulletin and asks to receive nothing ("dừng gửi tin, chỉ
        # gửi tin xã X", "hủy hết, cho nhận mọi tin như cũ" are no stop)
        first = said.first_clause()
        if first is None or not self._stops(first, first.text):
            return None
        start = said.offset(len(first.norm))
        reason = text[start:]
        if times_in(reason) or RHYTHM_NAMED_RE.search(reason):
            return None
        if RECEIVING_RE.search(reason) and not NOT_RE.search(reason):
            return None
        return Intent(STOP) if self._named(said, start, len(text)) is None else None

    def _stops_last(self, said: _Said) -> bool:
        """Whether the last clause stops everything after clauses that only say why ("nhiều
        tin quá, dừng hết giúp em"): they name no place or topic, no time, no bulletin and ask
        to receive nothing."""
        last = said.last_clause()
        if last is None or not self._stops(last, last.text):
            return False
        before = said.text[: said.offset(len(said.norm) - len(last.norm))]
        if times_in(before) or RHYTHM_NAMED_RE.search(before):
            return False
        if RECEIVING_RE.search(before) and not NOT_RE.search(before):
            return False
        return self._named(said, 0, len(before)) is None

    def _stops(self, said: _Said, text: str) -> bool:
        """Whether the whole of ``text`` asks to stop everything."""
        if STOP_RE.match(text):
            # "cho bà dùng loa" (use) is no "dừng loa" (stop)
            used = USE_BOT_RE.search(text)
            if used is None or NOT_RE.search(text[: used.start()]):
                return True  # "không dùng loa nữa", "muốn dừng dùng loa": stops
            first = said.words_in(used.start(), used.start() + 1)[0]
            return said.words[first].lower() != "dùng"
        if self._no_more(said, text):  # "hủy hết luôn đi, không nhận nữa"
            return True
        if self._refuses_more(said, text) and not NIGHT_RE.search(text):
            return True  # "đừng nhắn gì cho bác nữa" ("đêm đừng gửi nữa" asks quiet hours)
        # "dừng", "xin dừng"; typed without diacritics too, but "đúng" (right) is no "dừng".
        alone = STOP_WORD_RE.fullmatch(text)
        if alone is None:
            return False
        typed = said.words[said.words_in(alone.start("word"), alone.end("word"))[0]].lower()
        if alone["word"] == "nghi":  # "nghỉ" (rest) typed so; "nghi" may be "nghĩ"
            return typed == "nghỉ"
        return typed in ("dừng", "ngưng", "tắt") or typed.isascii()

    def _rhythm(self, said: _Said, text: str) -> Intent | None:
        text = _timed(said)
        if HOW_TO_SET_RE.search(text) and not times_in(text):
            return None  # "làm sao để đặt giờ yên tĩnh": how (help)
        if SET_ASKED_RE.search(text):
            return None  # "tôi có đặt bản tin với giờ yên tĩnh không": what one has (mine)
        named = self._named(said, 0, len(text)) if BULLETIN_NAMED_RE.search(text) else None
        if named and named[1] and self._only_news_words(said, text, named[2]):
            return None  # "bản tin xã Sín Thầu": its news
        if BULLETIN_OFF_RE.search(text) and not times_in(text):
            return Intent(BULLETIN, OFF)  # "huỷ tổng hợp, gửi tin ngay khi có"
        timing = ONCE_RE.sub("lan", text)  # "dồn tin vào 1 lần 8 giờ tối": no 1 o'clock
        window = window_in(timing)
        if window is None and QUIET_ASK_RE.search(text):
            window = overnight_in(timing)  # "sau 10h đêm đừng gửi, sáng 6h hẵng gửi"
        if window is not None and (QUIET_ASK_RE.search(text) or not BULLETIN_ASK_RE.search(text)):
            return Intent(QUIET, str(window))
        if QUIET_ASK_RE.search(text) and until_in(timing) is not None:
            return Intent(QUIET)  # "đừng gửi tin tới 5h sáng": quiet until then; from when?
        if QUIET_REST_RE.search(text) and HOLD_RE.search(text):  # "đừng gửi … giờ nghỉ trưa"
            return Intent(QUIET, str(window) if window else "")
        quiet = QUIET_NAME_RE.search(text)  # "yên tĩnh", "chế độ im lặng"
        if quiet is not None and (bare := bare_window_in(timing)) is not None:
            return Intent(QUIET, str(bare))  # "yên tĩnh từ 22 đến 6": hours without "giờ"
        if quiet is not None:
            # "đừng gửi tin vào giờ nghỉ trưa" asks for quiet hours, no "off"
            asked = QUIET_NAME_RE.sub(" ", HOLD_RE.sub(" ", text))
            off = OFF_RE.search(asked) or QUIET_OVER_RE.search(text)
            return Intent(QUIET, OFF if off else "")
        if NIGHT_RE.search(text) and NOT_RE.search(text):  # "đừng gửi tin ban đêm": which hours?
            return Intent(QUIET)
        spoken = times_in(timing)
        if BULLETIN_ASK_RE.search(text) or (spoken and re.search(r"\b(?:gui|nhan)\b", text)):
            if spoken:
                return Intent(BULLETIN, f"{spoken[0].at:%H:%M}")
            news = BULLETIN_NEWS_RE.search(text)  # "có bản tin gì không": any news
            if BULLETIN_NAMED_RE.search(text) and not news:
                off = OFF_RE.search(re.sub(r"\bthoi$", "", text.replace("ban tin", "")))
                return Intent(BULLETIN, OFF if off else "")
            gathered = GATHERED_RE.search(text)  # "tắt gửi gộp đi": every article at once
            if gathered is not None:
                return Intent(BULLETIN, OFF if OFF_RE.search(text[: gathered.start()]) else "")
        return None

    def _unsubscribe(self, said: _Said, text: str) -> Intent | None:
        found = self._unsubscribe_in(said, text)
        last = said.last_clause()
        if last is None:
            return found
        # "tôi chuyển về xuôi rồi, bỏ xã Mường Toong ra giúp tôi": why, then what is dropped
        # (a place named in the why is where one lives now, not what is dropped)
        dropped = self._unsubscribe_in(last, last.text)
        if dropped is not None and dropped.choice is not None:
            return dropped
        return found

    def _unsubscribe_in(self, said: _Said, text: str) -> Intent | None:
        if MISTAKEN_RE.search(text) and not COMPLAINT_RE.search(text):
            named = self._named(said, 0, len(text))  # "lỡ đăng ký nhầm Nà Bủng, bỏ giúp"
            # "lỡ đăng ký nhầm rồi": which, then?
            return Intent(UNSUBSCRIBE, named[0], named[1]) if named else Intent(UNSUBSCRIBE)
        if HOW_TO_RE.search(text):
            return None  # "muốn biết cách huỷ đăng ký", "làm sao bỏ hết các xã": how, help
        if UNSUBSCRIBE_EVERY_RE.search(text) and not NO_MORE_RE.search(text):
            return Intent(UNSUBSCRIBE, ALL)  # "xoá hết đăng ký xã, để nhận tin cả tỉnh"
        if UNSUBSCRIBE_BARE_RE.fullmatch(text) or UNSUBSCRIBE_SOME_RE.fullmatch(text):
            return Intent(UNSUBSCRIBE)  # "hủy đăng ký", "bỏ bớt một xã": which, then?
        if CHOICE_FEWER_RE.search(text) and self._named(said, 0, len(text)) is None:
            return Intent(UNSUBSCRIBE)  # "bỏ bớt chủ đề đi"
        found = UNSUBSCRIBE_RE.match(text)
        if found is None and (verb := UNSUBSCRIBE_VERB_RE.match(text)) is not None:
            found = verb if self._names_next(said, verb.start("arg")) else None
        if found is None and not COMPLAINT_RE.search(text):
            return self._dropped_after(said, text)  # "tin xã X ấy bà không cần nữa, bỏ đi"
        if found is None or COMPLAINT_RE.search(text):
            return None  # "sao tôi không nhận được tin Sam Mứn" asks why, drops nothing
        arg = fold(said.span(found.start("arg"), found.end("arg")))
        if re.match(r"(?:tat ca|het|tatca|toan bo)\b", arg):
            # Dropping every choice brings back every article: never the answer to "không
            # nhận nữa" (read as stop above); any "không nhận" with it is asked again.
            return Intent(UNSUBSCRIBE) if NO_MORE_RE.search(text) else Intent(UNSUBSCRIBE, ALL)
        named = self._named(said, found.start("arg"), len(text))
        if named is not None:
            more = self._more(said, UNSUBSCRIBE, named)
            return Intent(UNSUBSCRIBE, named[0], named[1], more=more)
        if text.startswith(("huy dang ky", "bo dang ky", "huy theo doi", "bo theo doi")):
            if set(found["arg"].split()) <= NEWS_WORDS | POLITE | UNNAMED_CHOICE_WORDS:
                return Intent(UNSUBSCRIBE)  # "bỏ theo dõi chủ đề": which, then?
            return Intent(UNSUBSCRIBE, said.span(found.start("arg"), found.end("arg")))
        return self._dropped_after(said, text)  # "tin xã X ấy không cần nữa, bỏ đi cháu"

    def _names_next(self, said: _Said, start: int) -> bool:
        """A verb alone ("bỏ", "huỷ") drops what it names next ("bỏ tin xã Mường Phăng"), not
        a name further on ("con bo di lac o Muong Phang": a cow that strayed there)."""
        named = self._named(said, start, len(said.text))
        if named is None:
            return True  # "bỏ tất cả", "huỷ cái đó": decided below
        first, _ = said.words_in(start, len(said.text))
        between = said.plain[first : named[2][0]]
        kindly = [w in KINDLY_WORDS | {"cho"} for w in ["", *between]]  # "bỏ giúp bác tin X"
        return all(
            word in NAME_LEAD_WORDS | {"cho"} or (word in WHO_WORDS and kindly[at])
            for at, word in enumerate(between)
        )

    def _dropped_after(self, said: _Said, text: str) -> Intent | None:
        """A commune or topic named first and refused after it ("cái tin xã Pa Ham ấy bà không
        cần nữa bỏ đi cháu", "Mường Phăng thì thôi không nhận nữa"): drop that one only."""
        refused = DROP_AFTER_RE.search(text)
        if refused is None or times_in(text) or NIGHT_RE.search(text):
            return None
        named = self._named(said, 0, refused.start())
        if named is None or named[1] is None:
            return None
        return Intent(UNSUBSCRIBE, named[0], named[1])

    def _refuses_more(self, said: _Said, text: str) -> bool:
        """Whether the message refuses receiving or using the bot "… nữa" about no name, no
        hours and no bulletin ("đừng gửi tin ban đêm nữa" is quiet hours), not as a complaint."""
        if not REFUSE_MORE_RE.search(text) or COMPLAINT_RE.search(text):
            return False
        typed = {word.lower() for word in said.words}
        if re.search(r"\b(?:khong|chang) dung nua\b", text) and "dừng" in typed:
            return False  # "(cho nhận tin tiếp đi,) không dừng nữa": no longer stopping
        if NIGHT_RE.search(text) or window_in(text) or times_in(text):
            return False
        if RHYTHM_NAMED_RE.search(text):
            return False
        return self._named(said, 0, len(text)) is None

    def _kinds(self, said: _Said, text: str) -> Intent | None:
        """ "Nhận hết tin", "bắt đầu dùng loa": every article; "có những mục gì": the topics.
        Read before the news and help words these messages hold ("tin", "dùng loa")."""
        if START_RE.fullmatch(text) or self._starts_after(said) or self._starts_before(said):
            return Intent(START)
        if self._wants_to_use(said, text):  # "tôi muốn dùng Loa" (no help wanted)
            return Intent(START)
        where = COMMUNES_WHERE_RE.search(text) and not CHOSEN_RE.search(text)
        if where and self._named(said, 0, len(text)) is None:
            # "xã cũ của tôi giờ thuộc xã nào": not "của tôi"; "những xã tôi đã đăng ký là xã
            # nào" asks what was chosen
            return Intent(COMMUNES)
        if UNSUBSCRIBE_EVERY_RE.search(text):  # "không cần lọc theo chủ đề nữa, hủy hết"
            return None
        if COMMUNES_ALL_RE.search(text):  # "có xã của tôi trong đây không, cho xem hết các xã"
            return Intent(COMMUNES)
        how = HOW_TO_SET_RE.search(text) or HOW_ASKED_RE.search(text)  # "gõ gì để xem …": help
        listed = DIRECTORY_RE.search(text) is not None
        named = self._named(said, 0, len(text)) if listed else None
        if listed and (named is None or named[1] is None) and not how:
            return Intent(COMMUNES)  # "… Loa có danh sách xã không": the list, "của tôi" or not
        if MINE_RE.search(text):  # "đang theo dõi những mục nào": mine, not the list
            return None
        if CHOICE_MORE_RE.search(text) or CHOICE_FEWER_RE.search(text):
            return None  # "chọn thêm chủ đề cho tôi", "bỏ bớt chủ đề đi": which, then?
        if FEATURES_RE.search(text):
            return None  # "chức năng của bot gồm những gì": help, not the topics
        if TOPICS_ASK_RE.search(text) and (
            self._named(said, 0, len(text)) is None or BESIDES_RE.search(text)
        ):
            return Intent(TOPICS)  # "có chủ đề nào khác ngoài thiên tai": the list
        if COMMUNES_ASK_RE.search(text) and self._named(said, 0, len(text)) is None:
            return Intent(COMMUNES)  # "có xã nào để đăng ký": the list, not "which?"
        return None

    @staticmethod
    def _wants_to_use(said: _Said, text: str) -> bool:
        """Whether the message asks to use the bot ("tôi muốn dùng Loa"), its "dung" typed
        "dùng" ("muốn dừng loa" stops, and "dung" typed without marks may be either)."""
        found = WANT_TO_USE_RE.fullmatch(text)
        if found is None:
            return False
        if found["use"] != "dung":
            return True
        first, _ = said.words_in(found.start("use"), found.end("use"))
        return said.words[first].lower() == "dùng"

    def _starts_after(self, said: _Said) -> bool:
        """Whether the last clause asks for every article after clauses that only say who or
        why ("e mới cài, cho e nhận tin với", "hôm trước lỡ dừng, giờ muốn nhận tin lại",
        "chào loa, cho bác nhận tin"): they name no place or topic, no time and no bulletin,
        and drop nothing ("bỏ hết, nhận lại mọi tin" drops every choice)."""
        last = said.last_clause()
        if last is None or not START_RE.fullmatch(last.text):
            return False
        before = said.text[: said.offset(len(said.norm) - len(last.norm))]
        if times_in(before) or NIGHT_RE.search(before) or RHYTHM_NAMED_RE.search(before):
            return False
        if re.search(r"\b(?:huy|bo|xoa)\b", before):  # "bỏ hết, nhận lại mọi tin": drop choices
            return False
        if UNSUBSCRIBE_EVERY_RE.search(before):  # "không muốn nhận riêng xã nữa, cho nhận mọi tin"
            return False
        return self._named(said, 0, len(before)) is None

    def _starts_before(self, said: _Said) -> bool:
        """Whether the first clause asks for every article again and the rest only says why
        ("gửi tin lại cho tôi đi, dạo trước tôi dừng rồi"): it names no place or topic, no
        time and no bulletin, and asks nothing of its own ("… bỏ xã X đi" drops X)."""
        first = said.first_clause()
        if first is None or not START_RE.fullmatch(first.text):
            return False
        start = said.offset(len(first.norm))
        reason = said.text[start:]
        if times_in(reason) or NIGHT_RE.search(reason) or RHYTHM_NAMED_RE.search(reason):
            return False
        if not REASON_RE.search(reason) or re.search(r"\b(?:huy|bo|xoa|tim)\b", reason):
            return False
        return self._named(said, start, len(said.text)) is None

    def _no_more(self, said: _Said, text: str) -> bool:
        """Whether the message says "không nhận (gì) nữa" about no name and not as a complaint
        ("sao không nhận gì nữa"): nothing more at all."""
        if not NO_MORE_RE.search(text) or COMPLAINT_RE.search(text):
            return False
        return self._named(said, 0, len(text)) is None

    def _info(self, said: _Said, text: str) -> Intent | None:
        # "bot này của ai", "tin lấy nguồn từ đâu"; not "các lệnh của loa là gì" (help) nor
        # "tin loa của xã Mường Phăng" (a place named: its news)
        if INFO_RE.search(text) is None or INFO_NOT_RE.search(text):
            return None
        named = self._named(said, 0, len(text))
        if named is not None and said.plain[named[2][0] - 1 : named[2][0]] in (["bao"], ["dai"]):
            return Intent(INFO)  # "Loa lấy tin từ báo Điện Biên Phủ hay từ đâu": a newspaper
        # "loa có phải của chính quyền không": a topic's word names who runs it, no news asked
        place = named is not None and (named[1] is None or named[1].kind is not TOPIC_KIND)
        return None if place else Intent(INFO)

    def _help(self, said: _Said, text: str) -> Intent | None:
        cue = next((cue for cue in HELP_RE.finditer(text) if self._shows(said, cue)), None)
        if cue is None:
            return None
        if NEWS_HOW_RE.search(text) and not DOING_HOW_RE.search(text):
            # "news ở Mường Ảng hôm nay ntn": that place's news ("… thì làm thế nào": how)
            named = self._named(said, 0, len(text))
            if named is not None and named[1] is not None:
                return None
        if NEWCOMER_RE.search(text) and not HELP_RE.search(NEWCOMER_RE.sub(" ", text)):
            # "xin chào, em là người mới vào nhóm": a greeting with who writes, nothing asked
            greeted = self._greet_introduced(said)
            if greeted is not None:
                return greeted
        aside = len(set(text.split()) - VOCABULARY - FILLER) > ASIDE_MAX
        to_others = cue.group().startswith("giup") and TO_OTHERS_RE.search(text)
        if (cue.group() == "giup" and aside) or to_others:
            return None  # "đường vào bản bị sạt rồi, báo lên xã giúp": a request to others
        if HOW_RE.fullmatch(cue.group()) and not BOT_WORDS_RE.search(text):
            # "con lợn nhà tôi bị ốm phải làm sao": a "how" about something else, no help
            rest = f"{text[: cue.start()]} {text[cue.end() :]}"  # the words besides the "how"
            other = set(rest.split()) - VOCABULARY - FILLER - POLITE
            if len(other) >= (1 if NEXT_RE.fullmatch(cue.group()) else HOW_OTHER_WORDS_MIN):
                return None
        if HOW_ASKED_RE.search(text):  # "làm sao để xem mình đang theo dõi gì": how, help
            return Intent(HELP)
        if MINE_RE.search(text):  # "đã đăng ký xã nào rồi, xem lại giúp với"
            return Intent(MINE)
        wanted = self._subscribe(said, text)  # "đăng ký xã X giúp tôi" asks for X, not help
        asked = fold(wanted.args).split() if wanted is not None else []
        if asked and not set(asked) <= FILLER and not HOW_RE.fullmatch(" ".join(asked)):
            return wanted
        if cue.group().startswith("giup"):  # "tìm giúp tôi …", "xem tin mới giúp mình"
            kindly = self._mine(said, text) or self._search(said, text) or self._news(said, text)
            if kindly is not None:
                return kindly
            if aside:  # "nạp thẻ điện thoại giúp tôi": something Loa does not do
                return None
        return Intent(HELP)

    @staticmethod
    def _shows(said: _Said, cue: re.Match[str]) -> bool:
        """Whether a help cue "chi em" is "chỉ em" (show me): not "chị, em …" (sister, then
        who writes), the "chi" typed with another mark or a comma after it."""
        if not cue.group().startswith("chi "):
            return True
        first, _ = said.words_in(cue.start(), cue.end())
        typed = said.words[first].lower()
        after = said.source[said.places[first][1] : said.places[first + 1][0]]
        return typed in ("chỉ", "chi") and not any(mark in after for mark in ",.;!")

    def _subscribe(self, said: _Said, text: str) -> Intent | None:
        if PAPERWORK_RE.search(text):
            return None  # "đăng ký kết hôn cần giấy tờ gì": no subscription
        if CHOICE_MORE_RE.search(text) and self._named(said, 0, len(text)) is None:
            return Intent(SUBSCRIBE)  # "chọn thêm chủ đề cho tôi": which, then?
        if ALL_NEWS_ASKED_RE.search(text):
            return None  # "xem tin của tất cả các xã, không riêng các xã tôi đã đăng ký"
        if HAS_NEWS_THEN_RE.search(text):  # "X có tin thì gửi về", "có tin gì về bên đó thì gửi"
            named = self._named(said, 0, len(text))
            if named is not None and named[1] is not None:
                return Intent(SUBSCRIBE, named[0], named[1])
            topic = self._topic_by_keywords(text)  # "có tin lũ lụt mưa lũ thì báo tôi ngay"
            if named is None and topic is not None:
                return Intent(SUBSCRIBE, topic.display, topic)
        told = WHEN_TOLD_RE.search(text)  # "muốn được báo mỗi khi có tin tuyển dụng"
        if told is not None:
            named = self._named(said, told.start("arg"), len(text))
            if named is not None and named[1] is not None:
                return Intent(SUBSCRIBE, named[0], named[1])
        found = SUBSCRIBE_RE.match(text)
        if found and NOT_RE.search(self._unnamed(said, text[: found.start("arg")])):
            return None  # "không muốn nhận …" is no subscription ("thêm xã Xa Dung …" may be)
        if found and GENERIC_NOTICE_RE.search(text):
            return Intent(START)  # "muốn nhận thông báo của xã huyện": everything
        if found and OWN_UNIT_RE.match(found["arg"]):  # "nhà tôi ở X, đăng ký cho tôi tin bên đó"
            named = self._named(said, 0, found.start("arg"))
            if named is not None and named[1] is not None:
                return Intent(SUBSCRIBE, named[0], named[1])
        if found:
            named = self._named(said, found.start("arg"), len(text))
            if named is not None:
                return Intent(
                    SUBSCRIBE, named[0], named[1], more=self._more(said, SUBSCRIBE, named)
                )
            arg = said.span(found.start("arg"), found.end("arg"))
            topic = self._topic_by_keywords(found["arg"])  # "gửi tôi tin ma tuý, tội phạm"
            if topic is not None:
                return Intent(SUBSCRIBE, arg, topic)
            if UNDECIDED_RE.search(found["arg"]):  # "… một xã nhưng chưa biết chọn xã nào"
                return Intent(SUBSCRIBE)
            # read as normalised: "cho e tin xã e" (shorthand) says only news words
            own = OWN_UNIT_RE.match(found["arg"])  # "đăng ký tin của xã (mình) để biết …"
            if (
                "dang ky" in text[: found.start("arg")]
                and not _news_words(found["arg"])
                and not set(found["arg"].split()) <= NEWS_WORDS | POLITE | UNNAMED_CHOICE_WORDS
                and not own
            ):  # "đăng ký theo dõi thêm một chủ đề": which, then?
                return Intent(SUBSCRIBE, arg)
            if "dang ky" in text[: found.start("arg")]:  # "đăng ký nhận tin": which, then?
                named = self._named(said, 0, len(text))  # "tôi ở xã Pa Ham, đăng ký cho tôi"
                return Intent(SUBSCRIBE, named[0], named[1]) if named else Intent(SUBSCRIBE)
        whenever = WHENEVER_RE.search(text)
        if whenever is not None:
            named = self._named(said, whenever.start("arg"), whenever.end("arg"))
            if named is not None and named[1] is not None:
                return Intent(SUBSCRIBE, named[0], named[1])
        adding = ADD_RE.search(text)
        if adding is not None and not NOT_RE.search(text[: adding.start()]):
            named = self._named(said, adding.start(), len(text))  # "thêm xã X vào danh sách"
            if named is not None:
                return Intent(
                    SUBSCRIBE, named[0], named[1], more=self._more(said, SUBSCRIBE, named)
                )
        # "tôi ở Thanh Nưa, muốn nhận tin", "… cho bác nhận tin với": the place said before
        asked = r"(?:muon|(?:cho|xin)(?: (?:toi|minh|em|bac|chau|con|chu|co|ong|ba))?)(?: duoc)?"
        wanted = (
            rf"\b(?:(?:{asked} (?:nhan|nghe) tin|muon dang ky|dang ky)(?:{THERE})?|nhan tin{THERE})"
        )
        why = r"(?: de (?:biet|theo doi|nam|xem|doc)\b.*)?(?: thoi)?"  # "… để biết", "… thôi"
        now = r"(?: tu (?:gio|nay|bay gio|bayq gio|hom nay))?"  # "… từ giờ"
        if re.search(
            wanted + r"(?: (?:hang ngay|thuong xuyen|moi ngay))?" + why + now + TAIL, text
        ):
            named = self._named(said, 0, len(text))  # "tôi ở Thanh Nưa, muốn nhận tin"
            return Intent(SUBSCRIBE, named[0], named[1]) if named else Intent(SUBSCRIBE)
        return None

    def _search(self, said: _Said, text: str) -> Intent | None:
        found = SEARCH_RE.match(text)
        # "có bài về X không, tìm giúp tôi": the "tìm" only asks kindly, X comes from "về"
        kindly = found is not None and set(found["arg"].split()) <= KINDLY_WORDS | FILLER
        if found is not None and re.match(
            r"thi (?:phai )?(?:go|bam|lam|nhan|viet)\b", found["arg"]
        ):
            return None  # "muốn tìm tin thì gõ như nào": how (help)
        if found is not None and not _news_words(found["arg"]) and not kindly:
            return Intent(SEARCH, said.span(found.start("arg"), said.arg_end(found.end("arg"))))
        read = READ_SUBJECT_RE.match(text)  # "xem bài giải bóng đá", "tin homestay"
        if read is not None and self._subject(said, read["arg"]):
            return Intent(SEARCH, said.span(read.start("arg"), said.arg_end(read.end("arg"))))
        incident = INCIDENT_RE.match(text)  # "vụ tai nạn giao thông"
        if incident is not None and not INCIDENT_NOT_RE.search(text) and "?" not in said.source:
            named = self._named(said, 0, len(text))  # a topic's keyword is searched with it
            if named is None or named[1] is None or named[1].kind is TOPIC_KIND:
                end = said.arg_end(incident.end("arg"))
                return Intent(SEARCH, said.span(incident.start("arg"), end))
        found = ASK_ABOUT_RE.match(text)  # "có tin gì về X": X's news when X is a name
        if found is None:
            return None
        asked = text[found.start("arg") : said.arg_end(found.end("arg"))]
        if asked.split()[0] in ARRIVED_WORDS and set(asked.split()) <= FILLER | ARRIVED_WORDS:
            return None  # "có tin mới về chưa": has news come, no search
        rest = set(asked.split()[1:]) - FILLER - KINDLY_WORDS - ARRIVED_WORDS - {"duoc", "cho"}
        if asked.split()[0] in READING_WORDS and not rest:
            return None  # "lấy tin mới về đọc": brought home to read, no search
        if OWN_UNIT_RE.match(asked):  # "e ở Xá Nhè, có tin gì về xã e không": the place said
            before = self._named(said, 0, found.start("arg"))
            if before is not None and before[1] is not None:
                return Intent(ABOUT, before[0], before[1])
        situation = SITUATION_RE.match(asked)  # "thông tin về tình hình xã Quài Cang"
        start = found.start("arg") + (situation.end() if situation else 0)
        named = self._named(said, start, found.end("arg"), whole=True)
        after = text[found.end("arg") :].split()
        if named is None and after[:1] and after[0] in NAME_PARTICLES:
            # "co tin gi ve xa Muong Nhe ko": a name's last word was read as "nhé"
            named = self._named(said, found.start("arg"), len(text), whole=True)
        if named is not None:
            return Intent(ABOUT, named[0], named[1])
        topic = self._topic_by_keywords(asked)  # "có tin gì về sạt lở, mưa lũ không"
        if topic is not None:
            return Intent(ABOUT, said.span(found.start("arg"), found.end("arg")), topic)
        return Intent(SEARCH, said.span(found.start("arg"), said.arg_end(found.end("arg"))))

    def _subject(self, said: _Said, words: str) -> bool:
        """Whether ``words`` read about are a subject to search: none a word of news, time,
        all or asking, and no place or topic named ("tin xã X", "tin lũ lụt" are their news)."""
        said_words = set(words.split())  # "vắc xin", "bóng đá" hold "xin", "đá": not all
        if said_words <= NEWS_WORDS | WHEN_WORDS | FILLER | POLITE or WHEN_SAID_RE.search(words):
            return False
        first, last = words.split()[0], words.split()[-1]
        if first in NOT_SUBJECT_FIRST or last in NOT_SUBJECT_LAST:
            return False  # "tin nhắn …", "tin gửi muộn quá": the messages, a complaint
        if said_words & PLACE_WORDS or LATEST_ALL_RE.search(words) or LATEST_RE.search(words):
            return False  # "tin những xã vùng cao", "tin cả tỉnh", "tin thời sự"
        if self._named(said, 0, len(said.text)) is not None or self._resolver.matching(words):
            return False  # "tin xa muong th": the places it begins
        return self._topic_by_keywords(words) is None

    def _unnamed(self, said: _Said, text: str) -> str:
        """``text`` (the start of ``said.text``) with the name in it blanked: "Xa Dung" says no
        "dừng"."""
        named = self._named(said, 0, len(text))
        if named is None:
            return text
        start, end = said.offset(named[2][0]), said.offset(named[2][1])
        return text[:start] + " " * max(end - start, 0) + text[end:]

    def _topic_by_keywords(self, text: str) -> Choice | None:
        """The topic two or more of whose keywords ``text`` names, and no other topic as many
        ("sạt lở, mưa lũ", "trường học, y tế, văn hoá"): its news. One keyword alone is a
        search ("tin về lũ quét")."""
        keywords = self._keywords.items()
        counts = {slug: _distinct(text, words) for slug, words in keywords}
        hits = sorted(((count, slug) for slug, count in counts.items()), reverse=True)
        tied = len(hits) > 1 and hits[1][0] == hits[0][0]
        if not hits or hits[0][0] < TOPIC_KEYWORDS_MIN or tied:
            return None
        topic = self._resolver.taxonomy.get(hits[0][1])
        return Choice(ChoiceKind.TOPIC, topic.slug, topic.name) if topic is not None else None

    def _keywords_only(self, text: str) -> bool:
        """Whether ``text`` is keywords of topics and words of time or news only ("lịch cắt
        điện, mất điện tuần này")."""
        rest = f" {text} "
        for word in self._longest_keywords:
            rest = rest.replace(f" {word} ", "  ")
        return set(rest.split()) <= NEWS_WORDS | POLITE | WHEN_WORDS

    def _mine(self, said: _Said, text: str) -> Intent | None:
        if ALL_NEWS_ASKED_RE.search(text):
            return None  # "xem tin của cả tỉnh, không riêng mấy xã đã chọn": every article
        if ADD_RE.search(text) and self._named(said, 0, len(text)) is not None:
            return None  # "thêm xã X vào danh sách nhận tin của tôi": adds X
        return Intent(MINE) if MINE_RE.search(text) else None

    def _lists(self, said: _Said, text: str) -> Intent | None:
        if COMMUNES_RE.search(text) and not EVERY_COMMUNE_NEWS_RE.search(text):
            named = self._named(said, 0, len(text))  # "nhà tôi ở bản Ten xã Mường Phăng"
            return Intent(COMMUNES) if named is None or named[1] is None else None
        if TOPICS_RE.search(text) and self._named(said, 0, len(text)) is None:
            return Intent(TOPICS)
        if START_RE.fullmatch(text):
            return Intent(START)
        return None

    def _news(self, said: _Said, text: str) -> Intent | None:
        named = self._named(said, 0, len(text))
        if (
            named
            and ANY_NOTICE_RE.search(text)
            and " ".join(said.plain[slice(*named[2])]) in (NOTICE_NAMES)
        ):
            named = None  # "có thông báo gì mới chưa": any announcement, the latest news
        lives = named is not None and named[2][1] == len(said.norm)
        if lives and named and LIVES_RE.match(" ".join(said.norm[: named[2][0]])):
            return None  # "nhà tôi ở bản Huổi Lếch": where one lives (its news offered)
        if named is not None and self._only_news_words(said, text, named[2]):
            return Intent(ABOUT, named[0], named[1])
        if named and named[1] and self._asks_about(said, text, named[2]):
            return Intent(ABOUT, named[0], named[1])  # "xã X có thông báo gì không"
        if named and named[1] and THERE_NEWS_RE.search(text) and not COMPLAINT_RE.search(text):
            return Intent(ABOUT, named[0], named[1])  # "bản tôi ở X, xem giúp tin ở đó có gì"
        if named and named[1] and _led_by_news(said, named[2]) and not COMPLAINT_RE.search(text):
            return Intent(ABOUT, named[0], named[1])  # "tin an ninh trật tự ở tỉnh mình"
        partial = self._partial(said, text)
        if partial is not None:
            return Intent(ABOUT, partial)
        if COMPLAINT_RE.search(text) and re.search(r"\b(?:khong|chua) nhan duoc\b", text):
            return None  # "sao mình không nhận được tin gì": a complaint, not a request
        if NEWS_COMPLAINT_RE.search(text) and named is None:
            return None  # "tin tức chậm quá": about the news, no request
        opens = NEWS_OPENS_RE.match(text)  # "tin trường học, y tế …", "cho bác đọc tin …"
        asks = any(
            (
                ASKS_NEWS_RE.search(text),
                YES_NO_RE.fullmatch(text),  # "có lũ, sạt lở không"
                READS_NEWS_RE.search(text),  # "… có lũ quét sạt lở không, cho xem tin"
                NEWS_HOW_RE.search(text),  # "tin mưa lũ sạt lở thế nào"
            )
        ) or self._keywords_only(text)  # "lịch cắt điện, mất điện tuần này"
        topic = self._topic_by_keywords(text) if opens or asks else None
        if topic is not None and (named is None or named[1] in (None, topic)):
            return Intent(ABOUT, said.source, topic)
        if named and named[1]:  # "tôi quê Nậm Tin": the name's "tin" asks for no news
            text = " ".join([*said.norm[: named[2][0]], "x", *said.norm[named[2][1] :]])
        if LATEST_RE.search(text) or ALL_NEWS_ASKED_RE.search(text):  # "gửi tất cả tin …"
            said_count = _count(said)  # "cho xem 5 tin mới nhất", "hai tin", "ba tin" (typed so)
            return Intent(LATEST, ALL if LATEST_ALL_RE.search(text) else said_count)
        return None

    @staticmethod
    def _asks_about(said: _Said, text: str, run: tuple[int, int]) -> bool:
        """Whether a message naming ``run`` asks for news: "có tin gì" however long it is
        (voice typing runs on), or "… gì không" with few words besides news words."""
        if COMPLAINT_RE.search(text):
            return False
        if ASKS_NEWS_RE.search(text):
            return True
        rest = said.norm[: run[0]] + said.norm[run[1] :]
        other = [word for word in " ".join(rest).split() if word not in NEWS_WORDS | POLITE]
        return bool(ASKS_RE.search(text)) and len(other) <= ASKS_OTHER_WORDS_MAX

    def _greet(self, said: _Said, text: str) -> Intent | None:
        # "a lô có ai không, trả lời đi": a greeting with a call in it is a greeting
        # "chúc loa ngày mới vui vẻ", "xin chào, chúc buổi sáng tốt lành": wishes greet too
        wished = WISH_RE.search(text) is not None
        words = set(GREETING_ADDS_RE.sub(" ", CALL_RE.sub(" ", WISH_RE.sub(" ", text))).split())
        # "Loa ơi", "có ai ở đây không": a call, answered like a greeting
        called = words in ({"loa", "oi"}, {"bot", "oi"}, {"ad", "oi"}, {"admin", "oi"})
        calling = called or (CALL_RE.search(text) is not None and words <= FILLER)
        greeting = wished or words & GREETINGS
        if calling or (greeting and words <= GREETINGS | GREETING_WORDS | FILLER | POLITE):
            return Intent(GREET)
        if SELF_NAMED_RE.match(text) and not ASKING_RE.search(text) and not LATEST_RE.search(text):
            named = self._named(said, 0, len(text))  # "mình là Giàng A Páo": who writes
            return Intent(GREET) if named is None or named[1] is None else None
        return self._greet_introduced(said)

    def _greet_introduced(self, said: _Said) -> Intent | None:
        """A greeting, then who writes ("chào bot, em là giáo viên trường tiểu học", "hi bot,
        e mới tải zalo", "chào loa, tôi bán hàng ở chợ Mường Thanh"): a greeting, when the
        introduction asks nothing."""
        first = said.first_clause()
        if first is None or self._greet(first, first.text) is None:
            return None
        start = said.offset(len(first.norm))
        if not INTRODUCTION_RE.match(said.text[start:]):
            return None
        rest = said.text[start:]
        asks = ASKS_NEWS_RE.search(rest) or LATEST_RE.search(rest) or RECEIVING_RE.search(rest)
        if asks or "tin" in rest.split():
            return None  # "alo loa, tôi vừa đi nương về, nay có tin gì mới không"
        return Intent(GREET)  # "chào loa, bác là người bản Huổi Lếch đây": who writes

    def _partial(self, said: _Said, text: str) -> str | None:
        """A short message that is the beginning of names, maybe after "tin" ("mường", "tin
        thanh", "xã muong th"): the words as typed, for a list of the places that hold them."""
        if LATEST_RE.fullmatch(text):
            return None  # "tin nóng" is the latest news, no "Noong Hẹt"
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

    def _named(self, said: _Said, start: int, end: int, *, whole: bool = False) -> Named | None:
        """The longest run of words in ``text[start:end]`` naming a commune or topic: (the
        words as typed, the choice when only one, the run's word indexes); ``whole``: the run
        must be all the words but news words."""
        first, last = said.words_in(start, end)
        last = min(last, first + NAME_WORDS_MAX)
        best: Named | None = None
        plain, words = said.plain, said.words
        for size in range(min(NAME_RUN_MAX, last - first), 0, -1):
            for at in range(first, last - size + 1):
                found = self._resolver.exact(" ".join(plain[at : at + size]))
                typed = " ".join(words[at : at + size])
                if found and not _everyday(plain[at : at + size], typed, found):
                    best = (typed, found[0] if len(found) == 1 else None, (at, at + size))
                    break
            if best:
                break
        best = self._widened(said, best, last) if best else self._near(said, first, last)
        if best and whole and not self._only_news_words(said, said.text, best[2], first, last):
            return None
        return best

    def _widened(self, said: _Said, named: Named, last: int) -> Named:
        """``named`` with the words right after it that name the same choice again or, for a
        topic, are one of its keywords: "cảnh báo mưa lũ", "thông báo tuyển dụng", "cảnh báo
        thiên tai" are one topic. (A keyword alone is a search: "tin về lũ quét".)"""
        choice, end = named[1], named[2][1]
        if choice is None:
            return named
        none: frozenset[str] = frozenset()
        words = self._keywords.get(choice.value, none) if choice.kind is TOPIC_KIND else none
        plain = said.plain
        while end < last:
            following = next(
                (
                    size
                    for size in range(min(NAME_RUN_MAX, last - end), 0, -1)
                    if " ".join(plain[end : end + size]) in words
                    or self._resolver.exact(" ".join(plain[end : end + size])) == [choice]
                ),
                None,
            )
            if following is None:
                break
            end += following
        if end == named[2][1]:
            return named
        start = named[2][0]
        return " ".join(said.words[start:end]), named[1], (start, end)

    def _near(self, said: _Said, first: int, last: int) -> Named | None:
        """A run of two words or more, not all words the parser knows, that sounds like
        a name or is a letter off one ("Sa Dung", "Tủa Trùa", "Mường Phăn"): never dropped.
        Its choice when only one name is that near; else none, and the command asks back."""
        for size in range(min(4, last - first), 1, -1):
            for at in range(first, last - size + 1):
                run = [fold(word) for word in said.words[at : at + size]]  # "dung" as typed
                bare = run[1:] if run[0] in ("xa", "phuong") else run
                # "trưa" is a time, "Trùa" no; "lại nữa" is no "Lay Nưa"
                if len(bare) < 2 or set(bare) <= VOCABULARY | FUNCTION_WORDS:
                    continue
                found = self._resolver.near(" ".join(run))
                typed = " ".join(said.words[at : at + size])
                if found and not _marked_off(typed, found):
                    return typed, found[0] if len(found) == 1 else None, (at, at + size)
        return None

    def _more(self, said: _Said, name: str, named: Named) -> tuple[Intent, ...]:
        """The names listed after ``named`` ("… Mường Phăng và Thanh Nưa, Sam Mứn"), each as
        an intent ``name``; the list ends at the first word that is no name or link."""
        more: list[Intent] = []
        end = named[2][1]
        while end < len(said.norm):
            following = self._named(said, said.offset(end), len(said.text))
            if following is None or not set(said.norm[end : following[2][0]]) <= LINKS:
                break
            chosen = {named[1], *(intent.choice for intent in more)}
            if following[1] is None or following[1] not in chosen:  # "giáo dục, y tế": one topic
                more.append(Intent(name, following[0], following[1]))
            end = following[2][1]
        return tuple(more)

    @staticmethod
    def _only_news_words(
        said: _Said, text: str, run: tuple[int, int], first: int = 0, last: int | None = None
    ) -> bool:
        """Whether the words around the name ``run`` are only news words ("tin", "xã", "có",
        "gì", "mới") rather than a question of their own."""
        before = KIND_WORDS_RE.sub(" ", " ".join(said.norm[first : run[0]]))  # "chủ đề X"
        rest = [before, *said.norm[run[1] : last]]
        return all(set(word.split()) <= NEWS_WORDS | POLITE for word in rest)


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

    @property
    def plain(self) -> list[str]:
        """``norm`` for looking names up: "tuyển dụng" is "tuyen dung", though "dụng" alone is
        no command word "dừng" (read "dungq")."""
        return [w.removesuffix("q") if w[:-1] in COMMAND_SPELLINGS else w for w in self.norm]

    def first_clause(self) -> _Said | None:
        """The words before the first ",", ".", ";" or "!" that has words after it; None when
        the message is one clause."""
        for index, (_, end) in enumerate(self.places[:-1]):
            between = self.source[end : self.places[index + 1][0]]
            if any(mark in between for mark in ",.;!"):
                count = index + 1
                norm = self.norm[:count]
                return _Said(self.source[: self.places[index][1]], self.places[:count], norm)
        return None

    def last_clause(self) -> _Said | None:
        """The words after the last ",", ".", ";" or "!" that has words before it; None when
        the message is one clause."""
        for index in range(len(self.places) - 1, 0, -1):
            between = self.source[self.places[index - 1][1] : self.places[index][0]]
            if any(mark in between for mark in ",.;!"):
                places = self.places[index:]
                return _Said(self.source, places, self.norm[index:])
        return None

    def replaced(self, at: int, size: int, phrase: str) -> _Said:
        """The words ``at`` to ``at + size`` read as ``phrase`` (a command word's typo)."""
        merged = (self.places[at][0], self.places[at + size - 1][1])
        places = [*self.places[:at], merged, *self.places[at + size :]]
        return _Said(self.source, places, [*self.norm[:at], phrase, *self.norm[at + size :]])

    def arg_end(self, end: int) -> int:
        """``end`` of an argument, moved past the words after it that ``TAIL`` took for
        politeness but that were typed as other words: "hỗ trợ làm nhà" keeps its house; and
        past a "dau" typed without marks where no negation or "ở" makes it "đâu": "tim tin
        xang dau" keeps its oil ("không có tin … đâu" does not)."""
        first, last = self.words_in(end, len(self.text))
        kept = end
        for index in range(first, last):
            spellings = TAIL_SPELLINGS.get(self.norm[index])
            typed = self.words[index].lower()
            if spellings is not None and not typed.isascii() and typed not in spellings:
                kept = self.offset(index) + len(self.norm[index])
            elif self.norm[index] == "dau" and typed == "dau" and not self._asks_where(index):
                kept = self.offset(index) + len(self.norm[index])
        return kept

    def _asks_where(self, index: int) -> bool:
        """Whether word ``index`` ("dau") follows a negation or "ở": the particle "đâu"."""
        before = self.norm[:index]
        return bool(NEGATED_RE.search(" ".join(before))) or before[-1:] == ["o"]

    def offset(self, index: int) -> int:
        """Where word ``index`` begins in ``text``."""
        return sum(len(word) + 1 for word in self.norm[:index])

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
        space = self.source.find(" ", self.places[last - 1][1])
        after = self.source[self.places[-1][1] :]  # a letter's "Trân trọng" is no part of it
        ends = last == len(self.places) and not _words(after)
        stop = None if ends or space < 0 else space
        typed = self.source[begin:stop]
        for index in reversed(range(first, last)):  # "hox trowj" is searched as "ho tro"
            word = self.words[index]
            if word.isascii() and self.norm[index] != fold(word) == word.lower():
                if _telex(word.lower()) == self.norm[index]:
                    at, end_at = (place - begin for place in self.places[index])
                    typed = typed[:at] + self.norm[index] + typed[end_at:]
        return typed.strip()


def _segment(word: str, known: set[str] | frozenset[str]) -> list[str] | None:
    """``word`` as the fewest known pieces of two letters or more ("tintatcacacxa" -> "tin tat
    ca cac xa"), or None when it is no run of known words (or is one word)."""
    if len(word) < JOINED_SPLIT_MIN:
        return None
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(2, len(word) + 1):
        for start in range(max(0, end - PIECE_MAX), end - 1):
            head, piece = best[start], word[start:end]
            if head is not None and piece in known:
                if best[end] is None or len(head) + 1 < len(best[end] or []):
                    best[end] = [*head, piece]
    found = best[len(word)]
    return found if found is not None and len(found) > 1 else None


def _letter_body(said: _Said) -> _Said:
    """A message written as a letter, its framing dropped: "Kính gửi Loa, …" first and "Trân
    trọng", "Kính thư" last."""
    text = said.text
    opening = LETTER_OPENING_RE.match(text)
    closing = LETTER_CLOSING_RE.search(text)
    if opening is None and closing is None:
        return said
    first = said.words_in(opening.end(), len(text))[0] if opening else 0
    last = said.words_in(0, closing.start())[1] if closing else len(said.norm)
    if last <= first:
        return said  # nothing but the framing ("kính gửi loa"): read as it is
    return _Said(said.source, said.places[first:last], said.norm[first:last])


def _english(said: _Said) -> _Said:
    """``said`` with the English phrases residents borrow read as Vietnamese ("delete me",
    "do not disturb", as typed; 12-hour times are read with every time: ``times_in``)."""
    typed = [fold(word) for word in said.words]  # as typed: "how" is no telex "ho"
    at = 0
    while at < len(said.norm):
        for size in (5, 4, 3, 2):
            phrase = ENGLISH_PHRASES.get(" ".join(typed[at : at + size]))
            if phrase is not None and at + size <= len(said.norm):
                said = said.replaced(at, size, phrase)
                typed[at : at + size] = [phrase]
                break
        at += 1
    return said


def _words(text: str) -> list[tuple[int, int]]:
    """Where the words and numbers of a message are ("7h30", "22:00" kept whole); emoji and
    punctuation are not words."""
    places = []
    for found in TOKEN_RE.finditer(text):
        start, end = found.span()
        while end > start and text[end - 1] in ".:":
            end -= 1
        if end > start:
            places.append((start, end))
    return places


def _timed(said: _Said) -> str:
    """``said.text`` for reading times: a "toi" typed without marks right before a time and
    after a refusal to send is "tới" (until), where "tối" (evening) reads nothing sensible:
    "dung gui tin toi 8h" keeps news back until 8, "gui tin toi 8h" is at 20:00."""
    norm = list(said.norm)
    for index, word in enumerate(norm[:-1]):
        plain = said.words[index].isascii()
        if word == "toi" and plain and norm[index + 1][:1].isdigit():
            if REFUSAL_RE.search(" ".join(norm[:index])):
                norm[index] = "den"
    return " ".join(norm)


def _trust(norm: list[str]) -> list[str]:
    """``norm`` with a "tin" that is "tín" (trust, credit) read "tinq", no news: "uy tin",
    "tin tuong", "tin dung" typed without marks ("mua đất ở đâu uy tin" asks for no news)."""
    return ["tinq" if w == "tin" and _trusting(norm, i) else w for i, w in enumerate(norm)]


def _trusting(norm: list[str], index: int) -> bool:
    """Whether the words around ``norm[index]`` make it "tín" ("uy tín", "tín dụng")."""
    before, after = norm[index - 1 : index], norm[index + 1 : index + 2]
    return bool(before and before[0] in TRUST_BEFORE) or bool(after and after[0] in TRUST_AFTER)


def _no_words(text: str) -> Intent:
    """A message of no words: one "?" or two ask what Loa does (help); more ("????", "???!")
    are bewilderment at something, answered as not understood; a waving hand greets; another
    emoji or a sticker is thanks."""
    marks = text.count("?") + text.count("？")
    if 0 < marks <= ASKING_MARKS_MAX:
        return Intent(HELP)
    if any(wave in text for wave in WAVES):
        return Intent(GREET)
    return Intent(UNKNOWN) if marks else Intent(THANKS)


JOINED_MARKED_MIN = 6  # letters of a word typed with marks read as a name typed as one word
UNIT_WORDS = ("xã", "phường", "thị trấn", "xa", "phuong")
MARKED_TYPO_MAX = 1  # letters or marks a name typed with marks may be off (2 from 8 letters)


def _marked_off(typed: str, found: list[Choice]) -> bool:
    """Whether words typed with their marks are too far, marks counted, from every name they
    are near once folded: "bóng đá" is no "Sông Đà", "âm lịch" no "Nặm Lịch", "nấu" no "Na
    Ư"; "Mường Phăn", "Tủa Trùa" are typos of names."""
    if typed.isascii():
        return False
    words = nfc(typed).lower().split()
    bare = " ".join(words[1:] if words[0] in UNIT_WORDS else words)
    allowed = MARKED_TYPO_MAX + (len(bare) >= 8)
    for choice in found:
        for name in (choice.old_name, choice.display, choice.value):
            spelt = (name or "").lower().split()
            spelt = spelt[1:] if spelt[:1] and spelt[0] in UNIT_WORDS else spelt
            if spelt and OSA.distance(bare, " ".join(spelt)) <= allowed:
                return False
    return True


def _count(said: _Said) -> str:
    """The number of articles asked for ("5 tin mới nhất", "ba tin mới nhất"), or ""."""
    for index in range(len(said.norm) - 1):
        if said.norm[index + 1].split()[0] not in ("tin", "bai"):
            continue
        typed = said.words[index].lower()
        if typed.isdigit() and len(typed) <= 2:
            return typed
        if typed in COUNT_WORDS:
            return COUNT_WORDS[typed]
    return ""


def _distinct(text: str, keywords: frozenset[str]) -> int:
    """How many of ``keywords`` ``text`` names, one counted within another once ("lịch cắt
    điện" holds "cắt điện")."""
    said = [word for word in keywords if _says(text, word)]
    return sum(not any(word != other and word in other for other in said) for word in said)


def _says(text: str, words: str) -> bool:
    """Whether ``text`` holds ``words`` as whole words."""
    return re.search(rf"\b{re.escape(words)}\b", text) is not None


def _led_by_news(said: _Said, run: tuple[int, int]) -> bool:
    """Whether the message opens with "tin" and only news words up to the name at ``run``
    ("tin an ninh trật tự …", "tin tức về xã X …"): that name's news, whatever follows."""
    before = " ".join(said.norm[: run[0]]).split()
    if before[:1] == ["tin"] and set(before) <= NEWS_WORDS:
        return True
    # "ad ơi cho xem tin Sín Thầu với, nhà e trên ấy": a call, then "xem tin" and the name
    asked = KIND_WORDS_RE.sub(" ", CALLED_RE.sub("", " ".join(before))).split()  # ("bớt" no "bot")
    reads = asked[-1:] == ["tin"] or READS_NEWS_RE.search(" ".join(asked))  # "xem tin bản mình ở"
    return bool(reads) and set(asked) <= NEWS_WORDS | WHO_WORDS | {"que", "nha", "cung", "thuoc"}


def _news_words(typed: str) -> bool:
    """Whether ``typed`` says nothing but "tin", "tức", "xã", "cho tôi"…"""
    return set(fold(typed).split()) <= NEWS_WORDS | POLITE


def _everyday(plain: list[str], typed: str, found: list[Choice]) -> bool:
    """Whether everyday words typed with other marks than the name they fold to are those
    words: "không lấy nữa" (take no more) is no "Lay Nưa"; "lay nua" may be."""
    if typed.isascii() or not set(" ".join(plain).split()) <= VOCABULARY | FUNCTION_WORDS:
        return False
    spelt = nfc(typed).lower()
    names = [name.lower() for choice in found for name in (choice.display, choice.old_name or "")]
    return not any(name.endswith(spelt) for name in names if name)


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def _telex(word: str) -> str:
    """A word typed with telex and no input method, repaired: "dangw" -> "dang", "kys" -> "ky",
    "ddaawng" -> "dang"."""
    for double, single in (("dd", "d"), ("aa", "a"), ("ee", "e"), ("oo", "o")):
        word = word.replace(double, single)
    if len(word) > 2 and word[-1] in "sfrxj":  # the tone last: "dungwf", "laij"
        word = word[:-1]
    word = re.sub(r"(?<=[aeiouy])w|w(?=[aeiou])|(?<=[a-z]{2})w$", "", word)
    return word.replace("uow", "uo")


def _command_typo(
    norm: list[str], known: frozenset[str], typed: list[str]
) -> tuple[int, int, str, bool] | None:
    """A misspelt command phrase among the first words of ``norm``: (first word, number of
    words, the phrase meant, whether the typo is small enough to take without asking). Words
    that are all ``known`` (or hold digits) are never a typo: "tin moi" is no "tin tuc"; nor
    is a word typed with marks that is a word ("bám tin" is no "bản tin")."""
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
            if at and norm[at - 1] in SEARCH_VERBS:  # "tra tin bồi thường": searched words
                continue
            marked = [
                word
                for word, said in zip(run, typed[at : at + size], strict=False)
                if not said.isascii() and SYLLABLE_RE.fullmatch(word)
            ]
            for key, phrase in commands.items():
                if any(word not in phrase.split() for word in marked):
                    continue
                if key[0] != joined[0]:  # typos keep the first letter ("can tin" is no "ban tin")
                    continue
                distance = OSA.distance(joined, key)
                if distance <= 1 or (distance == 2 and len(key) >= 8):
                    return at, size, phrase, True
                if distance == 2 and guess is None:
                    guess = (at, size, phrase, False)
    return guess
