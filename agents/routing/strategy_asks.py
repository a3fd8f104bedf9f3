"""Content-strategy asks (show or plan the calendar, timing, cadence, predictions) recognised in plain words."""

from __future__ import annotations

import re

from agents.routing.post_asks import OPENING, POST

SHOW = re.compile(
    r"\b(?:show|see|view|display|list|open|check|pull up)\b[^.?!]*\b(?:calendar|schedule|plan)\b|"
    r"\bwhat(?:'s|’s| is| do we have| have we got)\b[^.?!]*"
    r"\b(?:on the calendar|planned|scheduled|lined up|coming up)\b|"
    r"^\W*(?:the )?calendar\W*$",
    re.IGNORECASE,
)
PLAN = re.compile(
    r"\b(?:calend[ae]rs?|content plan|posting (?:plan|schedule)|content schedule|editorial|roadmap|"
    r"plan (?:out|our|the|content|posts|next|this)|map out|fill (?:in )?the gaps|schedule (?:for|of) (?:next|this)|"
    r"(?:weekly|monthly|daily) themes?|themes? for (?:each|every))\b",
    re.IGNORECASE,
)
PREDICT = re.compile(
    r"\b(?:predict\w*|forecast\w*|expected engagement|traction|fall flat|flop|"
    r"(?:will|would|might|could) (?:this|it|that|a|an|the|our|these)\b[^.?!]*\b(?:do|perform|land|work|go|get)|"
    r"how (?:well )?(?:will|would|might|could)\b[^.?!]*\b(?:do|perform|land|go)|"
    r"likely (?:to )?(?:get|do|perform)|how many (?:likes|comments|shares)|"
    r"(?:which|what) (?:one|of these|post|version|headline|idea)s?\b[^.?!]*\b(?:perform|engagement|better|best)|"
    r"(?:perform|do|land|work)s? (?:better|best|worse)|more engagement|rank these)\b",
    re.IGNORECASE,
)
TIMES = re.compile(
    r"\b(?:best|good|right|optimal|ideal|worst)\s+(?:tim\w*|tiem|days?|hours?)\b|"
    r"\bwhen\b[^.?!]*\b(?:post|publish|drop|put out|go live)|\bwhat time|\bwhich days?\b|\btiming\b|"
    r"\bmorning or (?:evening|afternoon|night)\b|\btime of (?:the )?day\b|\bdays? of the week\b|"
    r"\bat \d{1,2}(?::\d{2})?\s*(?:am|pm)\b[^.?!]*\?",
    re.IGNORECASE,
)
CADENCE = re.compile(
    r"\b(?:how (?:often|offten|frequently)|how many (?:posts|times|videos|reels)|cadence|frequency|rhythm|"
    r"posts? (?:a|per) (?:day|week|month)|(?:post|posting) (?:less|more)(?: often)?|too much|between posts|"
    r"\d+x a (?:day|week))\b",
    re.IGNORECASE,
)
PILLARS = re.compile(r"\b(?:pillars?|themes?|content mix|mix ratio)\b", re.IGNORECASE)
_DRAFTING = re.compile(
    OPENING
    + r"(?:(?:write|draft|compose|create|make|tweet|rewrite|redraft|turn|adapt|caption|announce)\b|"
    + POST
    + ")",
    re.IGNORECASE,
)
_STRATEGY = (("show", SHOW), ("plan", PLAN), ("predict", PREDICT), ("times", TIMES), ("cadence", CADENCE))


def strategy_ask(text: str) -> str | None:
    """Which content-strategy ask a message makes ("show", "plan", "predict", "times", "cadence"), if any.

    A request to write something is never one, even when it mentions timing ("write a tweet about the best
    time of year") or a forecast ("put up a linkedin post that our q3 numbers beat forecast").
    """
    if _DRAFTING.search(text):
        return None
    for name, pattern in _STRATEGY:
        if pattern.search(text):
            return name
    return None
