"""The selection: catalogue + answers → the clauses a dossier needs, each with its reason.

:mod:`~webpass.selection.engine` computes it; :mod:`~webpass.selection.view` shows it.
"""
