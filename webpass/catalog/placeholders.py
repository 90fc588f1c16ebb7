"""The vocabulary clause texts may use, and the check that they use nothing else.

A clause may name the dossier's shared values (``{{ collectivite.nom }}``,
``{{ projet.niveau_vise }}``) and its own parameters (``{{ delai_jours }}``). Anything else is a
typo that would break generation later, so the validator reports it with its line.
"""

from __future__ import annotations

from collections.abc import Iterable

from jinja2 import TemplateSyntaxError, meta, nodes

from webpass.core.frozen_record import frozen_record
from webpass.untrusted.sandbox import clause_environment

__all__ = ["CONTEXT_FIELDS", "FILTERS", "TemplateIssue", "check_clause"]

# Every attribute the dossier exposes to clauses. The answers model (webpass.dossier.answers) builds
# exactly these; a test keeps the two in step.
CONTEXT_FIELDS: dict[str, dict[str, str]] = {
    "collectivite": {
        "nom": "Nom de la collectivité, ex. « Saint-Aubin-des-Landes »",
        "designation": "Désignation complète, ex. « la commune de Saint-Aubin-des-Landes »",
        "type": "Type en clair : commune, communauté de communes, syndicat",
        "code_insee": "Code INSEE (commune) ou SIREN (groupement)",
        "departement": "Nom du département",
        "population": "Nombre d'habitants",
        "effectif": "Nombre d'agents (équivalents temps plein)",
        "nb_communes": "Nombre de communes membres (1 pour une commune)",
        "communes": "Liste des communes membres (groupement)",
        "nb_identite_propre": "Nombre de communes membres dotées d'une identité propre (groupement)",
        "communes_identite_propre": "Communes membres dotées d'une identité propre, séparées par "
        "des virgules",
        "sites_communaux_repris": "Communes dotées d'une identité propre dont le dossier décrit le "
        "site actuel (repris par le titulaire), ex. « Fouesnant, Bénodet et Saint-Évarzec » ; vide "
        "s'il n'y en a pas",
        "adresse": "Adresse postale de la mairie ou du siège",
        "domaine": "Nom de domaine principal du site, ex. « saint-aubin.fr »",
        "noms_de_domaine": "Noms de domaine de tous les sites du marché : le principal, puis ceux "
        "des communes membres dotées d'un site propre, ex. « cc-exemple.fr, a.fr et b.fr »",
        "nb_noms_de_domaine": "Nombre de ces noms de domaine (1 pour une commune)",
        "publicite_actes": "Mode de publicité des actes choisi par délibération, quand ils ne "
        "sont pas publiés sous forme électronique : « par affichage » ou « par publication sur "
        "papier » ; vide sans délibération datée (la publication électronique s'applique alors)",
        "deliberation_publicite_actes": "Date de cette délibération (vide sans elle)",
        "au_nom_du_titulaire": "En quel nom comptes et noms de domaine sont ouverts : « au nom de "
        "la commune de X », ou dans un groupement dont des communes ont un site propre « au nom "
        "du membre titulaire de chaque site (annexe A2 du CCAP) »",
    },
    "projet": {
        "nature": "« création » ou « refonte »",
        "niveau_vise": "Niveau visé, de 1 à 5",
        "niveau_nom": "Nom du niveau visé, ex. « site dynamique d'actualité »",
        "site_actuel": "Adresse du site actuel (refonte)",
        "niveau_actuel_nom": "Nom du niveau du site actuel",
        "duree_marche_mois": "Durée du marché en mois",
        "duree_marche_ans": "Durée du marché en années",
        "date_lancement": "Date de lancement de la consultation",
        "mise_en_ligne": "Date de mise en ligne souhaitée",
        "budget": "Budget envisagé, en euros HT",
        "reference": "Référence de la consultation",
        "temps_agent_hebdo": "Heures par semaine que les agents consacrent au site (vide si inconnu)",
        "teleservices": "Téléservices exigés en solution de base, avec leur identifiant",
        "exigences": "Identifiants des exigences du CCTP (solution de base et PSE), pour ne "
        'renvoyer qu\'à une exigence présente : {% if "F08" in projet.exigences %}…{% endif %}',
    },
    # Numbers of the CCAP articles (webpass.documents.ccap_plan), so a clause cites « article
    # {{ ccap.penalites }} du CCAP » and stays right whatever the procedure.
    "ccap": {
        "objet": "Article du CCAP : objet du marché et parties",
        "pieces": "Article du CCAP : pièces constitutives",
        "forme": "Article du CCAP : forme du marché et PSE",
        "duree": "Article du CCAP : durée et délais",
        "prix": "Article du CCAP : prix et variation des prix",
        "paiement": "Article du CCAP : avance, facturation et paiement",
        "verification": "Article du CCAP : vérifications et admission",
        "garantie": "Article du CCAP : garantie",
        "penalites": "Article du CCAP : pénalités",
        "propriete": "Article du CCAP : propriété intellectuelle",
        "donnees": "Article du CCAP : confidentialité, sécurité et données personnelles",
        "sous_traitance": "Article du CCAP : sous-traitance",
        "assurances": "Article du CCAP : assurances",
        "resiliation": "Article du CCAP : résiliation",
        "reversibilite": "Article du CCAP : réversibilité et fin du marché",
        "differends": "Article du CCAP : droit applicable et différends",
        "derogations": "Article du CCAP : dérogations au CCAG-TIC",
    },
    # The pieces a clause refers to, named as the procedure's DCE has them
    # (webpass.documents.pieces.cited_pieces): a quote form, not a price schedule, under quotes.
    "pieces": {
        "prix": "La pièce où les prix sont portés, avec son article : « le formulaire de devis » "
        "ou « le bordereau des prix unitaires (BPU) »",
        "au_prix": "La même, précédée de « au » : « au formulaire de devis »",
        "du_prix": "La même, précédée de « du » : « du formulaire de devis »",
        "consultation": "La pièce qui règle la consultation : « la lettre de consultation » ou "
        "« le règlement de la consultation »",
        "offre_prix": "Ce que l'offre remet pour ses prix, ex. « le formulaire de devis, "
        "complété et signé »",
        "candidat": "Qui remet l'offre : « le prestataire » consulté par devis, « le candidat » "
        "sinon",
    },
    "marche": {
        "regle_pse": "Règle de jugement des prestations supplémentaires éventuelles, mot pour mot "
        "celle du RC, du CCAP et de l'acte d'engagement",
        "duree": "Durée du marché, reconductions comprises, mot pour mot la phrase de toutes les "
        "pièces",
        "delai_livraison": "Délai du titulaire : livraison pour vérification, en semaines depuis "
        "la notification, délais de validation de l'acheteur exclus, mot pour mot celui du CCAP",
        "fin_realisation": "Fin de la réalisation : vérification d'aptitude, mise en ligne, "
        "vérification de service régulier et admission, mot pour mot celle du CCAP",
        "reversibilite": "Règle de la réversibilité en fin de marché et de son prix, mot pour mot "
        "celle du CCAP",
        "evolutions": "Comment une évolution non comprise dans le prix est achetée, à la suite de "
        "« non comprise dans le prix global, » : la clause de réexamen du CCAP, ou une "
        "modification du marché",
        "connecteurs": "Qui acquiert les licences d'interface des éditeurs de logiciels métiers "
        "(la collectivité, hors du marché) et ce que le titulaire réalise, mot pour mot la même "
        "phrase dans chaque exigence d'échange",
        "homologation": "Qui décide l'homologation de sécurité, jusqu'à « pour une durée de » : "
        "l'autorité de la collectivité, ou dans un groupement de commandes chaque responsable de "
        "ses téléservices",
        "reprise_plafond": "Volume de reprise que couvre le prix global, au plus : l'estimation "
        "du dossier et sa marge, ex. « 216 pages et 384 documents »",
        "reprise_au_dela": "Ce que coûte la reprise au-delà de ce volume, à la suite de "
        "« au-delà, » : le prix unitaire d'une page, ou une modification du marché",
        "reprise_ordre": "Dans un groupement, ce que l'inventaire de la reprise désigne en plus, "
        "à la suite de la rubrique qui accueille chaque page : l'ordre de priorité des pages au-delà "
        "du volume du prix global ; vide sinon",
        "reprise_pages_plafond": "Phrases qui plafonnent le nombre de pages payées au prix "
        "unitaire d'une page, avec, dans un groupement, la part de chaque commune et la "
        "confirmation du coordonnateur ; au-delà, une modification du marché",
        "support_securite": "Phrases qui fixent jusqu'à quand aucune brique n'atteint la fin de "
        "son support de sécurité : 24 mois après la mise en ligne visée du dossier, et ce qu'un "
        "report du fait de l'acheteur change",
    },
}

