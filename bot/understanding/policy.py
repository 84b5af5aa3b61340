"""From the router's probabilities to what the assistant does, with asymmetric costs.

Actions: answer, answer *and offer* a hand-off ("Do you want the privacy team to act on this?"),
escalate (a person takes over), or decline (off-topic, instructions to the bot). A missed
data-subject request or security incident costs far more than an extra hand-off, so the cost
matrix below is explicit and the three thresholds are chosen to minimise its total on
out-of-fold cross-validation predictions over the training corpus (bot/understanding/train.py).
The held-out set (tests/heldout/) is never used to choose them: it is only reported.

    request mass ≥ escalate_at            → escalate to the most probable request label, unless the top
                                            label is process_question at ≥ process_ratio × request mass
    else top label off_topic/instruction  → decline
    else answer; offer the hand-off when the top label is process_question, or
         P(process_question) ≥ offer_process_at (the hand-off the process question is about), or
         request mass ≥ offer_at (the most probable request label)

Why the third threshold: a process question answered without the offer costs 3, a plain question given
a needless offer costs 1, so a message that is probably a question but quite possibly a process question
("can I withdraw consent later?") is cheaper offered. Where that line lies is read off the out-of-fold
costs like the other two (`choose_operating_point`), not set by hand.

Why the fourth (router-7): a process question names the request it is about ("kindly guide me how to
withdraw consent"), so it carries request mass; above escalate_at it was handed to a person even when the
router read it as a process question at two or three times the request mass (a fresh writer's process
questions were escalated 10–15 % of the time). When the router's reading is a process question that
clearly outweighs every request reading, the answer carries the offer instead: the person gets the answer
and the one-click hand-off. The ratio is chosen on the same grid, under the same recall floors.

Why one threshold per request label (router-9, available, off in the shipped training config: docs/history.md
"Routing", stop 24): the summed rule escalates a message whose request
mass reaches escalate_at, and the worst author's person-request floor held that at the grid's floor
(0.20), so every label paid for the weakest: a question read as 0.75 question / 0.25 security was
handed to a person. With `label_at`, a message is escalated when *one* request label reaches its own
threshold (data, security, person); the thresholds are chosen on the same out-of-fold probabilities
under the same every-author floors, as the ones with the fewest questions escalated, and kept only
when they escalate fewer questions than the summed rule (`choose_label_thresholds`). A message whose
request mass is high but spread over labels is then answered *with the offer* (offer_at), not
escalated. The escalation's reason stays the most probable request label.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import numpy as np

from bot.understanding.corpus import LABELS, REQUEST_LABELS

ACTIONS = ("answer", "offer", "escalate", "decline")
# COSTS[true label][action]: the price of one decision, in "extra hand-offs". Escalating a true
# request to the wrong queue (security for a data request) costs WRONG_QUEUE on top.
COSTS: dict[str, dict[str, float]] = {
    "question":         {"answer": 0, "offer": 1, "escalate": 5, "decline": 3},
    "process_question": {"answer": 3, "offer": 0, "escalate": 4, "decline": 3},
    "data_request":     {"answer": 50, "offer": 10, "escalate": 0, "decline": 50},
    "security":         {"answer": 50, "offer": 10, "escalate": 0, "decline": 50},
    "user_request":     {"answer": 20, "offer": 5, "escalate": 0, "decline": 20},
    "off_topic":        {"answer": 1, "offer": 2, "escalate": 5, "decline": 0},
    "instruction":      {"answer": 2, "offer": 2, "escalate": 5, "decline": 0},
}
WRONG_QUEUE = 1.0
# A process question ("how do I get a copy of my data?") is answered from the policy's Contact section;
# a plain policy question answered from it cites the wrong section, while a process question answered
# from retrieval still carries the offer. The first mistake is taken to cost three times the second, so
# the Contact section is used only when P(process question) ≥ 3 × P(question) (bot/assistant.py).
CONTACT_ODDS = 3.0
DECLINE_LABELS = ("off_topic", "instruction")
_LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}
_REQUEST_INDEX = np.array([_LABEL_INDEX[r] for r in REQUEST_LABELS])
_PROCESS = _LABEL_INDEX["process_question"]


@dataclass(frozen=True)
class OperatingPoint:
    escalate_at: float
    offer_at: float
    # Offer when P(process_question) reaches this even if it is not the top label (1.0: only as top label;
    # what artifacts trained before the third threshold mean).
    offer_process_at: float = 1.0
    # Not escalated (offered as a process question) when the top label is process_question with at least this
    # many times the request mass (inf: never; what artifacts trained before the fourth threshold mean).
    process_ratio: float = float("inf")
    # Per request label (REQUEST_LABELS order): escalate when one label's probability reaches its threshold
    # instead of the summed mass reaching escalate_at (None: the summed rule; what artifacts before router-9 mean).
    label_at: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Route:
    label: str  # the most probable label
    action: str  # one of ACTIONS
    reason: str | None  # the request label escalated or offered
    kind: str | None  # its most probable kind (e.g. "deletion")
    probabilities: dict[str, float] = field(default_factory=dict)  # per label, summed over kinds

    @property
    def escalates(self) -> bool:
        return self.action == "escalate"

    @property
    def offer(self) -> str | None:
        return self.reason if self.action == "offer" else None

    @property
    def request_mass(self) -> float:
        """The probability that the message asks a person to act (data, security or "a person"), summed."""
        return sum(self.probabilities.get(label, 0.0) for label in REQUEST_LABELS)

    @property
    def sure_process_question(self) -> bool:
        """A process question, and confidently not a plain question: answer it from the Contact section."""
        p = self.probabilities
        return self.label == "process_question" and p.get("process_question", 0.0) >= CONTACT_ODDS * p.get("question", 0.0)


def decide_index(p: np.ndarray, point: OperatingPoint) -> tuple[str, int]:
    """(action, index into LABELS) for one probability row: the request label escalated or offered, or
    process_question's index when the offer is for a process question (the caller names its hand-off)."""
    requests = p[_REQUEST_INDEX]
    request = int(_REQUEST_INDEX[requests.argmax()])
    mass = float(requests.sum())
    top = LABELS[int(p.argmax())]
    reached = mass >= point.escalate_at if point.label_at is None else bool((requests >= np.array(point.label_at)).any())
    if reached and not (top == "process_question" and p[_PROCESS] >= point.process_ratio * mass):
        return "escalate", request
    if top in DECLINE_LABELS:
        return "decline", request
    if top == "process_question" or p[_PROCESS] >= point.offer_process_at:
        return "offer", _PROCESS
    if mass >= point.offer_at:
        return "offer", request
    return "answer", request



