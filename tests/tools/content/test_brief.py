import pytest

from tools.content.brief import parse_brief, platforms_in, topic_of


@pytest.mark.parametrize(
    ("request_text", "topic"),
    [
        ("tweet abt our new cedar candle pls", "our new cedar candle"),
        ("Write a tweet announcing the cold brew restock", "the cold brew restock"),
        ("post on linkedin about our hiring drive!", "our hiring drive"),
        ("can you write an X thread about how we pour candles, thanks!", "how we pour candles"),
        ("Draft a six-post thread on X about the history of our workshop", "the history of our workshop"),
    ],
)
def test_topic_drops_instruction_words_and_politeness(request_text, topic):
    assert topic_of(request_text) == topic


@pytest.mark.parametrize(
    ("request_text", "topic"),
    [
        ("pls tweet that the fog bell candle is back in stock", "the fog bell candle is back in stock"),
        ("tweet that our winter sale starts friday", "our winter sale starts friday"),
        ("write a linkedin post saying that we are hiring two chandlers", "we are hiring two chandlers"),
        ("can you post on X that the shop is closed monday", "the shop is closed monday"),
        ("draft a tweet announcing that the fog bell candle is back", "the fog bell candle is back"),
        ("a post letting everyone know we ship on saturdays now", "we ship on saturdays now"),
        ("write a tweet to say that it's our 10th birthday", "it's our 10th birthday"),
        ("post on facebook telling customers that the cafe opens at 8", "the cafe opens at 8"),
    ],
)
def test_topic_drops_the_reporting_clause_of_a_that_request(request_text, topic):
    assert topic_of(request_text) == topic


@pytest.mark.parametrize(
    ("request_text", "topic", "statement"),
    [
        ("can u write a linkedin post celebrating our 5 year anniversary", "our 5 year anniversary", False),
        ("linkedin: we just hit 10k customers, write something humble", "we just hit 10k customers", True),
        (
            "post to linkedin that we're looking for a part-time shop assistant",
            "we're looking for a part-time shop assistant",
            True,
        ),
        (
            "write a tweet announcing we've partnered with a local beekeeper",
            "we've partnered with a local beekeeper",
            True,
        ),
        (
            "short tweet thanking everyone who came to the market yesterday",
            "thank you to everyone who came to the market yesterday",
            True,
        ),
        ("a tweet to thank our regulars for a great year", "thank you to our regulars for a great year", True),
        ("insta post for our new cedar candle, keep it short", "our new cedar candle", False),
        ("tweet reminding folks about the workshop on saturday", "the workshop on saturday", False),
        (
            "linkedin post congratulating our head chandler on 10 years",
            "congratulations to our head chandler on 10 years",
            True,
        ),
        ("something for linkedin about our commitment to soy wax", "our commitment to soy wax", False),
        ("draft a facebook post inviting locals to our open studio on dec 12", "our open studio on dec 12", False),
        ("a linkedin post about our new cedar candle", "our new cedar candle", False),
        # the verbs that put a post up, and the kinds of post
        ("shoot out a tweet saying the crisis hotline is open", "the crisis hotline is open", True),
        ("put up a linkedin post that our q3 numbers beat forecast", "our q3 numbers beat forecast", True),
        (
            "can you put out an instagram story saying we're monitoring the shipping delays",
            "we're monitoring the shipping delays",
            True,
        ),
        ("youtube community post about the mentions we got from creators", "the mentions we got from creators", False),
        ("write an instagram reel caption about the new scent", "the new scent", False),
        ("need a youtube short about candle care", "candle care", False),
    ],
)
def test_a_brief_reads_shorthand_platform_prefixes_and_clauses(request_text, topic, statement):
    brief = parse_brief(request_text)
    assert (brief.topic, brief.statement) == (topic, statement)


@pytest.mark.parametrize(
    ("request_text", "topic"),
    [
        ("tweet that new candle of ours", "that new candle of ours"),  # "that" pointing at something stays
        ("a linkedin post about that award we won", "that award we won"),
        ("tweet about what that means for regulars", "what that means for regulars"),
    ],
)
def test_a_that_naming_a_thing_stays_in_the_topic(request_text, topic):
    assert topic_of(request_text) == topic


def test_thread_length_is_read_from_words_or_digits():
    assert parse_brief("Draft a six-post thread on X about our history").thread_parts == 6
    assert parse_brief("write a 4 part thread for twitter on candle care").thread_parts == 4


@pytest.mark.parametrize(
    ("text", "platforms"),
    [
        ("Adapt this for Instagram, LinkedIn and X: hi", ["x", "linkedin", "instagram"]),
        ("3 x 4 grid on instagram", ["instagram"]),
        ("post it on fb and yt", ["facebook", "youtube"]),
    ],
)
def test_platforms_named_in_a_request(text, platforms):
    assert platforms_in(text) == platforms


def test_sponsored_is_read_from_the_request():
    assert parse_brief("write a sponsored instagram caption for our creator post").sponsored
    assert not parse_brief("write an instagram caption for our candle").sponsored
