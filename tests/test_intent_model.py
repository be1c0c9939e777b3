"""The learned fallback of the intent parser (``news.intent_model``, issue 22): the committed
model's readings, its threshold, suggestions for what changes subscriptions, and that the
committed file is what ``bench/train_intents.py`` makes of the labelled sets."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from news.intent_model import MODEL_PATH, IntentModel, fallback, features, load, train
from news.intents import (
    BULLETIN,
    GREET,
    MINE,
    START,
    STOP,
    SUBSCRIBE,
    THANKS,
    UNKNOWN,
    UNSUBSCRIBE,
    Intent,
)
from news.resolve import Choice, ChoiceKind

ROOT = Path(__file__).resolve().parents[1]
THANH_NUA = Choice(ChoiceKind.COMMUNE, "Thanh Nưa", "xã Thanh Nưa")
# A tiny model, so that each case below is about the fallback's rules, not the training data.
EXAMPLES = [
    ("dung gui tin", "stop"),
    ("dung nhan tin nua", "stop"),
    ("bo theo doi xa", "unsubscribe"),
    ("bo theo doi chu de", "unsubscribe"),
    ("theo doi xa", "subscribe"),
    ("theo doi chu de", "subscribe"),
    ("tin moi nhat", "latest"),
    ("xem tin moi", "latest"),
    ("tin xa nay", "about"),
    ("xa nay co tin", "about"),
    ("con lon bi om", "unknown"),
    ("mua dat o dau", "unknown"),
    ("ban tin luc 7h", "bulletin"),
    ("gui ban tin 6h toi", "bulletin"),
]


def tiny(threshold: float = 0.5) -> IntentModel:
    return train(EXAMPLES, alpha=0.05, scale=8.0, threshold=threshold, min_count=1)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("cảm ơn loa nhiều nhé", "thanks"),
        ("huong dan su dung", "help"),
        ("cho xem tin moi nhat", "latest"),
        ("danh sach cac xa", "communes"),
        ("co nhung chu de nao", "topics"),
        ("bo theo doi xa muong phang", "unsubscribe"),
        ("gui ban tin luc 6h sang", "bulletin"),
        ("con lon nha toi bi om", "unknown"),
    ],
)
def test_the_committed_model_reads_plain_messages(text: str, intent: str) -> None:
    found, probability = load().predict(text)
    assert (found, probability >= load().threshold) == (intent, True)


def test_features_are_words_pairs_and_letters_folded() -> None:
    found = features("Đăng ký")
    assert {"w:dang", "w:ky", "b:dang ky", "c:<da", "c:<dan", "c:<dang", "c:ng>"} <= found
    assert features("") == set() and features("👍") == set()


@pytest.mark.parametrize(
    ("rules", "text", "expected"),
    [
        # the rules understood: the model overrules them only when all but sure (OVERRULE),
        # and asks back what would change what one receives
        (Intent("latest", "3"), "bo theo doi xa", Intent("latest", "3")),  # 0.86
        (Intent("help"), "xem tin", Intent("help")),  # 0.92
        (Intent("latest", "3"), "dung gui tin", Intent(UNKNOWN, guess=Intent(STOP, learned=True))),
        (Intent("help"), "xem tin moi nhat", Intent("latest")),
        # a subscription naming its commune, and the latest news, are no guess to make about it
        (
            Intent(SUBSCRIBE, "xã Thanh Nưa", THANH_NUA),
            "xem tin moi nhat",
            Intent(SUBSCRIBE, "xã Thanh Nưa", THANH_NUA),
        ),
        # help asked how ("làm sao để …", "how do I …") stands whatever the model says
        (Intent("help"), "lam sao de xem tin moi nhat", Intent("help")),
        (Intent("help"), "how do I xem tin moi nhat", Intent("help")),
        # a time to set overrules an understood reading only when the message says one
        (Intent(MINE), "gui ban tin", Intent(MINE)),
        (
            Intent(MINE),
            "gui ban tin luc 7h",
            Intent(UNKNOWN, guess=Intent(BULLETIN, "07:00", learned=True)),
        ),
        # readings never overruled: start and stop, the social ones, several names at once
        (Intent(START), "dung gui tin", Intent(START)),
        (Intent(GREET), "xem tin moi nhat", Intent(GREET)),
        (Intent(THANKS), "dung gui tin", Intent(THANKS)),
        (
            Intent(SUBSCRIBE, "xã Thanh Nưa", THANH_NUA, more=(Intent(SUBSCRIBE),)),
            "dung gui tin",
            Intent(SUBSCRIBE, "xã Thanh Nưa", THANH_NUA, more=(Intent(SUBSCRIBE),)),
        ),
        # a weak reading ("latest" from a news word alone, a subscription naming nothing):
        # overruled by a confident model, asked back when it changes what one receives
        (Intent("latest"), "dung gui tin", Intent(UNKNOWN, guess=Intent(STOP, learned=True))),
        (Intent(SUBSCRIBE), "xem tin moi nhat", Intent("latest")),
        (Intent("latest"), "xem tin moi nhat", Intent("latest")),
        # the rules ask back about a typo already: kept
        (
            Intent(UNKNOWN, guess=Intent(SUBSCRIBE)),
            "dung gui tin",
            Intent(UNKNOWN, guess=Intent(SUBSCRIBE)),
        ),
        # harmless: answered directly
        (Intent(UNKNOWN), "xem tin moi nhat", Intent("latest")),
        # stop, unsubscribe, subscribe: only asked back, with the rules' name
        (Intent(UNKNOWN), "dung gui tin", Intent(UNKNOWN, guess=Intent(STOP, learned=True))),
        (
            Intent(UNKNOWN, "xã Thanh Nưa", THANH_NUA),
            "bo theo doi xã Thanh Nưa",
            Intent(
                UNKNOWN,
                "xã Thanh Nưa",
                THANH_NUA,
                guess=Intent(UNSUBSCRIBE, "xã Thanh Nưa", THANH_NUA, learned=True),
            ),
        ),
        # a place the rules found, with a reading its offer already covers (its news, a button
        # to subscribe): the offer stands
        (
            Intent(UNKNOWN, "xã Thanh Nưa", THANH_NUA),
            "theo doi xã Thanh Nưa",
            Intent(UNKNOWN, "xã Thanh Nưa", THANH_NUA),
        ),
        (
            Intent(UNKNOWN, "xã Thanh Nưa", THANH_NUA),
            "tin xa nay",
            Intent(UNKNOWN, "xã Thanh Nưa", THANH_NUA),
        ),
        # a commune's news needs the commune the rules found
        (Intent(UNKNOWN), "tin xa nay", Intent(UNKNOWN)),
        # the model's own "not understood" changes nothing
        (Intent(UNKNOWN), "con lon bi om", Intent(UNKNOWN)),
    ],
)
def test_fallback(rules: Intent, text: str, expected: Intent) -> None:
    assert fallback(rules, text, tiny()) == expected


def test_the_threshold_is_respected() -> None:
    text = "dung gui tin"
    _, probability = tiny().predict(text)
    assert 0.5 < probability < 1.0
    assert fallback(Intent(UNKNOWN), text, tiny(threshold=probability + 1e-9)) == Intent(UNKNOWN)
    asked = fallback(Intent(UNKNOWN), text, tiny(threshold=probability))
    assert asked.guess == Intent(STOP, learned=True)


def test_stop_and_unsubscribe_are_never_done_on_a_guess() -> None:
    """Whatever the committed model proposes, a change of subscriptions is a question."""
    model = load()
    for text in ("khong muon nhan tin nua", "bo theo doi xa muong phang", "dung gui tin nua"):
        found = fallback(Intent(UNKNOWN), text, model)
        assert found.name == UNKNOWN, text
        assert found.guess is not None and found.guess.learned, text


def test_the_model_round_trips_through_json() -> None:
    model = tiny()
    again = IntentModel.from_json(model.to_json())
    assert again.to_json() == model.to_json()
    assert again.predict("dung gui tin") == model.predict("dung gui tin")


def _script() -> ModuleType:
    sys.path.insert(0, str(ROOT))
    spec = importlib.util.spec_from_file_location("train_intents", ROOT / "bench/train_intents.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_model_is_what_the_training_script_makes() -> None:
    """Regenerated from the labelled sets (never a blind set), byte for byte; small."""
    script = _script()
    sets = script.training_sets()
    assert {"holdout38", "holdout39"}.isdisjoint(sets) and "holdout37" in sets and len(sets) >= 38
    assert script.build(sets).to_json() == MODEL_PATH.read_text(encoding="utf-8")
    assert MODEL_PATH.stat().st_size < 1_000_000
