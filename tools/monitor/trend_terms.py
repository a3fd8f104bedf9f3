"""Reading mentions' text into candidate terms: words and hashtags, 1-3-word phrases, the brand cut out."""

from __future__ import annotations

import html
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

MAX_WORDS = 3
MAX_TERM_CHARS = 40
MAX_EXAMPLE_CHARS = 140
MAX_EXAMPLES = 3
_MAX_WORD_IDS = 2_000_000  # n-gram codes are id**3 in int64
_MIN_SQUASHED_IN_HASHTAG = 4

STOP_WORDS = frozenset(
    """a about above actually after again against ah all almost also am an and another any anyone anything are aren't
    around as at away be because been before being below between both but by can can't cannot could couldn't did
    didn't do does doesn't doing don't done down during each either else even ever every for from further get gets
    getting go goes going gonna got gotta had hadn't has hasn't have haven't having he he'd he'll her here hers
    herself him himself his how i i'd i'll i'm i've idk if im imo in into is isn't it it'll it's its itself just
    know let like literally lmao lol lot lots maybe me might mine more most much must my myself no nor not now of
    off oh ok okay omg on once one only or other our ours ourselves out over own please pls pretty quite really rt
    same she she'd she'll should shouldn't so some still such sure than that that's the their theirs them themselves
    then there there's these they they'd they'll they're they've thing things this those though through thx to today
    tomorrow tonight too totally u under until up upon ur us very via wanna want was wasn't way we we'd we'll we're
    we've well were weren't what what's when where which while who who's whom why will with won't would wouldn't
    yeah yes yesterday yet you you'd you'll you're you've your yours yourself yourselves""".split()
)

