"""What a message *is*: the labelled corpus, the router's training and its artifact (see README "Routing").

    corpus.py    the corpus in the repo (corpus.jsonl + data/authors/*.jsonl) + the team's router_examples.yaml; the hash
    features.py  query embedding + a few high-precision signals + hashed word and character n-grams
    validation.py  leave-one-author-out and family-grouped folds, figures per fold and their spread
    train.py     CV by author, calibration, operating point, final fit (scikit-learn; never at serve time)
    policy.py    the cost matrix and the decision from probabilities
    artifact.py  the trained weights with provenance; refused when they do not match
    router.py    serving: numpy arithmetic on the query vector; follows retraining
    retrain.py   train when the corpus or the model changed (train-router, index, Slack refresh)
"""
