"""The follow-up resolver: which messages need the previous turn, and the standalone question built."""

from __future__ import annotations

import json

import pytest

from bot.conversation import Turn, recent, turn_of
from bot.followup import WEIGHTS_FILE, follow_up_probability, needs_context, rewrite, standalone_question, topic_phrase


@pytest.mark.parametrize("message", [
    "and how long do you keep it?", "what about billing records?", "does that include files?",
    "who else sees them?", "why?", "Can you erase them?", "is it encrypted?", "and for customers?",
])
def test_messages_that_point_back_need_the_previous_turn(message):
    assert needs_context(message), follow_up_probability(message)


@pytest.mark.parametrize("message", [
    "Is traffic to your service encrypted?", "Do you sell customer data to advertisers?",
    "Where should I send a privacy question?", "I think someone logged into my account without my permission.",
    "What's the weather in Berlin tomorrow?", "What kinds of information does Kimss gather about me?",
    "Write me a poem about autumn.", "can you recommend a good pizza place", "is the connection to kimss encrypted",
])
def test_self_contained_questions_stand_alone(message):
    assert not needs_context(message), follow_up_probability(message)
    assert standalone_question(message, [Turn("What do you do with my chat logs?")]) is None


def test_the_pronoun_becomes_the_previous_topic():
    assert rewrite("and how long do you keep it?", "What do you do with my chat logs?") == \
        "How long do you keep my chat logs?"
    assert rewrite("how is it protected?", "What information do you collect?") == \
        "How is the information you collect protected?"
    assert rewrite("is it encrypted?", "How do you protect my data?") == "Is my data encrypted?"


def test_a_fragment_with_its_own_topic_takes_the_previous_topics_place():
    assert rewrite("what about billing records?", "Do you share my chat logs?") == "Do you share my billing records?"


@pytest.mark.parametrize("message,previous,standalone", [
    # the thing of the same kind is swapped: a recipient for a recipient, a kind of data for a kind of data
    ("what about partners?", "Do you share my data with advertisers?", "Do you share my data with partners?"),
    ("and the responses?", "do you process prompts sent to agents?", "Do you process responses sent to agents?"),
    ("what about teenagers?", "Do you collect data about children?", "Do you collect data about teenagers?"),
    # "what (data) do you collect …?" asked about one kind of data becomes a yes/no question
    ("what about files?", "What do you collect when I use connected tools?",
     "Do you collect files when I use connected tools?"),
    ("what about operational telemetry?", "What data do you gather from connected tools?",
     "Do you gather operational telemetry from connected tools?"),
    # after "what do you use X for?": a thing that is no kind of data is a purpose asked about, other data
    # is asked the same question (put in the object's place, "billing" read "Do you use billing my data for?")
    ("billing too?", "what do you use my data for", "Do you use my data for billing?"),
    ("and ads?", "What does Kimss use my chat logs for?", "Does Kimss use my chat logs for ads?"),
    ("what about my kids' information?", "what do you use my information for", "What do you use kids' information for?"),
    # a previous object outside the topic words is still the object
    ("what about audit logs?", "Does Kimss use access controls?", "Does Kimss use audit logs?"),
    ("and identity?", "Who should configure workspace permissions?", "Who should configure identity?"),
])
def test_what_about_x_swaps_the_right_noun(message, previous, standalone):
    assert rewrite(message, previous) == standalone


def test_a_prepositional_fragment_continues_the_previous_question():
    assert rewrite("and for customers?", "What do you do with my chat logs?") == \
        "What do you do with my chat logs for customers?"
    assert rewrite("and in transit?", "How does Kimss protect our data?") == "How does Kimss protect our data in transit?"
    # "what about <a prepositional phrase>" continues too: no noun to swap ("Is rest … encrypted?")
    assert rewrite("what about at rest?", "Is my chat history encrypted?") == "Is my chat history encrypted at rest?"
    assert rewrite("how about in the EU?", "Do you keep my files?") == "Do you keep my files in the EU?"
    # the same preposition's phrase is replaced, not doubled
    assert rewrite("and for preventing misuse?", "Do you use my data for billing?") == \
        "Do you use my data for preventing misuse?"


