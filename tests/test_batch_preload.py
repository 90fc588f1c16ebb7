"""What the batch's fork server prepares once for every worker."""

from __future__ import annotations

from webpass.batch import worker
from webpass.catalog import load_shipped_catalog
from webpass.untrusted.clause_template import clause_template


def test_prepare_shared_compiles_every_shipped_clause() -> None:
    clause_template.cache_clear()
    worker.prepare_shared()
    catalog = load_shipped_catalog()
    before = clause_template.cache_info()
    for item in catalog.items:
        clause_template(item.clause)
        for variant in item.proportion:
            if variant.clause:
                clause_template(variant.clause)
    after = clause_template.cache_info()
    assert after.misses == before.misses  # all were compiled already
    assert after.hits > before.hits
