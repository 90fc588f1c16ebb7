"""Every loop of a render walks through one iteration budget, refused within it, not after.

A hostile template or clause is refused once its render has walked its environment's budget of
elements (turns of any ``{% for %}``, elements of walking filters, characters of string
methods): the tests assert how far the render went, never how long it took.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tests.conftest import GROUPEMENT_EXAMPLE
from webpass.documents.cctp import build_document, render_clause
from webpass.dossier.opening import open_dossier
from webpass.render.html import render_html, template_search_path
from webpass.selection.engine import Selection
from webpass.untrusted import sandbox
from webpass.untrusted.sandbox import (
    MAX_CLAUSE_ITERATIONS,
    MAX_RANGE,
    MAX_TEMPLATE_ITERATIONS,
    RenderLimitExceeded,
    clause_environment,
    render_bounded,
    template_environment,
)

LONG_LIST = list(range(400))
LONG_TEXT = "Clause du marché. " * 2_000  # 36 000 characters
# The most a single step spends: a whole range or a whole value, before it is walked.
LARGEST_STEP = max(MAX_RANGE, len(LONG_TEXT))
CONTEXT = {"liste": LONG_LIST, "texte": LONG_TEXT, "arbre": [{"enfants": LONG_LIST}] * 400}

# Each costs millions of turns unbounded; none declares a range() too long for MAX_RANGE.
HOSTILE_TEMPLATES = {
    "nested ranges": "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
    "nested ranges printing": (
        "{% for i in range(10000) %}{% for j in range(10000) %}{{ texte[:10] }}{% endfor %}{% endfor %}"
    ),
    "nested lists": (
        "{% for a in liste %}{% for b in liste %}{% for c in liste %}{% endfor %}{% endfor %}{% endfor %}"
    ),
    "a long string, again and again": "{% for i in range(10000) %}{% for c in texte %}{% endfor %}{% endfor %}",
    "batch": "{% for i in range(10000) %}{{ texte|batch(1)|list|length }}{% endfor %}",
    "slice": "{% for i in range(10000) %}{{ liste|slice(3)|list|length }}{% endfor %}",
    "join of a generator": "{% for i in range(10000) %}{{ liste|map('string')|join }}{% endfor %}",
    "filtered loop": "{% for i in range(10000) %}{% for x in liste if x < 0 %}{% endfor %}{% endfor %}",
    "recursive loop": (
        "{% for i in range(10000) %}{% for n in arbre recursive %}"
        "{{ loop(n.enfants) if n.enfants is defined else '' }}{% endfor %}{% endfor %}"
    ),
    "string method": "{% for i in range(10000) %}{{ texte.count('z') }}{% endfor %}",
}


def refusal(env: ImmutableSandboxedEnvironment, text: str) -> RenderLimitExceeded:
    with pytest.raises(RenderLimitExceeded) as info:
        render_bounded(env.from_string(text), dict(CONTEXT), 10**9, 3600, "le modèle de document")
    return info.value


@pytest.mark.parametrize("text", HOSTILE_TEMPLATES.values(), ids=HOSTILE_TEMPLATES.keys())
def test_a_hostile_template_is_refused_within_its_budget(text: str) -> None:
    refused = refusal(template_environment([]), text)
    assert "tours de boucle" in str(refused)
    assert "bornez la boucle" in str(refused)
    # Refused at the first step past the budget: one loop or one walked value beyond it.
    assert MAX_TEMPLATE_ITERATIONS < refused.iterations <= MAX_TEMPLATE_ITERATIONS + LARGEST_STEP


@pytest.mark.parametrize("text", HOSTILE_TEMPLATES.values(), ids=HOSTILE_TEMPLATES.keys())
def test_a_hostile_clause_is_refused_within_the_clause_budget(text: str) -> None:
    refused = refusal(clause_environment(), text)
    assert "retirez la boucle de la clause" in str(refused)
    assert MAX_CLAUSE_ITERATIONS < refused.iterations <= MAX_CLAUSE_ITERATIONS + LARGEST_STEP


def test_the_refusal_names_the_template_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / "cctp.html.j2").write_text(
        "<p>Début</p>\n{% for a in liste %}{% for b in liste %}\n{% for c in liste %}{% endfor %}"
        "{% endfor %}{% endfor %}\n",
        encoding="utf-8",
    )
    env = template_environment([folder])
    with pytest.raises(RenderLimitExceeded) as info:
        render_bounded(env.get_template("cctp.html.j2"), dict(CONTEXT), 10**9, 3600, "le modèle")
    assert f"le modèle ({folder / 'cctp.html.j2'}, ligne 3) est refusé" in str(info.value)


def test_a_clause_refusal_agrees_with_its_subject() -> None:
    with pytest.raises(RenderLimitExceeded) as info:
        render_bounded(
            clause_environment().from_string("{% for c in texte %}{% endfor %}"),
            dict(CONTEXT),
            10**9,
            3600,
            "A01 : la clause",
        )
    assert str(info.value).startswith("A01 : la clause est refusée : plus de 1000 tours")


def test_loops_within_the_budget_render_as_jinja_renders_them() -> None:
    text = (
        "{% for x in liste[:3] %}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}"
        "|{{ liste[:4]|batch(2)|map('join', '-')|join(' ') }}|{{ texte[:6]|list|length }}"
        "|{% for n in arbre[:1] recursive %}[{{ n.enfants[:2]|join(',') if n.enfants is defined else n }}]{% endfor %}"
    )
    rendered = render_bounded(
        template_environment([]).from_string(text), dict(CONTEXT), 10**6, 60, "le modèle"
    )
    assert rendered == "0,1,2|0-1 2-3|6|[0,1]"


def test_outside_a_bounded_render_nothing_is_counted() -> None:
    """The shipped observatory and grid report render directly: the budget is render_bounded's."""
    text = "{% for a in liste %}{% for b in liste %}{% endfor %}{% endfor %}ok"
    assert template_environment([]).from_string(text).render(**CONTEXT) == "ok"


def test_shipped_templates_and_clauses_need_a_tenth_of_their_budget(
    monkeypatch: pytest.MonkeyPatch, groupement: Selection
) -> None:
    """The largest shipped document, the groupement's CCTP, within a tenth of each budget."""
    monkeypatch.setattr(sandbox._Environment, "max_iterations", MAX_TEMPLATE_ITERATIONS // 10)
    monkeypatch.setattr(clause_environment(), "max_iterations", MAX_CLAUSE_ITERATIONS // 10)
    for item in groupement.catalog.items:
        render_clause(item, groupement)
    document = build_document(open_dossier(GROUPEMENT_EXAMPLE).selection)
    assert "</html>" in render_html(document, template_search_path(None))