@pytest.mark.parametrize("message,previous,standalone", [
    ("where exactly", "do you store my files", "Where exactly do you store my files?"),
    ("in what country?", "Is my data encrypted?", "In what country is my data encrypted?"),
    ("and kids?", "What does the policy cover?", "Does the policy cover kids?"),
    # a question of its own about the previous question's situation follows it whole
    ("is there an email?", "who do i contact about privacy", "Who do i contact about privacy — is there an email address?"),
    ("what should i do as admin", "how do you keep my account secure",
     "How do you keep my account secure — what should i do as admin?"),
    ("so what should I do on my side then?", "Can Kimss guarantee my data is safe?",
     "Can Kimss guarantee my data is safe — what should I do on my side then?"),
])
def test_a_question_of_its_own_keeps_its_words_and_the_previous_question(message, previous, standalone):
    assert rewrite(message, previous) == standalone


@pytest.mark.parametrize("message,previous,standalone", [
    # another action on the same thing, in the previous yes/no question's frame
    ("ok, and storing them in the EU?", "Do you keep my files?", "Do you store my files in the EU?"),
    ("what about selling?", "Do you share my chat logs?", "Do you sell my chat logs?"),
    # … but a gerund with an object of its own is not another action on the same thing
    ("including images?", "Do you process my files?", "Do you process my files — including images?"),
    # which ones: the previous question's thing, asked for by name
    ("which ones exactly?", "Do you share my data with partners?", "Which partners do you share my data with?"),
    ("which laws?", "Do you keep data to comply with the law?", "Which laws do you keep data to comply with?"),
    # "does that include X?" after a what-for question: X as a purpose
    ("does it cover marketing?", "What does Kimss use my chat logs for?", "Does Kimss use my chat logs for marketing?"),
    # a thing named first is what the pronoun after it means, not the previous topic
    ("and my card number, do you keep it?", "What is my billing used for?", "Do you keep my card number?"),
    ("thanks, is it encrypted?", "How do you protect my data?", "Thanks, is my data encrypted?"),
    # a condition continues the previous question; its pronoun stays inside it
    ("even if I delete it?", "Do you keep my files?", "Do you keep my files if I delete it?"),
])
def test_rewrites_that_keep_what_is_asked(message, previous, standalone):
    assert rewrite(message, previous) == standalone


def test_a_fragment_without_a_topic_is_added_to_the_previous_question():
    assert rewrite("what kind?", "Do you collect logs?") == "Do you collect logs — what kind?"


def test_the_askers_own_data_stays_theirs():
    assert topic_phrase("What personal data do you hold about me?") == "my personal data"
    assert rewrite("Please delete it.", "What personal data do you hold about me?") == "Please delete my personal data."


def test_only_the_last_turn_is_used_and_no_context_means_no_rewrite():
    turns = [Turn("How do you protect my data?"), Turn("What do you do with my chat logs?")]
    assert standalone_question("who else sees them?", turns) == "Who else sees my chat logs?"
    assert standalone_question("who else sees them?", []) is None
    assert standalone_question("who else sees them?", None) is None


def test_turns_are_bounded_and_carry_the_standalone_question():
    from bot.answer import Answer, Citation, Escalation

    citation = Citation(1, "privacy-policy.md", "Privacy Policy", "Usage", "quote", None, "2026-04-30", 0.5)
    answer = Answer("why?", "text", True, 0.9, "customer", [citation], Escalation("not_covered"),
                    answering="What data do you collect — why?")
    turn = turn_of(answer)
    assert (turn.question, turn.sections, turn.escalation) == ("What data do you collect — why?", ("Usage",),
                                                              "not_covered")
    assert recent(list(range(10)), 3) == [7, 8, 9]


def test_the_weights_artifact_records_its_provenance():
    artifact = json.loads(WEIGHTS_FILE.read_text())
    assert artifact["data"]["sha256"] and artifact["data"]["examples"] > 50
    assert "tests/heldout" not in " ".join(artifact["data"]["files"])


@pytest.mark.parametrize("message,previous,standalone", [
    ("what for?", "Do you store my billing records?", "What do you use my billing records for?"),
    ("and how long?", "What do you do with my chat logs?", "How long do you keep my chat logs?"),
    ("ok stop tracking mine then", "Do you track usage events?", "Ok stop tracking my usage events then"),
    ("send me a copy", "What do you collect about me?", "Send me a copy of my information"),
    ("what happens to them when i delete my account?", "Do you process files I upload?",
     "What happens to files when i delete my account?"),
    ("does the same go for the API?", "What do you collect about us?", "What do you collect about us — the API?"),
    ("even files?", "who is responsible for the data i upload", "Who is responsible for the files i upload?"),
    ("when was it last updated", "what does the policy cover", "When was the policy last updated?"),
])
def test_elliptical_fragments_are_said_in_full_about_the_previous_topic(message, previous, standalone):
    assert rewrite(message, previous) == standalone


