"""Intent parser benchmark: accuracy per intent on the labelled resident messages, and misses.

Reads ``tests/fixtures/intents_eval.jsonl`` (the set the parser was tuned on) and
``tests/fixtures/intents_holdout.jsonl`` (a fifth of the messages, kept unseen while tuning;
its first score was 0.943, then its four misses were fixed) and ``intents_holdout2.jsonl``
(63 messages written before those fixes and unseen until then: first score 0.968, subscribe
6/8; its two misses were fixed after) and ``intents_holdout3.jsonl`` (178 messages written
after all three scored 1.000, before the parser was read: first score 0.809, 34 misses;
1.000 after the gaps they showed were closed, so it is seen now too) and
``intents_holdout4.jsonl`` (written blind after all four scored 1.000, the parser and the other
sets unread; the 34 of 188 that matched a seen message word for word dropped: first score
0.903 on 154, 15 misses; 0.994 after the gaps they showed were closed, so it is seen now too:
the one left, "/start", is scored as the app reads it, below) and
``intents_holdout5.jsonl`` (written blind after all five scored 1.000, same rules; the 38 of
203 that matched an earlier message word for word dropped: first score 0.939 on 165, 10 misses)
and ``intents_holdout6.jsonl`` (written blind after all six scored 1.000, same rules; the 55 of
259 that matched an earlier message word for word dropped: first score 0.956 on 204, 9 misses,
subscriptions 3/4 and stop 4/5 below 0.90; labels reviewed, none changed) and
``intents_holdout7.jsonl`` (written blind the same way, at least 10 messages for every intent; the
74 of 362 that matched an earlier message dropped: first score 0.844 on 288, 45 misses) and
``intents_holdout8.jsonl`` (written blind the same way, at least 12 messages for every intent; the
71 of 389 that matched an earlier message dropped: first score 0.811 on 318, 60 misses; 1.000
after the gaps they showed were closed, so it is seen now too) and
``intents_holdout9.jsonl`` (written blind the same way, at least 15 messages for every intent; the
52 of 383 that matched an earlier message dropped: first score 0.834 on 331, 55 misses; 1.000
after the gaps they showed were closed, so it is seen now too) and
``intents_holdout10.jsonl`` (written blind the same way, at least 15 messages for every intent;
the 87 of 454 that matched an earlier message dropped: first score 0.842 on 367, 58 misses;
0.992 with the rules alone, 0.995 with the fallback, after the gaps they showed were closed,
so it is seen now too, and the learned fallback is trained on it since) and
``intents_holdout11.jsonl`` (written blind the same way; the 127 of 410 that matched an earlier
message dropped: first score 0.873 with the rules alone, 0.940 with the fallback, on 283;
0.989 after its gaps were closed, so it is seen now too, and the fallback trained on it) and
``intents_holdout12.jsonl`` (written blind the same way; 68 of 343 dropped: first score 0.789
with the rules alone, 0.851 with the fallback; 17 of its misses were questions about Loa
itself, which its writer labelled "about" with no name: relabelled "info", the intent added for
them; 0.945 alone, 0.989 with the fallback after its gaps were closed, so it is seen now too)
and ``intents_holdout13.jsonl`` (written blind the same way, at least 20 for every intent, "info"
included; 97 of 468 dropped: first score 0.779 with the rules alone, 0.849 with the fallback,
on 371; 0.914 alone and 0.973 with the fallback after its gaps were closed, so it is seen now
too) and ``intents_holdout14.jsonl`` (written blind the same way, at least 21 for every intent;
114 of 494 dropped: first score 0.837 with the rules alone, 0.897 with the fallback, on 380;
0.934 alone and 0.989 with the fallback after its gaps were closed, so it is seen now too) and
``intents_holdout15.jsonl`` (written blind the same way, its writer also kept from the history;
144 of 534 dropped: first score 0.826 with the rules alone, 0.892 with the fallback, on 390;
then the fallback was let overrule weak readings (``news.intent_model.weak``), chosen on this
set, which the model had not seen: 0.918; 0.977 after its gaps were closed, so it is seen now
too) and ``intents_holdout16.jsonl`` (written blind the same way, its writer kept from the
history; 154 of 536 dropped: first score 0.874 with the rules alone, 0.942 with the fallback,
on 382; below 0.90 only about, info 19/22 and unknown 20/23; seen since its gaps were closed)
and ``intents_holdout17.jsonl`` (written blind the same way; 167 of 545 dropped: first score
0.836 with the rules alone, 0.921 with the fallback, on 378; below 0.90 greet 21/24,
unsubscribe 18/21, unknown 19/23; seen since its gaps were closed) and
``intents_holdout18.jsonl`` (written blind the same way; 157 of 563 dropped: first score 0.842
with the rules alone, 0.926 with the fallback, on 406; the fallback's overruling of weak
readings, chosen on holdout15, held here too: 7 right, 0 wrong; seen since its gaps were
closed) and ``intents_holdout19.jsonl`` (written blind the same way; 200 of 571 dropped: first
score 0.876 with the rules alone, **0.951 with the fallback**, on 371; below 0.90 stop 17/20 and
unknown 19/22, so the goal's "every intent" is still missed; seen since its gaps were closed)
and ``intents_holdout20.jsonl`` (written blind the same way; 165 of 525 dropped: first score
0.900 with the rules alone, **0.950 with the fallback**, on 360; below 0.90 start and stop
17/20; seen since its gaps were closed) and ``intents_holdout21.jsonl`` (written blind the same
way; 169 of 552 dropped: first score 0.869 with the rules alone, 0.935 with the fallback, on
383; below 0.90 start 20/24, stop 19/22, subscribe 20/23; seen since its gaps were closed)
and ``intents_holdout22.jsonl`` (written blind the same way; 194 of 561 dropped: first score
0.850 with the rules alone, 0.926 with the fallback, on 367; below 0.90 about 16/23 (topic
keywords asked as "có tin gì về …", which issue 22 calls a search), communes, latest, unknown;
0.978 after its gaps were closed: two keywords of one topic now ask for its news, one alone is
still a search) and ``intents_holdout23.jsonl`` (written blind the same way; 187 of 550
dropped: first score 0.851 with the rules alone, 0.931 with the fallback, on 363; below 0.90
about, latest, start, stop, subscriptions; 0.989 after its gaps were closed) and
``intents_holdout24.jsonl`` (written blind the same way; 122 of 582 dropped: first score 0.863
with the rules alone, 0.933 with the fallback, on 460; below 0.90 greet 22/25, subscribe 25/28,
subscriptions 21/26, unknown 21/27; seen since its gaps were closed) and
``intents_holdout25.jsonl`` (written blind the same way, its writer told that one's settings
asked with their time are "subscriptions", so two older labels saying bulletin/quiet "" were
relabelled; 140 of 600 dropped: first score 0.870 with the rules alone, 0.939 with the
fallback, on 460; below 0.90 start 22/25, subscribe 23/27, subscriptions 24/29, unknown 23/28;
seen since its gaps were closed) and ``intents_holdout26.jsonl`` (written blind the same way;
130 of 564 dropped: first score 0.896 with the rules alone, 0.949 with the fallback, on 434;
below 0.90 subscribe 25/28 and subscriptions 22/25; a third older label of one's bulletin time
relabelled subscriptions; seen since its gaps were closed) and ``intents_holdout27.jsonl``
(written blind the same way; 156 of 617 dropped: first score 0.837 with the rules alone, 0.931
with the fallback, on 461; below 0.90 about 26/29, help 24/28, subscribe 22/26,
subscriptions 23/26, unknown 22/24 (two greetings that name where one works read as unknown
with the place offered); seen since its gaps were closed) and ``intents_holdout28.jsonl``
(written blind the same way, its writer voicing twelve invented residents, a retired cadre
among them whose "Đề nghị …" requests no set had held; 140 of 578 dropped: first score 0.833
with the rules alone, 0.913 with the fallback, on 438; below 0.90 about, greet, help, stop,
subscribe, subscriptions, unknown; seen since its gaps were closed) and
``intents_holdout29.jsonl`` (written blind the same way in fourteen invented voices; 131 of 583
dropped: first score 0.872 with the rules alone, 0.942 with the fallback, on 452; below 0.90
communes 24/27, help 21/24, subscriptions 21/25, unknown 22/26; seen since its gaps were
closed) and ``intents_holdout30.jsonl`` (written blind the same way in fourteen voices chosen
to differ from the usual ones: letters ("Kính gửi Loa, … Trân trọng"), words run together
("tinchinhtri"), Lao greetings, English; 99 of 597 dropped: first score 0.791 with the rules
alone, 0.882 with the fallback, on 498, the lowest since holdout13; below 0.90 about, greet,
help, latest, start, subscribe, subscriptions, unknown; seen since its gaps were closed) and
``intents_holdout31.jsonl`` (written blind the same way in twelve voices, ordinary and unusual;
158 of 612 dropped: first score 0.866 with the rules alone, **0.952 with the fallback**, on
454; every intent at 0.90 or more but unknown 19/24: three of its five misses are messages
naming a place read as "unknown" with that place's news offered, which the writers label
unknown with no place; seen since its gaps were closed) and ``intents_holdout32.jsonl`` with
``intents_holdout33.jsonl`` (written blind by two writers at once, after "unknown" was scored
on its intent alone (``news.intents_eval.correct``) and the fallback let overrule readings it
is all but sure of (``news.intent_model.OVERRULE``, chosen on earlier first looks): one first
look of the two pooled, 0.843 with the rules alone, 0.943 with the fallback, on 896; below
0.90 latest 45/51, search 45/54, help 43/50; seen since their gaps were closed) and
``intents_holdout34.jsonl`` with ``intents_holdout35.jsonl`` (written blind the same way while
those gaps were closed; the fallback now also reading the words as the rules read them: one
first look of the two pooled, 0.870 with the rules alone, 0.947 with the fallback, on 948;
holdout34 0.885 / 0.953, holdout35 0.855 / 0.942; below 0.90 subscribe 50/56 ("theo dõi X"
overruled as "bỏ theo dõi": the model no longer turns one into the other) and search 46/56
(a subject alone or read about: "mac ca", "xem bài giải bóng đá"); seen since) and
``intents_holdout36.jsonl`` with ``intents_holdout37.jsonl`` (written blind the same way while
those gaps were closed: one first look of the two pooled, 0.886 with the rules alone,
**0.971 with the fallback**, on 891, every intent at 0.90 or more, and so in each set alone
(holdout36 0.897 / 0.973, holdout37 0.874 / 0.969): issue 22's goal met on a blind first look,
the third of this kind; its misses, closed since, showed "tôi muốn dừng nhận tin" read as a
start, an old bug),
reads each as the app does (``bot.wording.meaning``: "/" commands and the whole messages naming
/stop go to the command table first, as in ``bot.commands.Commands.handle``, a command's argument
read as its handler reads it: "/dangky thanh nua" is xã Thanh Nưa; everything else to
``news.intents.IntentParser`` for Điện Biên) and prints, per set, accuracy per
intent, overall accuracy, and every miss (expected -> found). A case counts when both the
intent and its argument (commune, topic, time, search words) are right.
Goals: overall >= 0.95 and every intent >= 0.90, on each set. The blind writers of holdout24
onwards were given ``bench/intents_writer_brief.md``; give it to the writer of the next one.

``--fallback`` adds the learned fallback (``news.intent_model``, trained by
``bench/train_intents.py`` on every set but the last blind one) after
the rules and
prints, per set, the rules alone beside rules + fallback: accuracy per intent, the misses turned
right and the right answers turned wrong, and the time per message. A change of subscriptions
the fallback proposes is only asked back ("Có phải … không?", one button); the bench counts that
suggestion as its intent, as the resident's one tap on "Có" makes it. Its first and only run on
holdout10 (the constants chosen beforehand on the other sets, ``bench/train_intents.py
--choose``): 0.842 -> 0.896, 22 of the 58 misses right, 2 right answers wrong, both "unknown"
(20/20 -> 18/20: one greeted, one asked "Có phải … đăng ký …?", both harmless). The app uses it
(``bot.wording.meaning``), so the plain run scores rules + fallback; ``--fallback`` shows the
rules alone beside it. Since then a place the rules found keeps its offer (its news and a button
to subscribe) rather than a guess of about/subscribe: holdout10 0.894; then the rules closed its
gaps: 0.992 alone, 0.995 with the fallback (two "unknown" still guessed).

    .venv/bin/python bench/intents_bench.py [--quiet] [--fallback]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.catalog import build_catalog
from bot.wording import meaning
from news.intents import Intent, IntentParser
from news.intents_eval import Report, evaluate, parse_cases

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "tuning": ROOT / "tests/fixtures/intents_eval.jsonl",
    "holdout": ROOT / "tests/fixtures/intents_holdout.jsonl",
    # Written after the first holdout had been looked at (and its misses fixed): unseen again.
    "holdout2": ROOT / "tests/fixtures/intents_holdout2.jsonl",
    # Written after every set above scored 1.000, before the parser was read: unseen again.
    "holdout3": ROOT / "tests/fixtures/intents_holdout3.jsonl",
    # Written blind (parser and every set above unread) after all of them scored 1.000; seen
    # since its misses were fixed.
    "holdout4": ROOT / "tests/fixtures/intents_holdout4.jsonl",
    # Written blind (parser, its word lists and every set above unread) after all of them scored
    # 1.000; the 38 of 203 that matched an earlier message word for word dropped. First score
    # 0.939; seen since its misses were fixed.
    "holdout5": ROOT / "tests/fixtures/intents_holdout5.jsonl",
    # Written blind (parser, its word lists and every set above unread) after all of them scored
    # 1.000; the 55 of 259 that matched an earlier message word for word (case and diacritics
    # ignored) dropped. First score 0.956 (9 misses; subscriptions 3/4, stop 4/5).
    "holdout6": ROOT / "tests/fixtures/intents_holdout6.jsonl",
    # Written blind (parser, its word lists and every set above unread; never run before its
    # commit) after all of them scored 1.000; the 74 of 362 that matched an earlier message
    # (case and diacritics ignored) dropped, at least 10 left for every intent. First score 0.844
    # (45 misses; below 0.90: start 3/14, topics 8/15, stop 8/13, subscriptions 7/10, help 11/15,
    # thanks 11/14, communes 13/15); labels reviewed, none changed.
    "holdout7": ROOT / "tests/fixtures/intents_holdout7.jsonl",
    # Written blind (parser, its word lists and every set above unread; committed before it was
    # ever scored) after holdout7's misses were worked on; the 71 of 389 that matched an earlier
    # message (case and diacritics ignored) dropped, at least 12 left for every intent. First
    # score 0.811 (60 misses; below 0.90: start 2/18, subscriptions 8/16, stop 11/19, greet
    # 12/18, help 11/16, communes 15/19, thanks 15/18); labels reviewed, none changed. 1.000
    # after the gaps they showed were closed; seen since.
    "holdout8": ROOT / "tests/fixtures/intents_holdout8.jsonl",
    # Written blind (parser, its word lists and every set above unread; committed before it was
    # ever scored) after holdout8's misses were worked on; the 52 of 383 that matched an earlier
    # message (case and diacritics ignored) dropped, at least 15 left for every intent. First
    # score 0.834 (55 misses; below 0.90: start 8/17, communes 9/17, stop 11/18, greet 13/18,
    # help 15/19, unsubscribe 19/23, subscriptions 16/19, subscribe 23/27, search 20/23,
    # topics 15/17, unknown 16/18). 1.000 after the gaps they showed were closed; seen since.
    "holdout9": ROOT / "tests/fixtures/intents_holdout9.jsonl",
    # Written blind (parser, its word lists and every set above unread; committed before it was
    # ever scored) after holdout9's misses were worked on; the 87 of 454 that matched an earlier
    # message (case and diacritics ignored) dropped, at least 17 left for every intent. First
    # score 0.842 (58 misses; below 0.90: start 13/24, stop 16/24, greet 15/22, unsubscribe
    # 19/25, communes 16/20, topics 14/17, bulletin 22/26, latest 25/29, subscribe 24/27, help
    # 17/19). 0.894 with the learned fallback at its first run. 0.992 with the rules alone and
    # 0.995 with the fallback after the gaps its misses showed were closed, by families of
    # wording (English loanwords, receiving again, stopping, a name refused after it, …); seen
    # since (the fallback is still not trained on it).
    "holdout10": ROOT / "tests/fixtures/intents_holdout10.jsonl",
    # Written blind (parser, its word lists, its learned model and every set above unread;
    # committed before it was ever scored) after holdout10's misses were worked on; the 127 of
    # 410 that matched an earlier message (case and diacritics ignored) dropped, at least 14 left
    # for every intent. First score: rules alone 0.873, rules + learned fallback (trained on
    # every set above, never this one) 0.940 (17 misses; below 0.90: thanks 11/14, start 12/15,
    # subscriptions 13/16, stop 14/17, unknown 13/15). Looked at; after its gaps were closed
    # (by families of wording in the rules): 0.989 (rules alone 0.922); seen now.
    "holdout11": ROOT / "tests/fixtures/intents_holdout11.jsonl",
    # Written blind (parser, its word lists, its learned model and every set above unread;
    # committed before it was ever scored) after holdout11's gaps were closed; the 68 of 343 that
    # matched an earlier message (case and diacritics ignored) dropped, at least 15 left for every
    # intent. First score: rules alone 0.789, with the learned fallback 0.851 (41 misses). 17 of
    # them are one family its writer labelled "about" with no argument: questions about Loa
    # itself ("bot này của ai", "tin lấy nguồn từ đâu", "có phải lừa đảo không"), an intent Loa
    # lacked (it answered them as help or not at all); relabelled "info", the intent added for
    # them. After its gaps were closed: 0.945 alone, 0.989 with the fallback; seen now.
    "holdout12": ROOT / "tests/fixtures/intents_holdout12.jsonl",
    # Written blind (parser, word lists, model and every set above unread); never run before its
    # commit. First score 0.779 rules alone, 0.849 with the fallback (371); seen since.
    "holdout13": ROOT / "tests/fixtures/intents_holdout13.jsonl",
    # Written blind (parser, word lists, model and every set above unread); never run before its
    # commit.
    # First score 0.837 rules alone, 0.897 with the fallback (380); seen since.
    "holdout14": ROOT / "tests/fixtures/intents_holdout14.jsonl",
    # Written blind (parser, word lists, model, history and every set above unread);
    # never run before its commit.
    # First score 0.826 rules alone, 0.892 with the fallback (390); seen since.
    "holdout15": ROOT / "tests/fixtures/intents_holdout15.jsonl",
    # Written blind (parser, word lists, model, history and every set above unread);
    # never run before its commit.
    # First score 0.874 rules alone, 0.942 with the fallback (382); seen since.
    "holdout16": ROOT / "tests/fixtures/intents_holdout16.jsonl",
    # Written blind (parser, word lists, model, history and every set above unread); never run
    # before its commit.
    # First score 0.836 rules alone, 0.921 with the fallback (378); seen since.
    "holdout17": ROOT / "tests/fixtures/intents_holdout17.jsonl",
    # Written blind (parser, word lists, model, history and every set above unread); never run
    # before its commit.
    # First score 0.842 rules alone, 0.926 with the fallback (406); seen since.
    "holdout18": ROOT / "tests/fixtures/intents_holdout18.jsonl",
    # Written blind (parser, word lists, model, history and every set above unread); never run
    # before its commit.
    # First score 0.876 rules alone, 0.951 with the fallback (371; stop 17/20, unknown 19/22).
    "holdout19": ROOT / "tests/fixtures/intents_holdout19.jsonl",
    # Written blind (parser, word lists, model, history and every set above unread); never run
    # before its commit.
    # First score 0.900 rules alone, 0.950 with the fallback (360; start, stop 17/20).
    "holdout20": ROOT / "tests/fixtures/intents_holdout20.jsonl",
    # Written blind (parser, word lists, model, history and every set above unread); never run
    # before its commit.
    # First score 0.869 rules alone, 0.935 with the fallback (383); seen since.
    "holdout21": ROOT / "tests/fixtures/intents_holdout21.jsonl",
    # Written blind (parser, word lists, model, history and every set above unread); never run
    # before its commit.
    # First score 0.850 rules alone, 0.926 with the fallback (367); seen since.
    "holdout22": ROOT / "tests/fixtures/intents_holdout22.jsonl",
    # Written blind (parser, word lists, model, history and every set above unread); never run
    # before its commit.
    # First score 0.851 rules alone, 0.931 with the fallback (363); looked at, not tuned on.
    "holdout23": ROOT / "tests/fixtures/intents_holdout23.jsonl",
    "holdout24": ROOT / "tests/fixtures/intents_holdout24.jsonl",
    "holdout25": ROOT / "tests/fixtures/intents_holdout25.jsonl",
    "holdout26": ROOT / "tests/fixtures/intents_holdout26.jsonl",
    "holdout27": ROOT / "tests/fixtures/intents_holdout27.jsonl",
    "holdout28": ROOT / "tests/fixtures/intents_holdout28.jsonl",
    "holdout29": ROOT / "tests/fixtures/intents_holdout29.jsonl",
    "holdout30": ROOT / "tests/fixtures/intents_holdout30.jsonl",
    "holdout31": ROOT / "tests/fixtures/intents_holdout31.jsonl",
    # Written blind by two writers at once, from bench/intents_writer_brief.md; 12 of holdout33
    # matching holdout32 or an earlier set dropped by the lead (counts only). One first look,
    # the two pooled, decided the goal (pre-registered before they were written): 0.843 rules
    # alone, 0.943 with the fallback (896; below 0.90 latest 45/51, search 45/54, help 43/50);
    # holdout32 0.847 / 0.940, holdout33 0.838 / 0.946. Seen since its gaps were closed.
    "holdout32": ROOT / "tests/fixtures/intents_holdout32.jsonl",
    "holdout33": ROOT / "tests/fixtures/intents_holdout33.jsonl",
    # Written blind by two writers at once, from the same brief, while holdout32/33's gaps were
    # being closed (not opened until registered); 4 of holdout35 matching holdout34 or an
    # earlier set dropped by the lead (counts only). One first look, the two pooled: 0.870
    # rules alone, 0.947 with the fallback (948; subscribe 50/56, search 46/56). Seen since.
    "holdout34": ROOT / "tests/fixtures/intents_holdout34.jsonl",
    "holdout35": ROOT / "tests/fixtures/intents_holdout35.jsonl",
    # Written blind by two writers at once while holdout34/35's gaps were being closed (not
    # opened until registered); 5 of holdout37 matching holdout36 or an earlier set dropped by
    # the lead (counts only). One first look, the two pooled: 0.886 rules alone, **0.971** with
    # the fallback (891), every intent at 0.90 or more, in each set too (holdout36 0.897 /
    # 0.973, holdout37 0.874 / 0.969): the goal met on a blind first look. Seen since.
    "holdout36": ROOT / "tests/fixtures/intents_holdout36.jsonl",
    "holdout37": ROOT / "tests/fixtures/intents_holdout37.jsonl",
}
OVERALL_GOAL, INTENT_GOAL = 0.95, 0.90


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quiet", action="store_true", help="no list of misses")
    parser.add_argument("--fallback", action="store_true", help="rules + learned fallback")
    args = parser.parse_args()
    intents = IntentParser(build_catalog("Điện Biên").resolver)
    if args.fallback:
        return compare(intents)
    failed = False
    for name, path in SETS.items():
        cases = parse_cases(path.read_text(encoding="utf-8").splitlines())
        started = time.perf_counter()
        report = evaluate(lambda text: counted(meaning(text, intents)), cases)
        per_message = (time.perf_counter() - started) / len(cases) * 1000
        print(f"\n== {name}: {len(cases)} messages ({path.name}), {per_message:.2f} ms each")
        print(f"{'intent':14} {'accuracy':>8} {'right':>6} {'total':>6}")
        for intent, score in sorted(report.scores.items()):
            print(f"{intent:14} {score.accuracy:8.3f} {score.right:6d} {score.total:6d}")
        print(f"{'overall':14} {report.overall:8.3f}")
        if not args.quiet:
            for miss in report.misses:
                expected = f"{miss.case.intent} {miss.case.args!r}"
                print(f"- {miss.case.text!r}: expected {expected}, found {miss.found}")
        below = report.below(INTENT_GOAL)
        met = report.overall >= OVERALL_GOAL and not below
        failed |= not met
        print(
            f"goal overall {OVERALL_GOAL}, each intent {INTENT_GOAL}: "
            + ("met" if met else f"missed (overall {report.overall:.3f}; below: {below})")
        )
    return 1 if failed else 0


def counted(intent: Intent) -> Intent:
    """A suggestion of the fallback, asked back with one button, counts as its intent."""
    return intent.guess if intent.guess is not None and intent.guess.learned else intent


def compare(intents: IntentParser) -> int:
    """Each set read by the rules alone and by rules + fallback, side by side."""
    for name, path in SETS.items():
        cases = parse_cases(path.read_text(encoding="utf-8").splitlines())
        started = time.perf_counter()
        rules = evaluate(lambda text: meaning(text, intents, learned=False), cases)
        rules_ms = (time.perf_counter() - started) / len(cases) * 1000
        started = time.perf_counter()
        both = evaluate(lambda text: counted(meaning(text, intents)), cases)
        both_ms = (time.perf_counter() - started) / len(cases) * 1000
        print(f"\n== {name}: {len(cases)} messages ({path.name})")
        print(f"{'intent':14} {'rules':>6} {'+model':>6} {'total':>6}")
        for intent in sorted(rules.scores):
            was, now = rules.scores[intent], both.scores[intent]
            mark = " worse" if now.right < was.right else ""
            print(f"{intent:14} {was.right:6d} {now.right:6d} {was.total:6d}{mark}")
        right, wrong = _turned(rules, both)
        print(
            f"{'overall':14} {rules.overall:6.3f} {both.overall:6.3f}; misses turned right "
            f"{right}, right answers turned wrong {wrong}; {rules_ms:.2f} -> {both_ms:.2f} ms each"
        )
    return 0


def _turned(rules: Report, both: Report) -> tuple[int, int]:
    """(rules' misses right with the fallback, rules' right answers wrong with it)."""
    missed = Counter(miss.case for miss in rules.misses)
    still = Counter(miss.case for miss in both.misses)
    return (missed - still).total(), (still - missed).total()


if __name__ == "__main__":
    raise SystemExit(main())