def routed_right(label: str, action: str, reason: str | None) -> bool:
    """What the person needed: requests escalated to their reason, questions answered (an offer is fine),
    process questions answered with the offer, off-topic and instructions declined (the benches' measure)."""
    if label in REQUEST_LABELS:
        return action == "escalate" and reason == label
    if label == "question":
        return action in ("answer", "offer")
    if label == "process_question":
        return action == "offer"
    return action == "decline"

def cost(true_label: str, action: str, reason: str) -> float:
    extra = WRONG_QUEUE if action == "escalate" and true_label in REQUEST_LABELS and reason != true_label else 0.0
    return COSTS[true_label][action] + extra


def _outweighs(probs: np.ndarray, mass: np.ndarray, ratio: float) -> np.ndarray:
    """Rows whose process-question probability is at least `ratio` × their request mass. An infinite
    ratio (the fourth threshold off) is never met; multiplying it by a zero mass would give NaN."""
    if not np.isfinite(ratio):
        return np.zeros(len(mass), dtype=bool)
    return probs[:, _PROCESS] >= ratio * mass


def request_reached(probs: np.ndarray, mass: np.ndarray, point: OperatingPoint) -> np.ndarray:
    """Rows whose request reading is strong enough to escalate: the summed mass at escalate_at, or with
    `label_at` one request label at its own threshold (before the process-question exception and the guard)."""
    if point.label_at is None:
        return mass >= point.escalate_at
    return (probs[:, _REQUEST_INDEX] >= np.array(point.label_at)).any(axis=1)