FILTERS = frozenset({"montant", "nombre", "date_fr", "en_lettres"})


@frozen_record
class TemplateIssue:
    """A problem in a clause text; ``line`` is relative to the clause (1 = first line)."""

    line: int | None
    message: str


def check_clause(text: str, parameters: Iterable[str]) -> list[TemplateIssue]:
    """Syntax, unknown placeholders, unknown attributes and filters of one clause text."""
    env = clause_environment()
    try:
        tree = env.parse(text)
    except TemplateSyntaxError as exc:
        return [
            TemplateIssue(
                exc.lineno,
                f"syntaxe de champ invalide ({exc.message}) : un champ s'écrit {{{{ nom }}}}, "
                "une condition {% if … %}…{% endif %}.",
            )
        ]
    issues: list[TemplateIssue] = []
    allowed = set(parameters)
    for name in sorted(meta.find_undeclared_variables(tree)):
        if name not in CONTEXT_FIELDS and name not in allowed:
            line = _first_line(tree, name)
            known = ", ".join(sorted(allowed)) or "aucun"
            issues.append(
                TemplateIssue(
                    line,
                    f"champ inconnu « {name} » : déclarez-le dans « parametres » de l'exigence "
                    f"(paramètres déclarés : {known}) ou utilisez collectivite.… / projet.….",
                )
            )
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        attribute = (
            node.attr
            if isinstance(node, nodes.Getattr)
            else getattr(getattr(node, "arg", None), "value", "")
        )
        if isinstance(attribute, str) and attribute.startswith("_"):
            issues.append(
                TemplateIssue(
                    node.lineno,
                    f"accès interdit à « {attribute} » : une clause ne lit que ses champs.",
                )
            )
            continue
        if not isinstance(node, nodes.Getattr):
            continue
        root = node.node
        if isinstance(root, nodes.Name) and root.name in CONTEXT_FIELDS:
            fields = CONTEXT_FIELDS[root.name]
            if node.attr not in fields:
                issues.append(
                    TemplateIssue(
                        node.lineno,
                        f"« {root.name}.{node.attr} » n'existe pas ; champs possibles : "
                        + ", ".join(sorted(fields))
                        + ".",
                    )
                )
    for filt in tree.find_all(nodes.Filter):
        if filt.name not in FILTERS and filt.name not in _JINJA_SAFE_FILTERS:
            issues.append(TemplateIssue(filt.lineno, f"filtre inconnu « {filt.name} »."))
    issues += _forbidden_constructs(tree)
    return issues


