"""Reads a drafting request: the topic, any text the user supplied, intent and platforms."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PLATFORM_PATTERNS: dict[str, str] = {
    "x": r"\b(?:twitter|tweets?)\b|(?<![\w'’-])x(?=\s*(?:[,:&/)]|and\b|or\b|$|posts?\b|threads?\b))"
    r"|\b(?:on|for|to|and|or)\s+x\b(?![\w'’-])|[,&]\s*x\b(?![\w'’-])",
    "linkedin": r"\b(?:linkedin|linked in|li)\b",
    "instagram": r"\b(?:instagram|insta|ig)\b",
    "facebook": r"\b(?:facebook|fb)\b",
    "tiktok": r"\b(?:tiktok|tik tok|tt)\b",
    "youtube": r"\b(?:youtube|yt)\b",
}
_PLATFORM_RES = {platform: re.compile(pattern, re.IGNORECASE) for platform, pattern in PLATFORM_PATTERNS.items()}
_QUOTED = re.compile(r"[\"“‘']([^\"”’]{3,})[\"”’']\s*[.!?]?\s*$|[\"“]([^\"”]{3,})[\"”]", re.DOTALL)
_AFTER_COLON = re.compile(
    r"\b(?:this|these|caption|text|draft|copy|post|tweet|following|it|message|version|announcement|update|notice|"
    r"blurb|line|lines|one)\b[^:\n]{0,20}:\s*\n?\s*(.{12,})$",
    re.IGNORECASE | re.DOTALL,
)
_LEAD = re.compile(
    r"^(?:(?:hey|hi|ok|okay|so|please|pls|plz|can you|could you|would you|can u|could u|would u|i need you to|we need|"
    r"help me|let'?s|quick(?:ly)?|now)\b[\s,!]*)*",
    re.IGNORECASE,
)
# A platform as people name it in a request, and the verbs that put a post up
PLATFORM_WORD = r"(?:x|twitter|linkedin|instagram|insta|ig|facebook|fb|tiktok|youtube|yt)"
PUBLISHING_VERB = r"(?:post|share|publish|put (?:up|out)|send out|shoot out|get out|whip up|knock out|throw together)"
# "linkedin: we just hit 10k customers" names the platform, then says what to post
_PLATFORM_PREFIX = re.compile(rf"^{PLATFORM_WORD}(?:\s+(?:post|caption|update))?\s*:\s*", re.IGNORECASE)
_VERB = re.compile(
    r"^(?:write|draft|create|compose|make|prepare|put together|give me|come up with|do|"
    rf"turn|adapt|craft|produce|get me|need|tweet|announce|{PUBLISHING_VERB})\b\s*(?:me|us)?\s*",
    re.IGNORECASE,
)
_SHORTHAND = ((re.compile(r"\babt\b", re.IGNORECASE), "about"), (re.compile(r"\bw/", re.IGNORECASE), "with "))
_TRAILING_ASK = re.compile(
    r"(?:[\s,;:!.-]+(?:pls|plz|please|thx|thanks|thank you|asap|lmk|kthx|ty|🙏|!+))+\s*$", re.IGNORECASE
)
_FORM = re.compile(
    r"^(?:(?:a|an|the|some|one|two|three|four|five|six|seven|eight|\d+)\b[\s-]*)?"
    r"(?:(?:short|quick|punchy|new|fun|brief|longer|long|friendly|formal|casual|simple|"
    r"(?:\w+-)?(?:post|part|tweet))\s+)*"
    rf"(?:(?:{PLATFORM_WORD}|social|company[- ]page)\s+)?"
    r"(?:(?:community|posts?|tweets?|threads?|updates?|announcements?|captions?|copy|message|blurb|stor(?:y|ies)|"
    r"reels?|videos?|carousels?|shorts?|something|anything)\b\s*){0,2}"  # "a reel caption", "a community post"
    r"(?:(?:on|for|to)\s+(?:linkedin|twitter|x|instagram|facebook|tiktok|youtube|the company page|our page)\s*)?",
    re.IGNORECASE,
)
_AUDIENCE = (
    r"(?:people|folks|everyone|everybody|customers|followers|fans|readers|subscribers|locals|neighbou?rs|friends|"
    r"them|you|us|all|"
    r"(?:our|the)\s+(?:customers|followers|community|team|fans|readers|subscribers|audience|regulars|world))"
)
_LINK_WORD = re.compile(
    r"^(?:announcing|about|on|for|celebrating|introducing|sharing|promoting|that announces|"
    r"to announce|to celebrate|to promote|to share|regarding|re:?"
    rf"|(?:telling|to tell|reminding|to remind)\s+{_AUDIENCE}\s+(?:about|of)"
    rf"|(?:inviting|to invite)\s+{_AUDIENCE}\s+(?:to|for))\s+",
    re.IGNORECASE,
)
# "saying that X", "letting everyone know X", "that X": the subject is the clause X. A bare "that" goes only before
# what starts a clause ("that the shop is closed"), never before what it points at ("that new candle of ours").
_REPORTING = re.compile(
    rf"^(?:(?:(?:that|which)\s+)?(?:says|saying|to say|states|stating)\s+(?:that\s+)?"
    rf"|(?:(?:that|which)\s+)?(?:tells|telling|to tell|reminds|reminding|to remind)\s+{_AUDIENCE}\s+(?:that\s+)?"
    rf"|(?:(?:that|which)\s+)?(?:lets|letting|to let)\s+{_AUDIENCE}\s+know\s+(?:that\s+)?"
    r"|that\s+(?=(?:the|our|we|we're|we've|we'll|it|it's|its|this|these|they|they're|there|there's|a|an|you|"
    r"you're|your|i|i'm|everyone|everybody|everything|all|every|each)\b))",
    re.IGNORECASE,
)
# "thanking everyone who came" / "congratulating our head chandler": the post says it to them
_THANKS = re.compile(r"^(?:thanking|to thank|thank)\s+(?!you\b)", re.IGNORECASE)
_CONGRATULATIONS = re.compile(r"^(?:congratulating|to congratulate|congratulate)\s+", re.IGNORECASE)
# A topic that opens like a sentence ("we've partnered with …", "it's our birthday") is a statement too
_CLAUSE_START = re.compile(
    r"^(?:we|we're|we've|we'll|we'd|i'm|i've|it's|there's|there are|they're|you're|you can)\b", re.IGNORECASE
)
# How to write it, after what to write: "…, write something humble", "…, keep it short"
_TRAILING_INSTRUCTION = re.compile(
    r"\s*[,;:.\-–—]+\s*(?:and\s+)?(?:pls\s+|please\s+)?(?:write|make|keep)\s+"
    r"(?:it|something|this|the (?:post|tweet|caption|copy))\b[^,;:.]*[.!]*$",
    re.IGNORECASE,
)
_INTENT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("hiring", r"\b(?:hiring|job|jobs|role|apply|vacanc|recruit|open position|join (?:our|the) team)\w*"),
    (
        "event",
        r"\b(?:event|workshop|webinar|meetup|tasting|class|session|open (?:house|studio)|festival|popup|pop-up|"
        r"invit\w*)\b",
    ),
    ("celebrate", r"\b(?:celebrat\w*|milestone|anniversary|award|thank(?:s| you)|proud|congrat\w*|record)\b"),
    ("launch", r"\b(?:launch\w*|new|introduc\w*|unveil\w*|debut\w*|release\w*|drop)\b"),
    ("announce", r"\b(?:announc\w*|restock\w*|back in stock|available|news|update|now open|reopen\w*)\b"),
    ("tip", r"\b(?:tips?|how to|guide|tutorial|steps?|ways to|ratio|recipe|explain\w*)\b"),
)
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_INTENTS = tuple((name, re.compile(pattern)) for name, pattern in _INTENT_PATTERNS)
_THREAD_PARTS = re.compile(r"\b(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")[\s-]*(?:part|post|tweet)s?\s+thread")
_SPONSORED = re.compile(r"\b(?:sponsored|paid partnership|#ad|paid post|creator post|partner post)\b")
_THREAD = re.compile(r"\bthread\b")


@dataclass(frozen=True)
class Brief:
    """What a drafting request asks for."""

    request: str
    topic: str
    quoted: str | None
    intent: str
    sponsored: bool
    platforms: list[str] = field(default_factory=list)
    wants_thread: bool = False
    thread_parts: int | None = None
    statement: bool = False  # the topic is a whole statement to make ("that the shop is closed monday")

    @property
    def opening(self) -> str:
        """The intent that picks a template's opening line: a statement opens as itself, never "We're hiring: ..."."""
        return "general" if self.statement else self.intent


