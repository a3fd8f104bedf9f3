"""CamelCase hashtags from a post's topic: word pairs that stand together in it, then single words."""

from __future__ import annotations

import re

STOP_WORDS = frozenset(
    "a an the our your their my his her this that these those of for and or but to in on at by with from about into "
    "onto over under around after before during across via per than then so too also up out off if not no new now "
    "we us you it its is are was were be been has have had will would can could should do does did "
    "how what why when who which get make makes making way ways tip tips thing things thanks thank "
    "last longer more most best very just some any all each every one two three four five six seven eight nine ten "
    "post posts caption captions video videos script reel reels story stories carousel slides update week today "
    "here there please back stock weekend month year day days".split()
)
_TOKEN = re.compile(r"\w+(?:['’]\w+)*(?:-\w+)*|[^\w\s]+")  # "we're" is one token, and not a word
_WORD = re.compile(r"[^\W\d_][^\W_]+|[^\W\d_]+(?:-[^\W\d_]+)+")  # "candle", "Q3", "pop-up"


def topic_words(topic: str) -> list[list[str]]:
    """The topic's meaningful words, capitalised, in runs: a stop word, a number or punctuation ends a run."""
    runs: list[list[str]] = [[]]
    for token in _TOKEN.findall(re.sub(r"['’]s\b", "", topic)):  # possessives: "month's" is "month"
        if _WORD.fullmatch(token) and token.lower() not in STOP_WORDS:
            runs[-1].append(
                "".join(part if part.isupper() else part[:1].upper() + part[1:].lower() for part in token.split("-"))
            )
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def valid_tags(tags: list[str]) -> list[str]:
    """Tags a platform takes (a letter, then 2 to 29 letters or digits), each once."""
    return [tag for tag in dict.fromkeys(tags) if re.fullmatch(r"#[^\W\d_]\w{2,29}", tag)]


def pairs_and_words(topic: str, pairs: int, singles: int) -> tuple[list[str], list[str]]:
    """Up to `pairs` tags of two words next to each other in the topic, and up to `singles` of one word."""
    runs = topic_words(topic)
    joined = [f"#{a}{b}" for run in runs for a, b in zip(run, run[1:], strict=False)]
    words = [f"#{word}" for run in runs for word in run if len(word) >= 4]
    return valid_tags(joined)[:pairs], valid_tags(words)[:singles]


def topic_tags(topic: str, *, pairs: int = 2, singles: int = 3) -> list[str]:
    """CamelCase tags from a topic: adjacent word pairs first (#WinterCandle), then single words (#Candle)."""
    joined, words = pairs_and_words(topic, pairs, singles)
    return list(dict.fromkeys(joined + words))