def test_what_points_at_nothing_is_not_rewritten():
    turns = [Turn("What do you do with my chat logs?")]
    for message in ("someone reset my password and it wasn't me", "What is this privacy policy about?",
                    "Write me a poem about autumn."):
        assert standalone_question(message, turns) is None, message
    # A long message that names no earlier thing is asked as it is, not glued to the previous question.
    assert rewrite("well someone from another company just logged into our workspace from abroad",
                   "How do you protect accounts?") is None


@pytest.mark.parametrize("message,previous,standalone", [
    # "for what reason?" / "what's the purpose?" ask what the thing is used for, like "what for?" (the
    # preposition rule glued them on: "You collect my billing information for what reason?")
    ("for what reason?", "Do you keep my invoices?", "What do you use my invoices for?"),
    ("and what's the purpose of that?", "Do you record my usage events?", "What do you use my usage events for?"),
    # "by what exactly?" after a yes/no question asks how, not a question about "what"
    ("by what means?", "Are my chat logs protected?", "How are my chat logs protected?"),
])
def test_reason_and_means_fragments_are_said_in_full(message, previous, standalone):
    assert rewrite(message, previous) == standalone


def test_what_about_a_thing_pointing_back_is_asked_in_the_previous_questions_place():
    # a noun phrase with a pointer inside is a thing, asked as the previous question was (left as a bare
    # phrase, it read as a request to hand over "the photos i added to my support tickets")
    assert rewrite("what about the photos i added to them?", "do you store my support tickets?") == \
        "Do you store my photos i added to my support tickets?"


def test_what_about_a_plain_verb_is_another_action_and_a_request_verb_stays_a_request():
    assert rewrite("what about share it?", "Do you sell my data?") == "Do you share my data?"
    assert rewrite("what about delete them", "do you keep my chats?") != "Do you delete my chats?"


def test_that_opening_a_clause_points_at_nothing():
    previous = "does the policy say who owns uploaded data?"
    message = "Can Kimss promise that nobody ever gets into my account?"
    assert not needs_context(message, previous), follow_up_probability(message, previous)
    # and, were it taken for one, the clause keeps its "that" (not "promise the policy nobody …")
    assert "promise that nobody" in (rewrite(message, previous) or "")


@pytest.mark.parametrize("message,previous,standalone", [
    # a question relayed by an employee is read as asked directly, so the frames apply to it
    ("from where?", "a client asks if we gather identity details", "From where do we gather identity details?"),
    ("and do we keep it afterwards?", "client asked what we store when an agent calls a tool",
     "Do we keep the information you store when an agent calls a tool afterwards?"),
])
def test_a_relayed_question_is_read_as_asked_directly(message, previous, standalone):
    assert rewrite(message, previous) == standalone


def test_the_document_is_the_topic_only_when_nothing_else_is_named():
    # "per the policy" says where the answer is; the data is what is asked about
    assert rewrite("and where is it stored?", "how do we secure client data per the policy?") == \
        "Where is client data stored?"
    assert rewrite("when was it last changed?", "what does this policy cover?") == "When was this policy last changed?"


@pytest.mark.parametrize("message,previous,standalone", [
    # "does that include X?" carries the previous question's practice to X, whatever its frame
    ("does that include my prompts?", "Do you use my data to improve the product?",
     "Do you use my prompts to improve the product?"),
    ("does that include my location?", "What information do you collect?", "Do you collect my location?"),
    ("does that include complying with the law?", "What purposes do you process data for?",
     "Do you process data for complying with the law?"),
    ("does that include files?", "What do you collect when I use connected tools?",
     "Do you collect files when I use connected tools?"),
    ("does that include encryption?", "How do you protect my data?", "Do you protect my data with encryption?"),
    ("does that include my IP?", "do you log technical events?", "Do you log my IP?"),
    ("does that include training the AI on it?", "Does Kimss use my data to improve the product?",
     "Does Kimss train the AI on my data?"),
])
def test_does_that_include_asks_the_previous_practice_of_the_new_thing(message, previous, standalone):
    assert rewrite(message, previous) == standalone


def test_a_question_naming_its_things_keeps_them_in_the_inclusion_question():
    # "safeguards" is the word the section is found and judged by
    assert rewrite("does that include audit logs?", "What safeguards do you use?") == \
        "Does the safeguards you use include audit logs?"