_PLATFORM_NAMES = r"(?:x|twitter|linkedin|instagram|facebook|tiktok|youtube)"
# "a piece on LinkedIn about X": the platform goes, what it is about stays; "X for LinkedIn": the tail goes
_PLATFORM_BEFORE_SUBJECT = re.compile(
    rf"\s+(?:on|for|to)\s+{_PLATFORM_NAMES}\s+(?=(?:about|on|regarding|covering)\b)", re.IGNORECASE
)
_PLATFORM_TAIL = re.compile(rf"\s+(?:on|for|to)\s+{_PLATFORM_NAMES}\b.*$", re.IGNORECASE)
_TRAILING_PUNCTUATION = re.compile(r"[\s.!?,;:]+$")


def platforms_in(text: str) -> list[str]:
    """Platforms named in a request, in a stable order."""
    return [platform for platform, pattern in _PLATFORM_RES.items() if pattern.search(text)]


def supplied_text(text: str) -> str | None:
    """Text the user quoted (or put after a colon) for us to adapt, check or shorten."""
    match = _QUOTED.search(text)
    if match:
        return (match.group(1) or match.group(2)).strip()
    match = _AFTER_COLON.search(text)
    if match and len(match.group(1).split()) >= 4:
        return match.group(1).strip()
    return None


