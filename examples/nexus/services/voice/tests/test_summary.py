import pytest

from summary import summarise

MEETING = """Alice: Welcome everyone, let's review the release.
Bob: The staging deploy is green.
Alice: Action: Bob ships the release on Friday
a line without a speaker is ignored
Bob: TODO: write the rollback runbook
"""


def test_counts_words_per_speaker_in_order_of_appearance():
    summary = summarise(MEETING)
    assert summary["speakers"] == [{"name": "Alice", "words": 13}, {"name": "Bob", "words": 10}]
    assert summary["word_count"] == 23


def test_collects_action_items_with_their_owner():
    assert summarise(MEETING)["action_items"] == [
        {"owner": "Alice", "item": "Bob ships the release on Friday"},
        {"owner": "Bob", "item": "write the rollback runbook"},
    ]


@pytest.mark.parametrize("transcript", ["", "  ", None, 3])
def test_rejects_empty_transcripts(transcript):
    with pytest.raises(ValueError):
        summarise(transcript)
