"""Comparing the offers of a consultation: award criteria, scale, PSE rule, notes, ranking.

Typical use::

    comparison = compare_offers(open_dossier(folder), offer_paths)   # webpass.compare.run
    document = build_rao(comparison)          # webpass.documents.rao, rendered like the CCTP

See :mod:`webpass.compare.scoring` for the rules (regularity gate, marks, price, ties, formulas),
:mod:`webpass.compare.pse` for the one rule on options, :mod:`webpass.compare.scale` for the
scoring scale and :mod:`webpass.compare.environment` for the environmental terms. Nothing is
re-exported here: :mod:`webpass.compare.award` is read with every dossier's answers and must not
pull in the scoring and the RAO.
"""
