"""Summarises a meeting transcript written as `Speaker: words` lines."""

import re

ACTION_MARKERS = re.compile(r"^(?:action(?: item)?|todo)\s*:\s*", re.IGNORECASE)
SPEAKER_LINE = re.compile(r"^\s*([^:]{1,40}):\s*(.+)$")


def summarise(transcript):
    if not isinstance(transcript, str) or not transcript.strip():
        raise ValueError("transcript must be a non-empty string")
    words_by_speaker = {}
    action_items = []
    for line in transcript.splitlines():
        match = SPEAKER_LINE.match(line)
        if not match:
            continue
        speaker, said = match.group(1).strip(), match.group(2).strip()
        item = ACTION_MARKERS.sub("", said)
        if item != said:
            action_items.append({"owner": speaker, "item": item})
        words_by_speaker[speaker] = words_by_speaker.get(speaker, 0) + len(said.split())
    return {
        "speakers": [{"name": name, "words": words} for name, words in words_by_speaker.items()],
        "word_count": sum(words_by_speaker.values()),
        "action_items": action_items,
    }
