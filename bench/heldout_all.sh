#!/bin/sh
# Every held-out figure of one set, in one run: the router, the Kimss questions and the conversations.
#     bench/heldout_all.sh v17        (the set in tests/heldout/<set>/: v17 or v18)
# Held-out sets are only reported, never used to choose anything (tests/heldout/README.md).
set -eu
cd "$(dirname "$0")/.."
SET=${1:?usage: bench/heldout_all.sh v17|v18}
DIR=tests/heldout/$SET
PY=${PYTHON:-.venv/bin/python}
echo "== router ($DIR/router.jsonl)"
$PY bench/bench_router.py --skip-cv --heldout "$PWD/$DIR/router.jsonl"
echo "== Kimss questions ($DIR/kimss_questions.yaml)"
$PY bench/bench_heldout_kimss.py --file "$DIR/kimss_questions.yaml"
echo "== conversations ($DIR/conversations.yaml)"
$PY bench/bench_conversations.py "$DIR/conversations.yaml" --rounds 1
