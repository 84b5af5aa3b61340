"""What a message *is*: the labelled corpus, the router's training and its artifact (see README "Routing").

    corpus.py    the corpus in the repo + the team's router_examples.yaml; the corpus hash
    features.py  query embedding + a few high-precision signals
    train.py     grouped CV, calibration, operating point, final fit (scikit-learn; never at serve time)
    policy.py    the cost matrix and the decision from probabilities
    artifact.py  the trained weights with provenance; refused when they do not match
    router.py    serving: numpy arithmetic on the query vector; follows retraining
    retrain.py   train when the corpus or the model changed (train-router, index, Slack refresh)
"""