def decide_all(probs: np.ndarray, point: OperatingPoint,
               forced: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`decide_index` for every row at once: (action index into ACTIONS, label index). `forced`: rows
    the assistant escalates whatever the router says (a message in another language, bot/language.py)."""
    mass = probs[:, _REQUEST_INDEX].sum(axis=1)
    request = _REQUEST_INDEX[np.argmax(probs[:, _REQUEST_INDEX], axis=1)]
    top = np.argmax(probs, axis=1)
    decline = np.isin(top, [_LABEL_INDEX[d] for d in DECLINE_LABELS])
    process = (top == _PROCESS) | (probs[:, _PROCESS] >= point.offer_process_at)
    escalate = request_reached(probs, mass, point) & ~((top == _PROCESS) & _outweighs(probs, mass, point.process_ratio))
    if forced is not None:
        escalate = escalate | forced
    action = np.where(escalate, 2, np.where(decline, 3, np.where(process | (mass >= point.offer_at), 1, 0)))
    return action, np.where(~escalate & ~decline & process, _PROCESS, request)


_COST_TABLE = np.array([[COSTS[label][a] for a in ACTIONS] for label in LABELS])


def total_cost(probs: np.ndarray, labels: list[str], point: OperatingPoint, decided=None) -> float:
    """Mean cost per message at `point` (`decided`: decide_all's result at that point, when known)."""
    truth = np.array([_LABEL_INDEX[label] for label in labels])
    action, request = decide_all(probs, point) if decided is None else decided
    wrong_queue = (action == 2) & np.isin(truth, _REQUEST_INDEX) & (request != truth)
    return float((_COST_TABLE[truth, action] + WRONG_QUEUE * wrong_queue).mean())


# The recall a new writer's requests must keep (the targets): with `groups` (the held-out author of
# each out-of-fold line), `choose_operating_point` keeps only the points where *every* author's requests of
# each label are escalated at least this often, then takes the cheapest. The worst author, not the mean,
# is the proxy for a writer the corpus has never seen.
RECALL_FLOORS: dict[str, float] = {"data_request": 0.97, "security": 0.97, "user_request": 0.95}
# The other target: at most this share of plain questions handed to a person (the mean over the
# authors, as the CV figures report it). Among the points meeting every recall floor, the points that also
# keep under it come first; the cost matrix alone would escalate more (a missed request costs ten
# escalated questions), which a reader of the answers sees as a bot that will not answer.
QUESTION_ESCALATION_CEILING = 0.05


ESCALATE_GRID = np.round(np.arange(0.20, 0.96, 0.025), 3)
# 1.0 keeps the two-threshold rule (a process question is offered only as the top label).
OFFER_PROCESS_GRID = tuple(float(x) for x in np.round(np.arange(0.10, 0.51, 0.05), 3)) + (1.0,)
# inf keeps the three-threshold rule (a request mass over escalate_at is always escalated).
PROCESS_RATIO_GRID = (1.5, 2.0, 2.5, 3.0, 4.0, float("inf"))


def _offer_grid(escalate_at: float) -> np.ndarray:
    return np.round(np.arange(0.02, escalate_at, 0.02), 3)


def worst_recall(probs: np.ndarray, labels: list[str], groups: np.ndarray, point: OperatingPoint,
                 floors: dict[str, float] = RECALL_FLOORS) -> float:
    """min over groups and request labels of (escalated share − floor): ≥ 0 when every floor is met."""
    return _worst_margin(decide_all(probs, point)[0] == 2, _floor_masks(labels, groups, floors))


def _floor_masks(labels: list[str], groups: np.ndarray, floors: dict[str, float]) -> list[tuple[np.ndarray, float]]:
    truth = np.array(labels)
    masks = [((groups == g) & (truth == label), floor) for g in np.unique(groups) for label, floor in floors.items()]
    return [(rows, floor) for rows, floor in masks if rows.any()]


def _question_masks(labels: list[str], groups: np.ndarray | None) -> list[np.ndarray]:
    """The plain questions of each group (all of them as one group without `groups`), empty groups left out."""
    truth = np.array(labels)
    masks = ([(groups == g) & (truth == "question") for g in np.unique(groups)] if groups is not None
             else [truth == "question"])
    return [rows for rows in masks if rows.any()]


def _worst_margin(escalated: np.ndarray, masks) -> float:
    return min((float(escalated[rows].mean()) - floor for rows, floor in masks), default=np.inf)


def choose_operating_point(probs: np.ndarray, labels: list[str], groups: np.ndarray | None = None,
                           floors: dict[str, float] = RECALL_FLOORS,
                           forced: np.ndarray | None = None, per_label: bool = False) -> tuple[OperatingPoint, float]:
    """The grid point with the lowest mean cost on (out-of-fold) probabilities; ties go to fewer hand-offs.
    With `groups`: among the points meeting every floor for every group (if none does, the points with
    the best worst margin); then the points keeping questions escalated under QUESTION_ESCALATION_CEILING,
    when any does. `forced`: the rows the assistant escalates whatever the router says (messages in another
    language): the point is chosen on what the assistant does, router and guard together. `per_label`: then
    search one threshold per request label (`choose_label_thresholds`; needs `groups`)."""
    masks = _floor_masks(labels, groups, floors) if groups is not None else []
    truth = np.array([_LABEL_INDEX[label] for label in labels])
    question_masks = _question_masks(labels, groups)
    mass = probs[:, _REQUEST_INDEX].sum(axis=1)
    request = _REQUEST_INDEX[np.argmax(probs[:, _REQUEST_INDEX], axis=1)]
    top = np.argmax(probs, axis=1)
    decline = np.isin(top, [_LABEL_INDEX[d] for d in DECLINE_LABELS])
    wrong_queue = np.isin(truth, _REQUEST_INDEX) & (request != truth)
    process_at = np.array(OFFER_PROCESS_GRID)
    scored = []
    always = np.zeros(len(truth), dtype=bool) if forced is None else forced
    process_top = top == _PROCESS
    for escalate_at, process_ratio in ((e, r) for e in ESCALATE_GRID for r in PROCESS_RATIO_GRID):
        # decide_all over the whole (offer_at × offer_process_at) grid at once: what is escalated or
        # declined, hence the recall margin, depends on escalate_at and process_ratio alone; the rest are
        # answered or offered.
        escalate = ((mass >= escalate_at) & ~(process_top & _outweighs(probs, mass, process_ratio))) | always
        margin = min(0.0, round(_worst_margin(escalate, masks), 6)) if masks else 0.0
        questions_escalated = float(np.mean([escalate[rows].mean() for rows in question_masks])) if question_masks else 0.0
        over = round(max(0.0, questions_escalated - QUESTION_ESCALATION_CEILING), 6)
        rest = ~escalate & ~decline
        fixed = (_COST_TABLE[truth[escalate], 2].sum() + WRONG_QUEUE * wrong_queue[escalate].sum()
                 + _COST_TABLE[truth[~escalate & decline], 3].sum() + _COST_TABLE[truth[rest], 0].sum())
        offer_at = _offer_grid(float(escalate_at))
        offered = ((top[rest] == _PROCESS)[:, None, None] | (mass[rest][:, None, None] >= offer_at[None, :, None])
                   | (probs[rest, _PROCESS][:, None, None] >= process_at[None, None, :]))
        extra = _COST_TABLE[truth[rest], 1] - _COST_TABLE[truth[rest], 0]
        costs = (fixed + np.tensordot(extra, offered, axes=1)) / len(truth)
        for i, o in enumerate(offer_at):
            for j, po in enumerate(process_at):
                point = OperatingPoint(float(escalate_at), float(o), float(po), float(process_ratio))
                # Ties: fewer hand-offs and offers, then the rule that escalates more (a higher ratio).
                scored.append(((-margin, over, round(float(costs[i, j]), 6), -float(escalate_at) - float(o) - float(po),
                                -float(process_ratio)), point))
    key, point = min(scored, key=lambda item: item[0])
    if groups is None or not per_label:
        return point, key[2]
    label_at = choose_label_thresholds(probs, labels, groups, point, floors, forced)
    if label_at is None:
        return point, key[2]
    point = replace(point, label_at=label_at)
    return point, total_cost(probs, labels, point, decide_all(probs, point, forced))


LABEL_GRID = np.round(np.arange(0.10, 0.61, 0.025), 3)


def choose_label_thresholds(probs: np.ndarray, labels: list[str], groups: np.ndarray, point: OperatingPoint,
                            floors: dict[str, float] = RECALL_FLOORS,
                            forced: np.ndarray | None = None) -> tuple[float, ...] | None:
    """One escalation threshold per request label (LABEL_GRID each), given the summed point's process ratio:
    among the combinations meeting every group's recall floors, the one with the fewest questions escalated
    (mean over groups; ties: the higher thresholds). None when no combination meets the floors, or when the
    best escalates no fewer questions than the summed rule at `point` (which then stays)."""
    mass = probs[:, _REQUEST_INDEX].sum(axis=1)
    exempt = (np.argmax(probs, axis=1) == _PROCESS) & _outweighs(probs, mass, point.process_ratio)
    always = np.zeros(len(labels), dtype=bool) if forced is None else forced
    floor_masks, question_masks = _floor_masks(labels, groups, floors), _question_masks(labels, groups)
    if not question_masks:
        return None
    # Each row counted by a floor or by the question figure gets its cell: the (group, request label) cells
    # first, then one question cell per group. Escalated shares per cell are then one bincount.
    cells = np.full(len(labels), -1)
    for n, rows in enumerate([rows for rows, _ in floor_masks] + question_masks):
        cells[rows] = n
    first_question, n_cells = len(floor_masks), len(floor_masks) + len(question_masks)
    counted = cells >= 0
    cell, probs, mass = cells[counted], probs[counted], mass[counted]
    exempt, always = exempt[counted], always[counted]
    sizes = np.bincount(cell, minlength=n_cells)
    floor = np.array([f for _, f in floor_masks])

    def shares(at: OperatingPoint) -> np.ndarray:
        escalated = request_reached(probs, mass, at) & ~exempt | always
        return np.bincount(cell, weights=escalated, minlength=n_cells) / sizes

    summed = shares(replace(point, label_at=None))
    best = None
    for label_at in itertools.product(LABEL_GRID, repeat=len(REQUEST_LABELS)):
        share = shares(replace(point, label_at=label_at))
        if (share[:first_question] < floor - 1e-9).any():
            continue
        key = (round(float(share[first_question:].mean()), 6), -float(sum(label_at)))
        if best is None or key < best[0]:
            best = (key, tuple(float(t) for t in label_at))
    if best is None or best[0][0] >= round(float(summed[first_question:].mean()), 6):
        return None
    return best[1]