def topic_of(text: str) -> str:
    """The subject of a drafting request with its instruction words removed."""
    return _topic_and_statement(text)[0]


def _topic_and_statement(text: str) -> tuple[str, bool]:
    """The subject, and whether it is a whole statement the request asks to make ("saying that ...")."""
    statement = False
    topic = text.strip()
    # "a piece on LinkedIn about X": the platform goes, what it is about stays
    topic = _PLATFORM_BEFORE_SUBJECT.sub(" ", topic)
    for pattern, replacement in _SHORTHAND:
        topic = pattern.sub(replacement, topic)
    quoted = supplied_text(topic)
    if quoted:
        topic = quoted
    else:
        for pattern in (_LEAD, _PLATFORM_PREFIX, _VERB, _FORM, _LINK_WORD):
            topic = pattern.sub("", topic, count=1).strip()
        topic, reported = _REPORTING.subn("", topic, count=1)
        topic, thanked = _THANKS.subn("thank you to ", topic.strip(), count=1)
        topic, congratulated = _CONGRATULATIONS.subn("congratulations to ", topic, count=1)
        statement = bool(reported or thanked or congratulated or _CLAUSE_START.match(topic))
        topic = _TRAILING_INSTRUCTION.sub("", topic)
    topic = _PLATFORM_TAIL.sub("", topic)
    topic = _TRAILING_PUNCTUATION.sub("", topic)
    topic = _TRAILING_ASK.sub("", " " + topic).strip()
    topic = _TRAILING_PUNCTUATION.sub("", topic)
    return (topic, bool(statement)) if topic else (text.strip().rstrip(".!?"), False)


def parse_brief(text: str) -> Brief:
    """Read a drafting request."""
    lowered = text.lower()
    intent = next((name for name, pattern in _INTENTS if pattern.search(lowered)), "general")
    parts = None
    match = _THREAD_PARTS.search(lowered)
    if match:
        raw = match.group(1)
        parts = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        parts = max(2, min(parts, 15))
    topic, statement = _topic_and_statement(text)
    return Brief(
        request=text,
        topic=topic,
        statement=statement,
        quoted=supplied_text(text),
        intent=intent,
        sponsored=bool(_SPONSORED.search(lowered)),
        platforms=platforms_in(text),
        wants_thread=bool(_THREAD.search(lowered)),
        thread_parts=parts,
    )
