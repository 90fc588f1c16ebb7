"""The observatory of collectivities' websites.

* :mod:`~webpass.observatory.checklist` — the analysis grid (``catalog/grille.yaml``) and checklists;
* :mod:`~webpass.observatory.pages` — facts extracted from a site's HTML pages (saved copy);
* :mod:`~webpass.observatory.fetch` — the same from a live site, only when asked (``--url``);
* :mod:`~webpass.observatory.detect` — the grid's cues matched against those facts;
* :mod:`~webpass.observatory.classify` — the level rule and what the next level needs;
* :mod:`~webpass.observatory.report` — the observatory tables by type and département;
* :mod:`~webpass.observatory.render` — the report as HTML and PDF.

Submodules are imported where used, so ``webpass --help`` stays fast.
"""
