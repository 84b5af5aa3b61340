"""The third threshold (offer when a process question is likely, not only when it is the top label) and the
features that tell a question about a procedure from the request itself."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bot.understanding import artifact
from bot.understanding import train as training
from bot.understanding.corpus import LABELS
from bot.understanding.features import CODE_VERSION, clause_starts, ngrams, signals
from bot.understanding.policy import OperatingPoint, choose_operating_point, decide_all, decide_index, total_cost
from bot.understanding.router import Router

BUNDLED = "sentence-transformers/all-MiniLM-L6-v2"


def row(**p: float) -> np.ndarray:
    out = np.zeros(len(LABELS))
    for label, value in p.items():
        out[LABELS.index(label)] = value
    return out


# "can I withdraw consent later?": most likely a policy question, quite possibly a question about the procedure.
HALF_PROCESS = row(question=0.6, process_question=0.3, data_request=0.06, off_topic=0.04)


def test_a_likely_process_question_that_is_not_the_top_label_is_answered_with_the_offer():
    action, index = decide_index(HALF_PROCESS, OperatingPoint(0.3, 0.1, offer_process_at=0.25))
    assert (action, LABELS[index]) == ("offer", "process_question")
    # Below the threshold, or with the two-threshold rule (1.0, what older artifacts mean): answered only.
    assert decide_index(HALF_PROCESS, OperatingPoint(0.3, 0.1, offer_process_at=0.35))[0] == "answer"
    assert decide_index(HALF_PROCESS, OperatingPoint(0.3, 0.1))[0] == "answer"


def test_the_process_threshold_never_overrides_an_escalation_or_a_decline():
    request_like = row(question=0.1, process_question=0.45, data_request=0.45)
    assert decide_index(request_like, OperatingPoint(0.3, 0.1, 0.2))[0] == "escalate"
    injection = row(instruction=0.6, process_question=0.3, question=0.1)
    assert decide_index(injection, OperatingPoint(0.3, 0.1, 0.2))[0] == "decline"


def test_decide_all_agrees_with_decide_index_row_by_row():
    rng = np.random.default_rng(1)
    probs = rng.dirichlet(np.full(len(LABELS), 0.4), size=500)
    for point in (OperatingPoint(0.3, 0.06, 0.3), OperatingPoint(0.5, 0.2), OperatingPoint(0.25, 0.1, 0.1),
                  OperatingPoint(0.2, 0.1, 0.3, process_ratio=1.5), OperatingPoint(0.3, 0.1, 1.0, process_ratio=2.0)):
        actions, indices = decide_all(probs, point)
        for p, a, i in zip(probs, actions, indices):
            action, index = decide_index(p, point)
            assert (["answer", "offer", "escalate", "decline"][a], int(i)) == (action, index)


def test_the_process_threshold_is_chosen_on_the_costs_and_reported_at_its_own_cost():
    # Process questions the model ranks second (P 0.35 behind a question's 0.55) and plain questions with a
    # little process probability: offering the first costs less (a missed offer costs 3, a needless one 1).
    probs, labels = [], []
    for _ in range(100):
        probs.append(row(question=0.55, process_question=0.35, data_request=0.1)), labels.append("process_question")
    for p in np.linspace(0.0, 0.2, 300):
        probs.append(row(question=0.95 - p, process_question=p, data_request=0.05)), labels.append("question")
    for _ in range(50):
        probs.append(row(data_request=0.9, question=0.1)), labels.append("data_request")
    probs = np.array(probs)
    point, cost = choose_operating_point(probs, labels)
    assert 0.2 < point.offer_process_at <= 0.35
    assert cost == round(total_cost(probs, labels, point), 6)  # the vectorised search costs what decide_all does
    assert cost < total_cost(probs, labels, OperatingPoint(point.escalate_at, point.offer_at, 1.0))


def _router(tmp_path, offer_process_at: float) -> Router:
    rng = np.random.default_rng(3)
    texts = ["how do i report phishing?", "do you keep my chats", "delete my data", "someone logged in as me"] * 20
    y = np.array(["process_question:security", "question", "data_request:deletion", "security:account_compromise"] * 20)
    vectors = rng.normal(size=(len(texts), 384)).astype(np.float32)
    fitted = training.fit(training.design(texts, vectors, training.Config()), y, config=training.Config())
    meta = {"corpus_sha256": "x", "embedding_model": BUNDLED, "code_version": CODE_VERSION,
            **training.serving_meta(training.Config())}
    weights = artifact.RouterWeights([str(c) for c in fitted.classes_], fitted.model.coef_, fitted.model.intercept_,
                                     fitted.mean, fitted.scale, 1.0, 0.99, 0.98, meta, offer_process_at=offer_process_at)
    artifact.save(weights, tmp_path / "r.npz")
    return Router(artifact.load(tmp_path / "r.npz"))


def test_the_offer_for_a_likely_process_question_names_the_hand_off_it_is_about(tmp_path):
    router = _router(tmp_path, offer_process_at=0.0)  # every answerable message is offered as a process question
    assert router.point.offer_process_at == 0.0  # saved and loaded with the artifact
    route = router.route("do you keep my chats", np.zeros(384, dtype=np.float32))
    assert route.action == "offer" and route.label != "process_question"
    assert (route.offer, route.kind) == ("security", "account_compromise")  # the process question's kind, not the top request
    assert _router(tmp_path, offer_process_at=1.0).route("do you keep my chats", np.zeros(384, dtype=np.float32)).offer is None


def test_an_artifact_saved_with_two_thresholds_loads_with_the_two_threshold_rule(tmp_path):
    weights = artifact.load(artifact.SHIPPED)
    old = tmp_path / "old.npz"
    with np.load(artifact.SHIPPED, allow_pickle=False) as data:
        saved = {k: data[k] for k in data.files}
    saved["numbers"] = saved["numbers"][:3]
    np.savez(old, **saved)
    loaded = artifact.load(old)
    assert loaded.offer_process_at == 1.0 and (loaded.escalate_at, loaded.offer_at) == (weights.escalate_at, weights.offer_at)


def test_clause_starts_carry_the_mood_after_greetings():
    assert clause_starts("hey team, do you sell my data?") == ["do", "do you"]
    assert clause_starts("Hi! Delete my account. Thanks") == ["delete", "delete my", "thanks"]
    assert clause_starts("ok so how do i get a copy") == ["how", "how do"]
    # The same words in another order: a question and a request, told apart by their clause starts.
    question, request = "do you delete my data when I ask", "delete my data when I ask, do you"
    assert ngrams(question, ("words",)) == ngrams(request, ("words",))
    assert ngrams(question, ("starts",)) == {"s do", "s do you"} != ngrams(request, ("starts",))


def test_the_procedure_signal_fires_on_questions_about_how_and_not_on_the_request():
    procedure = ("procedure",)
    for text in ["If I wanted to withdraw my consent, what would I have to do?",
                 "hypothetically, could I get everything you hold on me",
                 "any docs on erasure requests?", "What's involved in correcting my details?",
                 "How I can change my wrong name in your system?", "delete account how",
                 "Please let me know to whom a request under Article 17 GDPR should be addressed."]:
        assert signals(text, procedure)[0] == 1.0, text
    for text in ["Delete my account and everything in it.", "I want a copy of my data", "do you sell my data?",
                 "how long do you keep my chats?"]:
        assert signals(text, procedure)[0] == 0.0, text


def test_the_operating_point_is_chosen_on_what_the_assistant_does_with_other_language_messages():
    # Two authors. Each has a data request the router half-sees (0.3) and one it misses (0.05, in another
    # language, which bot/language.py hands to a person anyway), and questions with some request mass.
    requests = [row(data_request=0.3, question=0.7), row(data_request=0.05, question=0.95)]
    questions = [row(question=0.75, data_request=0.25), row(question=0.9, data_request=0.1)] * 3
    probs = np.array((requests + questions) * 2)
    labels = (["data_request"] * 2 + ["question"] * 6) * 2
    groups = np.array(["a"] * 8 + ["b"] * 8)
    foreign = np.array(([False, True] + [False] * 6) * 2)
    guarded, _ = choose_operating_point(probs, labels, groups, forced=foreign)
    escalated = decide_all(probs, guarded, foreign)[0] == 2
    assert escalated[[0, 1, 8, 9]].all()  # every request handed to a person, the foreign one by the guard
    assert not escalated[np.array(labels) == "question"].any()  # and no question
    # Without the guard in the choice, the router's own decisions miss the foreign request.
    assert not (decide_all(probs, guarded)[0] == 2)[1]


def test_among_points_meeting_the_floors_those_under_the_question_ceiling_come_first(monkeypatch):
    # 200 clear requests and 4 that look like the 6 questions (request mass 0.3). Leaving those 4 to the
    # offer still meets every author's floor (100/102 > 0.97); the cost matrix alone would rather escalate
    # all 10 (4 requests only offered cost more than 6 escalated questions), the ceiling keeps the questions.
    probs = np.array([row(data_request=0.6, question=0.4)] * 200 + [row(question=0.7, data_request=0.3)] * 10)
    labels = ["data_request"] * 204 + ["question"] * 6
    groups = np.array(["a", "b"] * 105)
    point, _ = choose_operating_point(probs, labels, groups)
    escalated = decide_all(probs, point)[0] == 2
    assert escalated[:200].all() and not escalated[204:].any()
    from bot.understanding import policy

    monkeypatch.setattr(policy, "QUESTION_ESCALATION_CEILING", 1.0)
    point, _ = choose_operating_point(probs, labels, groups)
    # The cost matrix alone escalates the questions (the summed-mass grid; the per-label stage that follows
    # it, policy.choose_label_thresholds, is tested in test_label_thresholds.py).
    assert (decide_all(probs, replace(point, label_at=None))[0] == 2)[204:].all()


def test_signals_and_policy_facts_find_the_same_in_the_lowered_text_as_with_re_i():
    import re

    from bot import policy_facts
    from bot.understanding.corpus import load_corpus
    from bot.understanding.features import SIGNALS

    texts = [e.text for e in load_corpus()[::5]]
    texts += [t.upper() for t in texts[:300]] + ["WHEN WAS THE POLICY LAST UPDATED?", "Art. 15 GDPR DSAR", "İstanbul’s"]
    for text in texts:
        plain = text.replace("’", "'")
        assert signals(text).tolist() == [1.0 if SIGNALS[n].search(plain) else 0.0 for n in SIGNALS]
        expected = next((k for k, p in policy_facts.PATTERNS.items() if re.compile(p.pattern, re.I).search(text)), None)
        assert policy_facts.kind_of(text) == expected


def test_the_router6_signals_tell_asking_about_a_thing_from_telling_that_it_happened():
    names = ("event", "in_general", "relayed")
    fires = lambda text: {n for n, v in zip(names, signals(text, names)) if v}  # noqa: E731
    # Incidents told as events, against worries about the same subject.
    assert "event" in fires("I got an email asking for my password, is that you?")
    assert "event" in fires("someone logged into my account last night and it wasn't me")
    assert "event" not in fires("can anyone hack my account")
    assert "event" not in fires("have u ever been hacked")
    # The rule or the possibility in general, against the request itself.
    for text in ["Would you be obliged to delete my data if I asked?", "can processing of my data be paused?",
                 "can we restrict processing is that a right", "do you honor do not sell requests",
                 "were you ever breached?"]:
        assert "in_general" in fires(text), text
    for text in ["Delete my data.", "please restrict processing of my data", "I object to marketing"]:
        assert "in_general" not in fires(text), text
    # A question passed on for someone else.
    assert "relayed" in fires("customer asking whether their usage feeds ad personalization anywhere")
    assert "relayed" in fires("GA or segment on the marketing site? someone asked in #sales")
    assert fires("delete my account") == set()


def test_the_router7_signals_tell_asking_how_or_whom_from_asking_to_act():
    names = ("asks_the_way", "contact_point")
    fires = lambda text: {n for n, v in zip(names, signals(text, names)) if v}  # noqa: E731
    # Wondering about, or asking to be guided to, the way of doing it; a procedure's name alone as the question.
    for text in ["I wonder what the proper way is to ask you to stop emailing me",
                 "Kindly guide me how to close my account", "please tell me the procedure to get my data",
                 "could you walk me through an erasure request", "opt-out process?"]:
        assert "asks_the_way" in fires(text), text
    # The request itself, and "process" the verb, do not fire.
    for text in ["Kindly delete my account", "please stop process my data until you check my complaint",
                 "Please close my account today.", "we went through the whole process twice, get me a person"]:
        assert "asks_the_way" not in fires(text), text
    # Who or where to contact, against asking to be put through to someone.
    for text in ["whos the contact for privacy questions", "where do I send an access request?",
                 "who should we email about a breach on our side?"]:
        assert "contact_point" in fires(text), text
    for text in ["get me a human", "I want to talk to a real person now"]:
        assert "contact_point" not in fires(text), text



# "Kindly guide me how to withdraw consent": read as a process question, but it names a request (mass 0.3).
GUIDE_ME = row(process_question=0.65, data_request=0.3, question=0.05)


def test_a_process_question_outweighing_the_request_mass_is_offered_not_escalated():
    # The three-threshold rule (inf, what older artifacts mean) hands it to a person; the fourth offers it.
    assert decide_index(GUIDE_ME, OperatingPoint(0.25, 0.1, 0.2))[0] == "escalate"
    action, index = decide_index(GUIDE_ME, OperatingPoint(0.25, 0.1, 0.2, process_ratio=2.0))
    assert (action, LABELS[index]) == ("offer", "process_question")
    # A request the router half-reads as a process question is still escalated: the ratio is not reached,
    # or the process question is not the top label.
    assert decide_index(row(process_question=0.5, data_request=0.45, question=0.05),
                        OperatingPoint(0.25, 0.1, 0.2, process_ratio=2.0))[0] == "escalate"
    assert decide_index(row(question=0.5, process_question=0.3, data_request=0.2),
                        OperatingPoint(0.15, 0.1, 0.2, process_ratio=1.0))[0] == "escalate"


def test_the_process_ratio_is_chosen_only_where_every_authors_requests_keep_their_floor():
    # Two authors. Process questions the router reads as such at twice the request mass; data requests that look
    # the same to it in author "b" only.
    def corpus(process_like_requests: int):
        # Requests the router half-sees (0.32) keep escalate_at low enough to reach the process questions' 0.3.
        probs = [GUIDE_ME] * 40 + [row(data_request=0.9, question=0.1)] * 90 + [row(question=0.68, data_request=0.32)] * 10
        probs += [row(question=0.95, data_request=0.05)] * 40
        labels = ["process_question"] * 40 + ["data_request"] * 100 + ["question"] * 40
        probs += [GUIDE_ME] * process_like_requests
        labels += ["data_request"] * process_like_requests
        return probs, labels
    pa, la = corpus(0)
    pb, lb = corpus(1)  # 1 of 101 requests: 100/101 > 0.97, the ratio is worth it
    probs, labels = np.array(pa + pb), la + lb
    groups = np.array(["a"] * len(la) + ["b"] * len(lb))
    point, _ = choose_operating_point(probs, labels, groups)
    assert point.process_ratio <= 2.0
    assert (decide_all(probs, point)[0][np.array(labels) == "process_question"] == 1).all()  # all offered
    pb, lb = corpus(10)  # 10 of 110: 100/110 < 0.97, the floor forbids it
    probs, labels = np.array(pa + pb), la + lb
    groups = np.array(["a"] * len(la) + ["b"] * len(lb))
    point, _ = choose_operating_point(probs, labels, groups)
    assert point.process_ratio > 2.0
    assert (decide_all(probs, point)[0][np.array(labels) == "data_request"] == 2).all()


def test_the_process_ratio_is_saved_with_the_artifact_and_older_artifacts_never_use_it(tmp_path):
    weights = artifact.RouterWeights(["question", "process_question"], np.zeros((2, 3)), np.zeros(2), np.zeros(3),
                                     np.ones(3), 1.0, 0.3, 0.1, {"code_version": CODE_VERSION}, offer_process_at=0.2,
                                     process_ratio=2.5)
    artifact.save(weights, tmp_path / "r.npz")
    assert artifact.load(tmp_path / "r.npz").point.process_ratio == 2.5
    with np.load(tmp_path / "r.npz") as data:
        saved = dict(data)
    saved["numbers"] = saved["numbers"][:4]  # an artifact from before the fourth threshold
    np.savez(tmp_path / "old.npz", **saved)
    assert artifact.load(tmp_path / "old.npz").point.process_ratio == float("inf")
