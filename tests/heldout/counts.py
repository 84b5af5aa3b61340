"""Print the counts quoted in a held-out set's README: `python -m tests.heldout.counts [v17|v18]`."""
import sys
from collections import Counter

from tests.heldout.load import conversations, kimss_questions, router_items


def main(version: str = "v17") -> None:
    router = router_items(version)
    print(f"router.jsonl: {len(router)} utterances, {len({r['pair'] for r in router if 'pair' in r})} pairs")
    for (label, kind), n in sorted(Counter((r["label"], r["kind"] or "-") for r in router).items()):
        print(f"  {label:18} {kind:22} {n}")
    print("  registers:", dict(Counter(r["register"] for r in router).most_common()))
    questions = kimss_questions(version)
    print(f"kimss_questions.yaml: {len(questions)} questions")
    print("  expect:", dict(Counter(q["expect"] for q in questions).most_common()))
    print("  audience:", dict(Counter(q["audience"] for q in questions).most_common()))
    first = Counter(q["sections"][0] for q in questions if q["expect"] != "not_covered")
    print("  first acceptable section (answered + policy_fact):", dict(first.most_common()))
    convs = conversations(version)
    print(f"conversations.yaml: {len(convs)} conversations")
    print("  type:", dict(Counter(c["type"] for c in convs).most_common()))
    print("  turns:", dict(Counter(len(c["turns"]) for c in convs).most_common()))
    print("  last turn covered:", dict(Counter(c["expect"]["covered"] for c in convs).most_common()))
    print("  escalation:", dict(Counter(str(c["expect"]["escalation"]) for c in convs).most_common()))


if __name__ == "__main__":
    main(*sys.argv[1:2])