# What a clause never needs and a hostile catalogue uses: arithmetic beyond a division by a
# constant (« (nb_communes + 4) // 5 ») such as {{ 1/0 }} or chained powers, macros (unbounded
# recursion), includes and imports (no loader).
_FORBIDDEN = {
    nodes.Div: "division",
    nodes.FloorDiv: "division",
    nodes.Mod: "modulo",
    nodes.Pow: "puissance",
    nodes.Mul: "multiplication",
    nodes.Macro: "macro",
    nodes.CallBlock: "bloc {% call %}",
    nodes.Include: "inclusion",
    nodes.Import: "import",
    nodes.FromImport: "import",
    nodes.Extends: "extension de modèle",
}


def _plain_arithmetic(node: nodes.Node) -> bool:
    """A division by a non-zero constant, or a product by a small constant."""
    if isinstance(node, nodes.Div | nodes.FloorDiv | nodes.Mod):
        right = node.right
        return isinstance(right, nodes.Const) and isinstance(right.value, int) and right.value > 0
    if isinstance(node, nodes.Mul):
        return any(
            isinstance(side, nodes.Const)
            and isinstance(side.value, int)
            and abs(side.value) <= 1000
            for side in (node.left, node.right)
        )
    return False


def _forbidden_constructs(tree: nodes.Template) -> list[TemplateIssue]:
    issues = []
    for node in tree.find_all(tuple(_FORBIDDEN)):
        if _plain_arithmetic(node):
            continue
        what = _FORBIDDEN[type(node)]
        article = "d'" if what[0] in "aeiouéè" else "de "
        issues.append(
            TemplateIssue(
                node.lineno,
                f"une clause ne peut pas contenir {article}{what} : elle affiche des champs et "
                "des conditions, elle ne calcule pas et ne définit rien.",
            )
        )
    return issues


_JINJA_SAFE_FILTERS = frozenset(
    {
        "upper",
        "lower",
        "capitalize",
        "title",
        "default",
        "join",
        "length",
        "trim",
        "replace",
        "first",
        "last",
    }
)


def _first_line(tree: nodes.Template, name: str) -> int | None:
    for node in tree.find_all(nodes.Name):
        if node.name == name:
            return int(node.lineno)
    return None
