"""PolicyQA (SQuAD-format OPP-115 policies) as the project's documents: for training and benches."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path



def load_policies(path: Path) -> list[dict]:
    """[{title, paragraphs: [text], questions: {question: {gold paragraph indexes}}}]"""
    policies = []
    for doc in json.loads(Path(path).read_text())["data"]:
        questions: dict[str, set[int]] = defaultdict(set)
        paragraphs = []
        for i, paragraph in enumerate(doc["paragraphs"]):
            paragraphs.append(" ".join(paragraph["context"].split()))
            for qa in paragraph["qas"]:
                questions[qa["question"].strip()].add(i)
        policies.append({"title": doc["title"], "paragraphs": paragraphs, "questions": dict(questions)})
    return policies


def write_policy(policy: dict, directory: Path, name: str = "policy.md") -> None:
    """One Markdown document, one section per paragraph ("Paragraph 1", …)."""
    lines = [f"---\ntitle: {json.dumps(policy['title'])}\n---\n", f"# {policy['title']}\n"]
    for i, text in enumerate(policy["paragraphs"]):
        lines.append(f"## Paragraph {i + 1}\n\n{text}\n")
    (Path(directory) / name).write_text("\n".join(lines))


def paragraph_of(section_id: str) -> int:
    return int(re.search(r"#paragraph-(\d+)", section_id).group(1)) - 1
