"""ChatbotFeedback-v0: the course's RLHF chatbot, from its toy to a miniature RLHF pipeline.

- ``queries.py``: the rules (:class:`ChatTask`): queries, responses, the oracle's score table;
  the help-desk corpus lives in ``data/corpus.json``.
- ``embedders.py``: query text to vector (built-in hashed n-grams, or all-MiniLM-L6-v2).
- ``raters.py``: oracle, noisy panel and human raters; scores, pairwise preferences, demonstrations.
- ``env.py``: the Gymnasium environment; ``render.py``: the chat window and text transcript.
- ``evaluation.py``: a policy's true score, its fraction of the oracle's, and its regret.

The three-step pipeline is :mod:`rldojo.baselines.rlhf` (``rldojo rlhf``).
"""