# Control and invisible characters (zero-width, bidirectional controls, soft hyphen, BOM) are dropped; line
# breaks become a token of their own that breaks phrases.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_BREAK_TOKEN = "\x00"
_URL = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w&#])#([^\W\d_]\w*)")
# Inside one whitespace-separated token: links, @handles, #tags and punctuation break a phrase (no group); words
# (letters and digits with inner apostrophes) and '&' are group 1; what lies between ('-', '_', "'") joins words.
_PIECE = re.compile(r"(?:https?://|www\.)\S*|@\S*|#\w*|[^\w'&-]+|([^\W_]+(?:'[^\W_]+)*|&)", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_SPACE = re.compile(r"\s+")

# --- Reading text ------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Text with HTML entities unescaped, NFKC-normalised, control and invisible characters dropped."""
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _INVISIBLE.sub("", text) if not text.isprintable() else text


def _readable(text: str) -> str:
    """Cleaned text with one kind of apostrophe and each line break a token of its own."""
    text = _clean(text)
    if not text.isprintable():
        text = _LINE_BREAK.sub(f" {_BREAK_TOKEN} ", text)
    return text.replace("\u2019", "'") if "\u2019" in text else text


def _key(word: str) -> str:
    """The counting form of a word: lower case, '&' as "and", no trailing possessive "'s"."""
    if word == "&":
        return "and"
    key = word.lower()
    return key[:-2] if key.endswith("'s") and len(key) > 2 else key


def _can_edge(key: str) -> bool:
    """Whether a word may start or end a phrase: not a stop word, has a letter, longer than one character."""
    return len(key) > 1 and key not in STOP_WORDS and _LETTER.search(key) is not None


class Brand:
    """The excluded names as word sequences to cut out of text, and squashed (letters only) for hashtags."""

    def __init__(self, exclude: Iterable[str]) -> None:
        names: set[tuple[str, ...]] = set()
        compound: set[str] = set()
        for item in exclude:
            text = _clean(item).replace("\u2019", "'").strip().lstrip("@#")
            words = [_key(word) for word in _PIECE.findall(text) if word]
            camel = [part.lower() for part in _CAMEL.findall(text)]
            for sequence in (words, camel):
                for variant in (sequence, [word for word in sequence if word != "and"]):
                    if variant:
                        names.update({tuple(variant), ("".join(variant),)})
                        if len(variant) > 1:
                            compound.add("".join(variant))
        self.names = sorted(names, key=lambda name: (-len(name), name))
        self.squashed = frozenset(name[0] for name in names if len(name) == 1)
        self.compound = frozenset(compound)  # squashed names of two or more words: distinctive inside a hashtag
        self._hashtags: dict[str, bool] = {}

    def owns_hashtag(self, key: str) -> bool:
        """Whether a lower-case hashtag is the brand's: "#kettleember", "#lovekettleember", "#emberlove".

        Its letters equal a name, contain a name of two or more words, or start with a one-word name of 4+
        letters (so the brand "Ember" owns "#emberlove" but not "#december").
        """
        owned = self._hashtags.get(key)
        if owned is None:
            letters = key[1:].replace("_", "")
            owned = (
                letters in self.squashed
                or any(name in letters for name in self.compound)
                or any(len(name) >= _MIN_SQUASHED_IN_HASHTAG and letters.startswith(name) for name in self.squashed)
            )
            self._hashtags[key] = owned
        return owned


@dataclass(frozen=True)
class Words:
    """Mentions as one array of word ids (0 breaks a phrase; each mention starts with one) and their hashtags."""

    ids: np.ndarray
    owner: np.ndarray  # the mention each position belongs to
    hashtags: list[list[str]]  # per mention, as written, without '#'


class Vocabulary:
    """Word ids shared by the recent and baseline mentions of one call; each distinct token is parsed once."""

    def __init__(self) -> None:
        self.keys: list[str] = [""]
        self.edge: list[bool] = [False]
        self._ids: dict[str, int] = {}
        self._tokens: dict[str, tuple[int, ...]] = {_BREAK_TOKEN: (0,)}

    def id_of(self, key: str) -> int | None:
        """The id of a counting form seen so far, or None."""
        return self._ids.get(key)

    def read(self, texts: Sequence[str], brand: Brand) -> Words:
        """The words of the texts as ids, with the brand's names cut out."""
        flat = array("q")
        lengths: list[int] = []
        hashtags: list[list[str]] = []
        tokens = self._tokens
        for text in texts:
            text = _readable(text)
            before = len(flat)
            flat.append(0)
            for token in text.split():
                ids = tokens.get(token)
                if ids is None:
                    ids = tokens[token] = self._read_token(token)
                flat.extend(ids)
            lengths.append(len(flat) - before)
            hashtags.append(_HASHTAG.findall(_URL.sub(" ", text)) if "#" in text else [])
        ids = np.array(flat, dtype=np.int64)
        self._cut(ids, brand)
        return Words(ids, np.repeat(np.arange(len(lengths), dtype=np.int64), lengths), hashtags)

    def _read_token(self, token: str) -> tuple[int, ...]:
        """The word ids of one whitespace-separated token, 0 where a phrase must break."""
        if token.isalnum():  # the common case, a plain word: no need for the pattern
            return (self._id(_key(token)),)
        pieces = []
        for word in _PIECE.findall(token):
            if not word:
                pieces.append(0)
                continue
            pieces.append(self._id(_key(word)))
        return tuple(pieces) or (0,)  # a lone dash or quote between words breaks the phrase

    def _id(self, key: str) -> int:
        """The id of a counting form, given a new one if it is new."""
        known = self._ids.get(key)
        if known is None:
            known = self._ids[key] = len(self.keys)
            self.keys.append(key)
            self.edge.append(_can_edge(key))
        return known

    def _cut(self, ids: np.ndarray, brand: Brand) -> None:
        """Replace every occurrence of the brand's names by breaks, longest names first."""
        for name in brand.names:
            name_ids = [self._ids.get(word) for word in name]
            if None in name_ids or len(name_ids) > len(ids):
                continue
            span = len(ids) - len(name_ids) + 1
            at = ids[:span] == name_ids[0]
            for offset, word in enumerate(name_ids[1:], start=1):
                at &= ids[offset : offset + span] == word
            starts = np.flatnonzero(at)
            for offset in range(len(name_ids)):
                ids[starts + offset] = 0


# --- Counting ----------------------------------------------------------------------------------------------


def _grams(ids: np.ndarray, edge: np.ndarray, base: int) -> tuple[np.ndarray, np.ndarray]:
    """Code (a*base² + b*base + c, 0 for absent words) and start of every 1-3-gram of compact ids.

    Compact id 0 is unusable (a break, or a word that cannot be in a wanted phrase); both ends must be `edge`.
    """
    usable, ok = ids > 0, edge[ids]
    starts = [np.flatnonzero(ok), np.flatnonzero(ok[:-1] & ok[1:]), np.flatnonzero(ok[:-2] & usable[1:-1] & ok[2:])]
    codes = [ids[starts[0]] * base**2, ids[starts[1]] * base**2 + ids[starts[1] + 1] * base]
    codes.append(ids[starts[2]] * base**2 + ids[starts[2] + 1] * base + ids[starts[2] + 2])
    return np.concatenate(codes), np.concatenate(starts)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (by sorting: `np.unique` hashes, many times slower on a million integers)."""
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values, ascending, and the index of each value among them."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.concatenate(([True], ordered[1:] != ordered[:-1])) if len(ordered) else np.zeros(0, dtype=bool)
    index = np.empty(len(values), dtype=np.int64)
    index[order] = np.cumsum(first) - 1
    return ordered[first], index


def _compact(keep: np.ndarray, vocabulary: Vocabulary) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Ids 1..W for the kept words: (full -> compact map, compact -> full ids, edge by compact id, base W + 1)."""
    full = np.flatnonzero(keep)
    if len(full) >= _MAX_WORD_IDS:
        raise ValueError(f"too many distinct words ({len(full)}) for one call; pass a shorter window of mentions")
    compact = np.zeros(len(keep), dtype=np.int64)
    compact[full] = np.arange(1, len(full) + 1)
    edge = np.zeros(len(full) + 1, dtype=bool)
    edge[1:] = np.array(vocabulary.edge, dtype=bool)[full]
    return compact, full, edge, len(full) + 1


def frequent_phrases(words: Words, vocabulary: Vocabulary, mentions: int, min_count: int) -> dict[str, np.ndarray]:
    """Each phrase in at least `min_count` recent mentions -> the indices of those mentions, ascending."""
    frequency = np.bincount(words.ids, minlength=len(vocabulary.keys))
    keep = frequency >= min_count  # a phrase is in no more mentions than each of its words
    keep[0] = False
    compact, full, edge, base = _compact(keep, vocabulary)
    codes, starts = _grams(compact[words.ids], edge, base)
    terms, term_of_gram = _factorize(codes)
    pairs = _distinct(term_of_gram * mentions + words.owner[starts])
    term_of, mention_of = pairs // mentions, pairs % mentions
    counts = np.bincount(term_of, minlength=len(terms))
    frequent = np.flatnonzero(counts >= min_count)
    lows, highs = np.searchsorted(term_of, frequent), np.searchsorted(term_of, frequent, side="right")
    found = {}
    for term, low, high in zip(frequent.tolist(), lows.tolist(), highs.tolist(), strict=True):
        code = int(terms[term])
        parts = (code // base**2, code // base % base, code % base)
        found[" ".join(vocabulary.keys[full[part - 1]] for part in parts if part)] = mention_of[low:high]
    return found


def recent_hashtags(hashtags: list[list[str]], brand: Brand) -> tuple[dict[str, list[int]], dict[str, Counter]]:
    """Each hashtag not the brand's -> the recent mentions using it, and its spellings (with '#')."""
    mentions: dict[str, list[int]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for index, bodies in enumerate(hashtags):
        seen: set[str] = set()
        for body in bodies:
            key = "#" + body.lower()
            if key not in seen and not brand.owns_hashtag(key):
                seen.add(key)
                mentions[key].append(index)
                spellings[key]["#" + body] += 1
    return mentions, spellings


def baseline_counts(texts: Sequence[str], wanted: set[str], vocabulary: Vocabulary, brand: Brand) -> Counter[str]:
    """In how many of the baseline mentions' texts each wanted term occurs."""
    counts: Counter[str] = Counter()
    if not texts:
        return counts
    words = vocabulary.read(texts, brand)
    for bodies in words.hashtags:
        if bodies:
            counts.update({"#" + body.lower() for body in bodies} & wanted)
    phrases = sorted(key for key in wanted if not key.startswith("#"))
    if not phrases:
        return counts
    full_ids = [[vocabulary.id_of(word) for word in phrase.split(" ")] for phrase in phrases]
    keep = np.zeros(len(vocabulary.keys), dtype=bool)
    keep[[i for ids in full_ids for i in ids]] = True
    compact, _, edge, base = _compact(keep, vocabulary)
    wanted_codes = np.array(
        [sum(int(compact[i]) * base ** (2 - n) for n, i in enumerate(ids)) for ids in full_ids], dtype=np.int64
    )
    order = np.argsort(wanted_codes)
    ordered = wanted_codes[order]
    codes, starts = _grams(compact[words.ids], edge, base)
    at = np.minimum(np.searchsorted(ordered, codes), len(ordered) - 1)
    hit = ordered[at] == codes
    n = len(texts)
    pairs = _distinct(order[at[hit]] * n + words.owner[starts[hit]])
    for phrase, count in zip(phrases, np.bincount(pairs // n, minlength=len(phrases)).tolist(), strict=True):
        if count:
            counts[phrase] = count
    return counts


def phrase_spellings(texts: Iterable[str], key: str) -> Counter[str]:
    """How the phrase with counting form `key` was written in each text that has it (first occurrence)."""
    target: list[str | None] = list(key.split(" "))
    size = len(target)
    spellings: Counter[str] = Counter()
    for text in texts:
        words = _written_words(text)
        keys = [word[0] if word else None for word in words]
        for i in range(len(keys) - size + 1):
            if keys[i] == target[0] and keys[i : i + size] == target:
                first, *rest = (word for word in words[i : i + size] if word)
                spellings[first[1] + "".join(joint + written for _, written, joint in rest)] += 1
                break
    return spellings


def _written_words(text: str) -> list[tuple[str, str, str] | None]:
    """The words of a text as (counting form, as written, what joins it to the word before), None at breaks."""
    words: list[tuple[str, str, str] | None] = []
    for token in _readable(text).split():
        if token.isalnum():
            words.append((_key(token), token, " "))  # no apostrophe, so no possessive to drop
            continue
        before, end, joined = len(words), 0, False
        for match in _PIECE.finditer(token):
            written = match.group(1)
            if written is None:
                words.append(None)
            else:
                key, joint = _key(written), token[end : match.start()] if joined else " "
                words.append((key, written[:-2] if key != written.lower() and written != "&" else written, joint))
            joined, end = written is not None, match.end()
        if len(words) == before:
            words.append(None)  # a lone dash or quote between words breaks the phrase
    return words


# --- Showing -----------------------------------------------------------------------------------------------


def most_common(spellings: Counter[str]) -> str:
    """The spelling used most, the first in code-point order on a tie; "" when there is none."""
    return min(spellings.items(), key=lambda item: (-item[1], item[0]))[0] if spellings else ""


def _visible(text: str) -> str:
    """Text without control, format or unassigned characters, whitespace collapsed to single spaces."""
    text = "".join(c for c in _clean(text) if c.isspace() or not unicodedata.category(c).startswith("C"))
    return _SPACE.sub(" ", text).strip()


def _shorten(text: str, max_chars: int) -> str:
    """The text cut to `max_chars` characters, ending in '…' when cut."""
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def display_term(spelling: str) -> str:
    """A term's spelling cleaned for display and capped at MAX_TERM_CHARS."""
    return _shorten(_visible(spelling), MAX_TERM_CHARS)


def display_examples(texts: Iterable[str]) -> tuple[str, ...]:
    """Up to MAX_EXAMPLES distinct texts (ignoring case), first come first, shortened and cleaned for display."""
    examples: list[str] = []
    seen: set[str] = set()
    for text in texts:
        text = _shorten(_visible(text), MAX_EXAMPLE_CHARS)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            examples.append(text)
            if len(examples) == MAX_EXAMPLES:
                break
    return tuple(examples)
