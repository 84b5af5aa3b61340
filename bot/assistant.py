"""The answering core: `Assistant.ask(question, audience) -> Answer`. No Slack, no HTTP here.

Answers are extractive: apart from one short framing line, every word comes from the policy,
quoted and tied to a numbered citation (bot/compose.py, bot/quoting.py). Sections are ranked by
a learned ranker and a trained verifier decides whether the best one answers the question
(bot/coverage.py); when it does not, the answer says what the policy does not say and quotes
what it does say on the topic, or says the policy does not cover the question. Questions about
the documents themselves (date, scope, where to read them) are answered from their metadata
(bot/policy_facts.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from bot import compose, coverage, followup_coverage, gaps, policy_facts, scripts
from bot.answer import AUDIENCES, Answer, Escalation
from bot.conversation import Turn
from bot.errors import InputRejected
from bot.followup import FollowUp, resolve
from bot.followup_language import follow_up_reading, in_english
from bot.intents import mentions_privacy
from bot.gloss import LANGUAGE_NAMES, Gloss, english_reading, understood, unread
from bot.retrieval import RETURNED_HITS, Retriever, SectionHit
from bot.settings import MAX_QUESTION_CHARS
from bot.understanding.router import RouterHandle

MAX_CITATIONS = 3
# An answer reads the best sections up to MAX_CITATIONS, and the verifier compares each with the one after
# it: retrieval builds only these hits (with their ranked sentences), not its default list.
HITS_READ = MAX_CITATIONS + 1

# Queries used to find what the policy says about reaching a person, per escalation reason.
ESCALATION_QUERIES = {
    "data_request": "how to make a data request: access, deletion or correction of personal data",
    "security": "security-related concerns: how to contact Kimss AI",
    "user_request": "privacy questions: how to contact Kimss AI support",
}
# Adapter-neutral: whether the request was recorded (Slack, API) or not (CLI) is said by the adapter,
# so the core never claims a hand-off that did not happen.
FRAMING = {
    "data_request": "This is a data request, which is handled by a person. What the policy says:",
    "security": "This sounds like a security concern, which a person at Kimss AI should look at. What the policy says:",
    "user_request": "A person can help with this. What the policy says:",
}
OFF_TOPIC_TEXT = (
    "I answer questions about Kimss AI's privacy policy: what information is collected, how it is used "
    "and protected, and how to make privacy or data requests."
)


@dataclass(frozen=True)
class AskOptions:
    support_url: str = "/app/support"


class Assistant:
    def __init__(self, retriever: Retriever, options: AskOptions | None = None, router: RouterHandle | None = None):
        self.retriever = retriever
        self.options = options or AskOptions()
        # Without settings: the shipped router (repo corpus) for the retriever's model, refused if it does not match.
        self.router = router or RouterHandle(retriever.embeddings.model_id)
        self._contact_cache: dict[tuple[str, str, str], list[SectionHit]] = {}
        # The follow-up detector's weights: None is the shipped artifact; validation sets one per fold.
        self.followup_weights: dict[str, float] | None = None
        # A rewritten follow-up's "covered" decided again with the conversation (bot/followup_coverage.py):
        # None is the shipped adjuster; validation sets one per fold, or switches it off to record its inputs.
        self.followup_coverage_weights: dict[str, float] | None = None
        self.adjust_followup_coverage = True
        # Questions about the documents themselves, beyond the patterns (bot/policy_facts.py).
        self.policy_fact_detector = policy_facts.Detector.shipped(retriever.embeddings.model_id)

    @classmethod
    def from_settings(cls, settings, embeddings=None) -> "Assistant":
        from indexer.embedding import load_embeddings
        from indexer.store import VectorStore

        embeddings = embeddings or load_embeddings(settings.embedding_model, settings.embedding_backend)
        retriever = Retriever(VectorStore.from_settings(settings), embeddings)
        router = RouterHandle.from_settings(settings, embeddings.model_id)
        return cls(retriever, AskOptions(support_url=settings.support_url), router)

    def ask(self, question: str, audience: str = "employee", context: Sequence[Turn] | None = None) -> Answer:
        """`context`: this conversation's earlier turns, oldest first (bot/conversation.py)."""
        question = validate_question(question)
        if audience not in AUDIENCES:
            raise InputRejected(f"audience must be one of {', '.join(AUDIENCES)}", code="audience")
        # Written in another language: read as its English gloss (bot/gloss.py) when the lexicon understands
        # enough of it; the router, follow-ups and retrieval then read English, as they were trained to.
        reading = english_reading(question)
        if reading is None and context:  # "und wofür?": too short to place alone (bot/followup_language.py)
            reading = follow_up_reading(question, context[-1].question)
        glossed = reading if understood(reading) else None
        asked = glossed.text_en if glossed else question
        if glossed:
            context = in_english(context, glossed.lang)
        # A follow-up, rewritten (bot/followup.py). Not a message nobody here can read (another language the
        # gloss understands too little of): a person reads it as written, and a rewrite would only guess.
        not_read = unread(reading)
        followup = None if not_read else resolve(asked, context, self.followup_weights)
        if followup:
            answer = self._answer(followup.standalone, audience, followup, reading=reading)
            answer = replace(answer, question=question, answering=followup.standalone)
        else:
            answer = self._answer(asked, audience, reading=reading)
            if glossed:
                answer = replace(answer, question=question, answering=asked)
        if not_read and answer.escalates:
            return self._unread(answer, reading)
        return self._in_english(answer, glossed) if glossed else answer

    @staticmethod
    def _unread(answer: Answer, reading: Gloss) -> Answer:
        """A hand-off of a message nobody here could read says why, and that the person can reply in kind."""
        language = LANGUAGE_NAMES.get(reading.lang) or scripts.name_of(reading.lang)
        lead = (f"Your message is written in {language}, which I cannot read well enough to answer: "
                "a person will read it and can reply in your language.")
        return replace(answer, answer=f"{lead}\n{answer.answer}")

    def _in_english(self, answer: Answer, reading: Gloss) -> Answer:
        """An answer to a message read through its gloss says so, and offers a person who can answer in the
        asker's language. A hand-off (data request, security, a person asked for) is left as it is: a person
        reads the message as written."""
        if answer.escalates or answer.answer == OFF_TOPIC_TEXT:
            return answer
        language = LANGUAGE_NAMES[reading.lang]
        # What was understood is `answering` (shown as "Answering: …" by Slack, the web chat and the API).
        lead = f"I answer in English (your message is in {language}; a person can reply in {language} if you prefer)."
        return replace(answer, answer=f"{lead}\n{answer.answer}", offer=answer.offer or "user_request")

    def _answer(self, question: str, audience: str, followup: FollowUp | None = None,
                reading: Gloss | None = None) -> Answer:
        """`question` answered; `followup`: how it was resolved, when it is a rewritten follow-up; `reading`:
        the gloss of a message in another language (`question` is the gloss when it is understood)."""
        # Encoded once: retrieval and the request router (bot/understanding/) read the same vector. A
        # follow-up's own question is encoded in the same forward pass (see _with_own_words).
        own = followup.own_question if followup else None
        if own:
            query_vector, own_vector = self.retriever.embeddings.encode_queries([question, own])
        else:
            query_vector = self.retriever.embeddings.encode_query(question)
        # A follow-up's own words may lift a section from further down (_with_own_words): it reads the
        # default list; otherwise only the hits an answer reads are built.
        hits = self.retriever.search(question, audience, query_vector=query_vector,
                                     limit=RETURNED_HITS if own else HITS_READ)
        vote_margin = None  # the verifier's ranker_margin when the own-words vote chose the first section
        if own:
            hits, vote_margin = self._with_own_words(hits, own, own_vector, audience)
        # A glossed message has its own, lower escalation point (bot/understanding/router.py).
        route = self.router.route(question, query_vector, glossed=understood(reading))
        loaded = self.retriever.current()
        # "When was the policy last updated?" asks nothing of a person: answered from the metadata. Not when
        # the router hands the message to a person: a data request that names the policy ("send me the
        # policy date and a copy of all the data you hold on me") stays a request — a missed request costs
        # more than a date answered from the sections. Only a marginal escalation (the router finds a request
        # less likely than not) gives way to a recognised policy fact, and then the hand-off is offered.
        marginal = route.escalates and route.request_mass < policy_facts.MARGINAL_REQUEST_MASS
        fact = (None if route.escalates and not marginal
                else policy_facts.kind_of(question, query_vector, self.policy_fact_detector))
        if fact and route.label != "instruction":
            answer = self._policy_fact(question, audience, fact, loaded)
            return replace(answer, offer=route.reason) if route.escalates else answer
        if route.escalates:
            return self._escalation(question, audience, route.reason, hits, kind=route.kind,
                                    verdict=coverage.judge(loaded, question, hits, audience, margin=vote_margin))
        if unread(reading):
            # Written in another language the gloss understands too little of (bot/gloss.py): the router and
            # retrieval read English only, and would decline a Portuguese erasure request as noise. A person,
            # who can answer in the asker's language, takes it; the request the router half-saw, if any,
            # names the hand-off.
            reason = route.reason or "user_request"
            return self._escalation(question, audience, reason, hits, kind=route.kind if route.reason else "human")
        verdict = coverage.judge(loaded, question, hits, audience, margin=vote_margin)
        if followup and hits and self.adjust_followup_coverage:
            verdict = self._followup_verdict(verdict, followup, hits, loaded)
        # "Off-topic" is trusted only where the documents have nothing on it: a question they cover (an
        # internal runbook's "which laptop profile…?") is answered; a wrong brush-off costs more than a
        # cited answer. Instructions to the bot are always declined.
        answered_anyway = verdict.covered and bool(hits) and hits[0].feature("no_shared_words") == 0.0
        # A follow-up of a turn answered from the policy is on topic by definition ("who else sees them?"
        # after a question about uploaded files): declining it as off-topic is the very failure follow-ups
        # exist to fix. Instructions to the bot are still declined.
        in_conversation = bool(followup and followup.previous_on_topic)
        declined = route.action == "decline" and not (
            route.label == "off_topic" and (answered_anyway or in_conversation))
        # A question the policy does not cover gets "not covered" (support offered), not the off-topic reply,
        # when the router read a question for this assistant ("Are you SOC 2 certified?", "Which
        # subprocessors do you use?": no privacy word, yet on topic); the privacy word list decides only for
        # what the router read as something else. Leave-one-author-out on 15 authors (bench/eval_followup.py):
        # 980 vs 962 of 1,061 last turns right with context, none lost; topic changes 205 vs 198 of 224.
        asked_here = route.label in ("question", "process_question")
        if declined or (not verdict.covered and not in_conversation and not asked_here
                        and not mentions_privacy(question)):
            return Answer(question, OFF_TOPIC_TEXT, False, min(verdict.confidence, 0.05), audience)
        if (route.label == "process_question" and not verdict.lacks_fact
                and (route.sure_process_question or not verdict.covered)):
            # "How do I get a copy of my data?": what the policy says about reaching a person, and the offer.
            # Only when the router is sure it is not a plain question (or retrieval finds nothing better):
            # a policy question the router half-reads as a process question is answered from its own
            # section below, and still carries the offer. A fact the policy does not state ("what phone
            # number…?") is said to be missing (below), with the offer, rather than answered from Contact.
            answer = self._escalation(question, audience, route.reason, hits, framing=False, verdict=verdict)
            if answer.citations and not verdict.covered and not followup:
                # The policy says where to go but not what was asked ("is there a fee for a data request?",
                # "how do you verify my identity?"): `covered` keeps its meaning — the verifier's — and the
                # answer names the gap and quotes the Contact section, with the offer. Leave-one-author-out
                # end to end (bench/kimss_end_to_end.py): see README, Learned ranking. Not for a rewritten
                # follow-up: the verifier reads the rewrite ("a request to delete stuff about privacy
                # question?"), not a question a person wrote, and turned away 6 the Contact section answers
                # in the training conversations (bench/eval_followup.py) for 1 it got right.
                return replace(self._not_covered(question, audience, replace(verdict, related=True),
                                                 self._contact_section(route.reason, audience), loaded),
                               offer=route.offer)
            if answer.citations:
                return replace(answer, escalation=None, offer=route.offer)
        if not verdict.covered:
            return replace(self._not_covered(question, audience, verdict, hits, loaded), offer=route.offer)
        cited = coverage.supporting(loaded, question, hits, audience, MAX_CITATIONS)
        citations = compose.citations(loaded, cited)
        return Answer(question, compose.answer_text(citations), True, verdict.confidence, audience, citations,
                      offer=route.offer)

    def _followup_verdict(self, verdict: coverage.Verdict, followup: FollowUp, hits: list[SectionHit],
                          loaded) -> coverage.Verdict:
        """The verifier's verdict on a rewritten follow-up, decided again with the conversation: the rewrite
        carries the previous, answered question's words, and the verifier called "since when?" or "is there
        an email too?" answered where the policy is silent on the detail asked (bot/followup_coverage.py)."""
        section = loaded.section_index[hits[0].section_id]
        return followup_coverage.adjust(verdict, followup.message, followup.previous, hits[0].meta["section"],
                                        loaded.section_tokens[section],
                                        related=hits[0].feature("no_shared_words") == 0.0,
                                        weights=self.followup_coverage_weights)

    def _with_own_words(self, hits: list[SectionHit], own: str, own_vector,
                        audience: str) -> tuple[list[SectionHit], float | None]:
        """`hits` (ranked for the rewritten question) reordered by the sum of the ranker's log-odds for the
        rewritten question and for the follow-up's own words: the section must answer both. "Are they used
        for billing?" after "What is operational telemetry?": the rewrite names the data (Data Collection
        speaks of it), the message's own words name the practice asked about (Usage). Hits keep the
        rewritten question's features, so the verifier judges the rewritten question on the chosen section.
        Chosen on leave-one-author-out figures (bench/eval_followup.py).

        Also returned: the verifier's `ranker_margin` when the vote put another section first, else None.
        The verifier learned the margin as "how clearly the chosen section leads", never negative (its
        training sections are the ranker's best). Against the rewritten question's own best, a voted
        section's margin is negative, a value the verifier never saw, and it turned "Are my prompts used to
        improve the product?" on Usage away (Usage −0.15, Data Collection 2.89). The margin of the order
        that chose it (the summed log-odds) says the same thing as in training. Leave-one-author-out on 15
        authors: 959 vs 958 of 1,061 last turns right; judging the rewritten question's own order, or
        accepting either section, or a margin of 0 each changed nothing (bench/eval_followup.py)."""
        votes = {h.section_id: h.score for h in self.retriever.search(own, audience, query_vector=own_vector)}
        floor = min(votes.values(), default=0.0)
        summed = sorted(((h.score + votes.get(h.section_id, floor), i) for i, h in enumerate(hits)),
                        key=lambda c: (-c[0], c[1]))
        voted = [hits[i] for _, i in summed]
        if not voted or voted[0] is hits[0]:
            return voted, None
        return voted, summed[0][0] - summed[1][0]

    def _not_covered(self, question: str, audience: str, verdict: coverage.Verdict, hits: list[SectionHit],
                     loaded) -> Answer:
        """Say what the policy does not say; quote what it says on the topic when it says anything related."""
        citations = compose.citations(loaded, hits[:1]) if verdict.related else []
        if not citations:
            text = ("The privacy policy does not cover this question. Support can help: contact Kimss AI "
                    f"through {self.options.support_url}.")
            return Answer(question, text, False, verdict.confidence, audience, [], Escalation("not_covered"))
        text = compose.related_text(gaps.does_not_say(citations[0].title, question), citations,
                                    self.options.support_url)
        return Answer(question, text, False, verdict.confidence, audience, citations, Escalation("not_covered"))

    def _policy_fact(self, question: str, audience: str, kind: str, loaded) -> Answer:
        docs = policy_facts.documents(loaded, audience)
        named = [d for d in docs if d.title.lower() in question.lower()]
        docs = named or docs
        intros = [self._section_hit(loaded, d.first_section) for d in docs]
        citations = compose.citations(loaded, [h for h in intros if h is not None], whole_sections=True)
        text = "\n".join([policy_facts.statement(kind, docs, self.options.support_url)]
                         + compose.quoted_lines(citations))
        return Answer(question, text, True, 1.0, audience, citations)

    @staticmethod
    def _section_hit(loaded, section_id: str) -> SectionHit | None:
        section = loaded.section_index.get(section_id)
        if section is None:
            return None
        rows = loaded.sentences_of[section]
        return SectionHit(section_id, loaded.section_meta[section], None, 0.0, [(int(r), 0.0) for r in rows])

    def _escalation(self, question: str, audience: str, reason: str, hits: list[SectionHit], *,
                    kind: str | None = None, framing: bool = True,
                    verdict: coverage.Verdict | None = None) -> Answer:
        cited: list[SectionHit] = self._contact_section(reason, audience)
        loaded = self.retriever.current()
        # The process-question branch has judged the question already; the verifier is not run twice.
        verdict = verdict or coverage.judge(loaded, question, hits, audience)
        own = [h for h in hits[:1] if verdict.covered and h.section_id not in {c.section_id for c in cited}]
        citations = compose.citations(loaded, cited + own)
        lines = ([FRAMING[reason]] if framing else []) + ([compose.answer_text(citations)] if citations else [])
        return Answer(question, "\n".join(lines), bool(citations), verdict.confidence, audience, citations,
                      Escalation(reason, kind=kind))

    def _contact_section(self, reason: str, audience: str) -> list[SectionHit]:
        """What the policy says about reaching a person; the same for every question, so cached per index."""
        key = (reason, audience, self.retriever.current().info.collection)
        if key not in self._contact_cache:
            contact = self.retriever.search(ESCALATION_QUERIES[reason], audience)
            # Policies name the way to reach a person in a "Contact" section; prefer it when there is one.
            contact.sort(key=lambda h: "contact" not in h.meta["section"].lower())
            self._contact_cache = {k: v for k, v in self._contact_cache.items() if k[2] == key[2]}
            self._contact_cache[key] = contact[:1]
        return self._contact_cache[key]

    def status(self) -> dict:
        loaded = self.retriever.current()
        info = loaded.info
        dates = sorted({d.get("updated") for d in info.documents.values() if d.get("updated")})
        return {
            "ok": True, "model": info.model, "documents": len(info.documents), "chunks": len(loaded.chunks),
            "policy_date": dates[-1] if dates else None, "index": info.collection,
        }


def validate_question(question: str) -> str:
    question = (question or "").strip()
    if not question:
        raise InputRejected("Ask a question about Kimss AI's privacy policy, e.g. “What data do you collect?”",
                            code="empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputRejected(
            f"That question is {len(question):,} characters long; please keep it under {MAX_QUESTION_CHARS:,}.",
            code="too_long",
        )
    return question
