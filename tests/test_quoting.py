"""Honest quotes: contiguous text stays together, anything else is visibly cut with " … "."""

from bot.quoting import ELLIPSIS, Quoter, SentenceLayout

SECTION = "policy.md#retention"
TEXT = (
    "We keep account data while the account is open. We delete it within 30 days of closing.\n\n"
    "Backups are kept for 90 days. Logs are kept for one year.\n\n"
    "We may keep data longer to:\n\n"
    "- comply with the law\n"
    "- resolve disputes\n"
    "- enforce our agreements\n"
)
SENTENCES = [
    "We keep account data while the account is open.", "We delete it within 30 days of closing.",
    "Backups are kept for 90 days.", "Logs are kept for one year.", "We may keep data longer to:",
    "comply with the law", "resolve disputes", "enforce our agreements",
]
LEAD = "We may keep data longer to:"


def layout() -> SentenceLayout:
    sentences = [{"section_id": SECTION, "ordinal": i, "body": body, "lead": LEAD if i >= 5 else ""}
                 for i, body in enumerate(SENTENCES)]
    chunks = [{"section_id": SECTION, "ordinal": 0, "body": TEXT}]
    return SentenceLayout(sentences, chunks)


def test_neighbours_in_one_paragraph_are_joined_as_written():
    assert Quoter(layout()).quote([1, 0]) == SENTENCES[0] + " " + SENTENCES[1]


def test_a_skipped_sentence_is_marked_with_an_ellipsis():
    quote = Quoter(layout()).quote([0, 2])
    assert quote == SENTENCES[0] + ELLIPSIS + SENTENCES[2]


def test_sentences_from_two_paragraphs_are_never_run_together():
    # 1 ends the first paragraph, 2 starts the second: adjacent in order, not in the text.
    assert Quoter(layout()).quote([1, 2]) == SENTENCES[1] + ELLIPSIS + SENTENCES[2]


def test_a_list_item_keeps_its_lead_in_and_skipped_items_are_marked():
    quote = Quoter(layout()).quote([7])
    assert quote == LEAD + ELLIPSIS + "enforce our agreements"
    assert Quoter(layout()).quote([5, 6]) == LEAD + " comply with the law resolve disputes"


def test_a_quoted_lead_in_brings_its_list():
    assert Quoter(layout()).quote([4]) == LEAD + " comply with the law resolve disputes enforce our agreements"


def test_no_sentence_is_quoted_twice_in_one_answer():
    quoter = Quoter(layout())
    first = quoter.quote([0, 1])
    second = quoter.quote([1, 2])
    assert SENTENCES[1] in first and SENTENCES[1] not in second
    assert second == SENTENCES[2]
    assert quoter.quote([0]) == ""  # nothing new to quote: the citation is dropped by the caller
