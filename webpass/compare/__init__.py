"""Comparing the offers of a consultation: award criteria, price formulas, analyst notes, ranking.

Typical use::

    grid = build_grid(selection)
    offers = read_offers(paths, grid, load_labels(catalog.root), today=offers_deadline(answers))
    comparison = compare_offers(selection, grid, offers, load_notes(notes_path))
    document = build_rao(comparison)          # webpass.documents.rao, rendered like the CCTP

See :mod:`webpass.compare.scoring` for the rules (elimination, scores, ties, formulas). Nothing is
re-exported here: :mod:`webpass.compare.award` is read with every dossier's answers and must not
pull in the scoring and the RAO.
"""
