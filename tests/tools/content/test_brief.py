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
