"""The signals behind an account's score, one module each: ``content`` (policy matches and
the learned text model), ``stance`` (reporting and criticism are not endorsement),
``network`` (personalised PageRank over typed edges), ``media`` (PDQ hash bank matches),
``combine`` (the score) and ``reasons`` (the words). ``data`` reads the store in columns.
Orchestration lives in :mod:`hydrawatch.score`."""