def test_short_follow_ups_asking_for_names_say_so():
    assert rewrite("any certifications?", "What safeguards do you use?") == \
        "What safeguards do you use — which certifications?"
    assert rewrite("which ones, okta?", "Does Kimss collect authentication details from identity providers?") == \
        "Which identity providers does Kimss collect authentication details from?"


def test_a_request_of_its_own_is_kept_as_the_request():
    assert rewrite("unsubscribe me", "do you send marketing emails?") == "Unsubscribe me"
    assert rewrite("then connect me please", "Is there a human on the privacy team?") == "Connect me please"
    # a request pointing at the previous topic still names it
    assert rewrite("ok delete it then", "What personal data do you hold about me?") == \
        "Ok delete my personal data then"


def test_the_policys_date_asked_as_a_follow_up_is_the_policy_fact():
    assert rewrite("since when?", "is this privacy policy the current one?") == \
        "When was this privacy policy last updated?"
    assert rewrite("when was that written?", "what do you collect?") == "When was the privacy policy written?"
    # about a practice, "since when?" asks about the practice
    assert rewrite("since when?", "do you use encryption?") == "Since when do you use encryption?"


def test_short_follow_ups_name_the_fact_they_ask_for():
    assert rewrite("how fast do you answer?", "Where do I send a data request?") == \
        "Where do I send a data request — how long do you take to answer?"


def test_a_third_turn_leans_on_a_middle_fragment_said_in_full():
    context = [Turn("do you collect product usage events?", ("Data Collection",)),
               Turn("like what I click on?", ("Data Collection",))]
    assert standalone_question("why?", context) == "What do you use product usage events for?"


def test_anything_else_asks_the_previous_question_again_not_about_anything():
    assert rewrite("and anything else?", "Do you use the info you collect for billing?") == \
        "Do you use the info you collect for billing — anything else?"


def test_a_request_stated_after_a_question_is_the_request_not_a_question():
    # said by the asker of themselves, not appended to the previous question as a tail
    assert rewrite("i withdraw consent then", "what do you do with my chat history?") == "I withdraw consent then"
    assert rewrite("i want out", "do you track my clicks?") == "I want out"
    # what is withdrawn is consent, whatever thing the previous question named
    assert rewrite("ok then i revoke it", "is consent needed for the newsletter?") == "Ok then i revoke my consent"
    # a bare refusal refuses the practice the previous question asked about
    assert rewrite("dont", "do you share my contacts with advertisers?") == "Don't share my contacts with advertisers."
    assert rewrite("then don't", "does kimss sell my usage history") == "Don't sell my usage history."
    # not a statement of one's own request: still about the previous question
    assert rewrite("I wonder how long", "do you keep my chats?") != "I wonder how long"
    # the English gloss of a verb-last language ("dann alles löschen", "hepsini silin") says the verb last
    assert rewrite("then everything delete", "Which data store you about me?") == "Delete everything"
    assert rewrite("my account remove please", "how do you handle accounts?") == "Remove my account"
    assert rewrite("everything delete?", "do you keep my chats?") != "Delete everything"  # asked, not told


def test_a_practice_asked_without_its_subject_is_asked_about_the_previous_topic():
    assert rewrite("sold to anyone?", "do you keep my invoices?") == "Are my invoices sold to anyone?"
    assert rewrite("deleted ever?", "what happens to my voice notes") == "Are my voice notes deleted ever?"
    assert rewrite("train ai on them?", "what do you do with my drafts") == "Do you train ai on my drafts?"
    assert rewrite("share with advertisers?", "do you collect my location?") == \
        "Do you share my location with advertisers?"
    # a request verb stays the request it is
    assert rewrite("delete them", "do you keep my drafts?") != "Do you delete my drafts?"


def test_anyone_and_ever_bring_no_new_subject():
    from bot.followup import features
    assert features("sold to anyone?", "do you keep my invoices?")["new_subject_matter"] == 0.0
    assert features("What's the weather in Berlin?", "do you keep my invoices?")["new_subject_matter"] == 1.0


def test_why_said_on_a_phone_asks_the_use_and_a_person_asked_for_is_the_request():
    assert rewrite("why tho", "do you keep my voice notes") == "What do you use my voice notes for?"
    # "one of them" is the people the previous answer named, not its topic
    assert rewrite("get me one of them on the line", "who answers privacy requests?") == "Get me a person on the line"
