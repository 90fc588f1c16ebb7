"""Write the example offers of both example dossiers (filled response grids).

Each offer starts from the dossier's response grid exactly as ``webpass grille`` exports it, then
is filled with openpyxl the way a bidder fills it in a spreadsheet: the bidder sheet, a
conformity, value and justification on every requirement, a price on every DPGF line and every
BPU line.

examples/communaute-de-communes/offres/ (seven offers; the téléservices E02, E06, F03, F04 and F06
are firm, so every regular offer meets them; the filming of the council sessions, E07, is left
to a separate contract (a distinct trade); one PSE, F13, decided after the analysis within the
85 000 € HT figure that serves that choice only, which retains it):

- three solutions carry a label of catalog/labels.yaml (fictional): Cité Libre (WP-2025-001),
  Commune Ouverte (WP-2026-003) and Portail Armor (WP-2025-002); the grid asks for no label (a
  supplier's label is no contractual requirement), so the number stays out of the offers;
- Breizh Logiciels Libres does not propose the PSE F13 that the buyer retains: irregular, and no
  regularisation can cure it;
- Agence Pixel Ouest answers « Non conforme » to mandatory requirements: irregular;
- Studio Web Trégor leaves mandatory requirements unanswered: irregular, but regularisable;
- Ouest Intégration does not offer the subtitles and transcripts of the videos (I09), a
  mandatory requirement: irregular, and no regularisation can cure it.

examples/petite-commune/offres/ (four offers, no PSE): three offers of clearly different
technical value and price whose grids are regular, one irregular (a proprietary tool: the commune
would own neither the results nor a way out). The mémoire of Studio Web Trégor contradicts four
requirements its grid declares « Conforme »: the analyst's notes.yaml records it, and the
comparison sets it aside. Each phase is priced from the estimates of every requirement it pays,
so no phase pays far more or less than its work; the admission's phase, whose work the catalogue
costs elsewhere or not at all, near a tenth of the lump sum (ADMISSION_SHARE).

The contract information (G01, J01, N01, N03, and G12 or H01 where a dossier asks them so) gives
every rubric its requirement asks « dans son offre », with the licences, support dates and
users of the bidder's tool (STACKS) and the days of assistance N03 fixes in the dossier.

Prices follow the catalogue's estimate of each line (low to high) with a per-bidder position and
a small deterministic spread, then are scaled so each offer lands on its target total (all PSE
included). The yearly lines (H08, M04) follow the dossier's estimate of what they pay: hosting
and maintenance, and also the paid téléservices' subscriptions and the member communes' sites,
which the yearly prices pay (review of 1 December 2026, R1). The targets are the totals the
offers had once the council sessions (E07) left the contract, multiplied by one common factor
per dossier, so every price score (40 × lowest / price) and the ranking stay as they were:
× 1,5 for the groupement (63 392 × 1,5 = 95 088 € for the Coopérative), so every regular offer
lies inside the estimate's range (about 63 700 to 150 000 €) with the one-off lines near the
low estimate, and the cheapest regular offer stays under the 85 000 € that decides the PSE; the
whole range cannot stay under that figure, the estimate's central value being above it.
× 0,9 for the small commune (23 400 × 0,9 = 21 060 € for Exemple Libre), which brings every
offer under the high estimate (22 120 €). Every company is fictional and marked « (fictif) »; SIRETs have a valid Luhn key.
The analyst's marks are in each dossier's notes.yaml, written by hand.

Run again after the catalogue changes: ``.venv/bin/python scripts/make_example_offers.py``.
The output is byte-reproducible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl

from webpass.catalog.model import CostPeriod
from webpass.core.money import round_cent
from webpass.core.reproducible import normalize_zip
from webpass.documents.price_phases import Phase, phase_groups
from webpass.documents.question import ALSO_INFORMATION, CONTRACT_INFORMATION
from webpass.dossier.answers import parameter_values
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.export import export_grid
from webpass.grid.labels import is_valid_siret
from webpass.grid.sheet_text import literal_sheet_text

REPO = Path(__file__).resolve().parent.parent
STAMP = dt.datetime(2027, 3, 5, 12, 0)


def luhn_siret(base13: str) -> str:
    """A 14-digit SIRET whose last digit makes the Luhn key valid."""
    for last in "0123456789":
        candidate = base13 + last
        if is_valid_siret(candidate):
            return candidate
    raise ValueError(base13)


@dataclass
class Bidder:
    """A fictional bidder and how it fills the grid."""

    file: str
    name: str
    siret: str
    solution: str
    version: str
    label: str
    offer_date: dt.date
    target_total: int  # € HT, DPGF + DQE
    position: float  # where its line prices sit between the low and high estimates
    answers: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # id → (conformity, justification)
    blank: tuple[str, ...] = ()  # ids left without any answer
    stack: str = "cite-libre"  # the licences, support and users its information answers give


_PIXEL_ANSWERS = {
    "N02": (
        "Non conforme",
        "PixelCMS Pro est un logiciel propriétaire de l'agence, concédé sous licence annuelle ; le "
        "code source n'est pas fourni.",
    ),
    "N03": (
        "Partiellement conforme",
        "Export des contenus en CSV sur demande ; les gabarits restent la propriété de l'agence.",
    ),
}

# The small commune's dossier does not ask for N02: the same proprietary tool fails N01 and N03.
_PIXEL_SMALL_ANSWERS = {
    "N01": (
        "Non conforme",
        "PixelCMS Pro et les gabarits du site restent la propriété de l'agence ; la commune dispose "
        "d'un droit d'usage pendant la durée de l'abonnement.",
    ),
    "N03": (
        "Non conforme",
        "Pas de réversibilité : export des contenus en CSV sur demande, sans les gabarits ni la "
        "structure du site.",
    ),
}

GROUPEMENT = [
    Bidder(
        "01-exemple-libre-scop.xlsx",
        "Exemple Libre SCOP (fictif)",
        "73282932000074",
        "Cité Libre",
        "5.2",
        "WP-2025-001",
        dt.date(2027, 3, 3),
        85_638,
        0.45,
    ),
    Bidder(
        "02-cooperative-communs-numeriques.xlsx",
        "Coopérative des Communs Numériques (fictif)",
        "81234567800013",
        "Commune Ouverte",
        "3.1",
        "WP-2026-003",
        dt.date(2027, 3, 4),
        95_088,
        0.55,
        stack="commune-ouverte",
    ),
    Bidder(
        "03-breizh-logiciels-libres.xlsx",
        "Breizh Logiciels Libres SARL (fictif)",
        "44306184100047",
        "Portail Armor",
        "2.8",
        "WP-2025-002",
        dt.date(2027, 2, 24),
        69_690,
        0.25,
        stack="portail-armor",
        answers={
            "F13": (
                "Non conforme",
                "Le paiement reste un lien vers le portail PayFiP dans la version 2.8 ; l'intégration aux "
                "démarches est prévue dans la feuille de route 2028.",
            ),
        },
    ),
    Bidder(
        "04-agence-pixel-ouest.xlsx",
        "Agence Pixel Ouest SAS (fictif)",
        luhn_siret("9123456780001"),
        "PixelCMS Pro",
        "12",
        "",
        dt.date(2027, 3, 2),
        41_784,
        0.05,
        answers={**_PIXEL_ANSWERS, "F05": ("Non conforme", "Pas de connexion FranceConnect.")},
        stack="proprietaire",
    ),
    Bidder(
        "05-studio-web-tregor.xlsx",
        "Studio Web Trégor EURL (fictif)",
        luhn_siret("8877665540001"),
        "WordPress",
        "6.7",
        "",
        dt.date(2027, 3, 5),
        57_108,
        0.3,
        blank=("G04", "G05", "G08", "G12", "G13", "H01", "H02", "H03", "H05", "J01", "M05"),
        stack="wordpress",
    ),
    Bidder(
        "06-numerique-rural-scic.xlsx",
        "Numérique Rural SCIC (fictif)",
        luhn_siret("5012348760001"),
        "Drupal",
        "11",
        "",
        dt.date(2027, 3, 1),
        82_110,
        0.35,
        stack="drupal",
    ),
    Bidder(
        "07-ouest-integration.xlsx",
        "Ouest Intégration SAS (fictif)",
        luhn_siret("4389125670001"),
        "Typo3",
        "13",
        "",
        dt.date(2027, 3, 2),
        135_768,
        0.85,
        answers={
            "I09": (
                "Non conforme",
                "Les sous-titres et la transcription des vidéos n'entrent pas dans notre offre ; ils "
                "peuvent être confiés à un prestataire spécialisé.",
            ),
        },
        stack="typo3",
    ),
]

PETITE_COMMUNE = [
    Bidder(
        "01-exemple-libre-scop.xlsx",
        "Exemple Libre SCOP (fictif)",
        "73282932000074",
        "Cité Libre",
        "5.2",
        "WP-2025-001",
        dt.date(2027, 2, 9),
        21_060,
        0.4,
    ),
    Bidder(
        "02-breizh-logiciels-libres.xlsx",
        "Breizh Logiciels Libres SARL (fictif)",
        "44306184100047",
        "Portail Armor",
        "2.8",
        "WP-2025-002",
        dt.date(2027, 2, 5),
        19_440,
        0.3,
        stack="portail-armor",
    ),
    Bidder(
        "03-studio-web-tregor.xlsx",
        "Studio Web Trégor EURL (fictif)",
        luhn_siret("8877665540001"),
        "WordPress",
        "6.7",
        "",
        dt.date(2027, 2, 10),
        17_550,
        0.1,
        stack="wordpress",
    ),
    Bidder(
        "04-agence-pixel-ouest.xlsx",
        "Agence Pixel Ouest SAS (fictif)",
        luhn_siret("9123456780001"),
        "PixelCMS Pro",
        "12",
        "",
        dt.date(2027, 2, 8),
        15_480,
        0.05,
        answers=_PIXEL_SMALL_ANSWERS,
        stack="proprietaire",
    ),
]

EXAMPLES = {
    "communaute-de-communes": GROUPEMENT,
    "petite-commune": PETITE_COMMUNE,
}

# A scored answer points to the mémoire's part of its sub-criterion, the mémoire having one part
# per sub-criterion (never a « partie 11 » of a five-part mémoire: review of 1 December 2026,
# M4). The information the contract needs is given in the grid itself, where a missing one makes
# the offer irregular, never in a mémoire whose pages past the limit are not read.
TEXT_ANSWERS = (
    "Voir le mémoire technique, partie « {part} ».",
    "Réponse détaillée au mémoire technique, partie « {part} », avec les références citées.",
)
# Each rubric the requirement's text asks « dans son offre » is answered, with names and figures
# (review of 1 December 2026, B1: a licence, a support date, three users, N03's days of
# assistance). G12's answer gives the delivered version of every extension and, for every brick
# whose support ends before the term, the target version and its month (22:25 reading, B1). The
# stacks are fictional; the licences are real SPDX identifiers. No fictional tool is said to be in
# the SILL, a real State catalogue (rev7, 4). No offer uses the Marianne font: it belongs to the
# State's brand, reserved to State services, and is not under an open licence (rev7, 1).
STACKS = {
    "cite-libre": {
        "licence": "GPL-3.0-or-later",
        "support": "30 juin 2030",
        "extensions": "formulaires (GPL-2.0-or-later), agenda (GPL-3.0-or-later), carte "
        "(MIT), recherche (LGPL-3.0-or-later)",
        "theme": "thème de départ de l'éditeur (GPL-3.0-or-later), police Luciole "
        "(CC BY 4.0), bibliothèque Leaflet (BSD-2-Clause)",
        "users": "les communes de Kerlouarn (fictif), Plouvénic (fictif) et Trévézan (fictif) "
        "(sites en ligne), et deux autres prestataires qui maintiennent l'outil, Code Commun "
        "SCOP (fictif) et Libre Ouest SARL (fictif)",
        "delivered": "formulaires 3.4, agenda 2.1, carte 1.9 et recherche 4.0",
        "extensions_support": "31 décembre 2029",
        "extensions_upgrade": "novembre 2029",
        "targets": "formulaires 4.0, agenda 3.0, carte 2.0 et recherche 5.0",
        "sill": "L'outil ne figure pas au socle interministériel de logiciels libres (SILL)",
        "fees": "aucune licence ni redevance",
        "database": "PostgreSQL 18, support jusqu'au 14 novembre 2030",
        "database_upgrade": " ; PostgreSQL 18 vers PostgreSQL 19 en octobre 2030",
        "next": "6.0",
        "upgrade": "mars 2030",
    },
    "portail-armor": {
        "licence": "AGPL-3.0-or-later",
        "support": "31 décembre 2029",
        "extensions": "formulaires (AGPL-3.0-or-later), agenda (MIT), annuaire (MIT), "
        "recherche (Apache-2.0)",
        "theme": "thème Armor Mairie (AGPL-3.0-or-later), police Atkinson Hyperlegible (OFL-1.1)",
        "users": "les communes de Lannévez (fictif), Ploumaël (fictif) et Kerbastel-Vihan "
        "(fictif) (sites en ligne), et les prestataires Armor Numérique (fictif) et Kerlibre "
        "(fictif) qui maintiennent l'outil",
        "delivered": "formulaires 5.1, agenda 2.3, annuaire 1.4 et recherche 3.2",
        "extensions_support": "31 décembre 2029",
        "extensions_upgrade": "novembre 2029",
        "targets": "formulaires 6.0, agenda 3.0, annuaire 2.0 et recherche 4.0",
        "sill": "L'outil ne figure pas au socle interministériel de logiciels libres (SILL)",
        "fees": "aucune licence ni redevance",
        "database": "PostgreSQL 18, support jusqu'au 14 novembre 2030",
        "database_upgrade": " ; PostgreSQL 18 vers PostgreSQL 19 en octobre 2030",
        "next": "3.0",
        "upgrade": "octobre 2029",
    },
    # A proprietary tool (Agence Pixel Ouest): what its information says, whatever else fails;
    # its support ends within the 24 months after the targeted going online (cc notes, G12).
    "proprietaire": {
        "licence": "propriétaire de l'agence",
        "support": "31 décembre 2028",
        "extensions": "modules formulaires, agenda et recherche de l'agence (licence propriétaire)",
        "theme": "gabarits de l'agence (licence propriétaire), police Atkinson "
        "Hyperlegible (OFL-1.1)",
        "users": "les communes de Ploudavel (fictif) et Saint-Kerlo (fictif) (sites en ligne) "
        "et de Pont-Kerlé (fictif) (intranet) ; l'outil n'est maintenu que par l'agence",
        "delivered": "formulaires 12.0, agenda 12.0 et recherche 12.0",
        "extensions_support": "31 décembre 2028",
        "extensions_upgrade": "octobre 2028",
        "targets": "formulaires 13.0, agenda 13.0 et recherche 13.0",
        "sill": "L'outil, propriétaire, ne figure pas au socle interministériel de logiciels "
        "libres (SILL)",
        "fees": "licence de 600 € HT par an, comprise dans les prix annuels ; à la fin du marché, "
        "le site et ses données sont remis à la collectivité, tous les contenus exportés en SQL, "
        "JSON et fichiers d'origine",
        "database": "MySQL 8.4, support jusqu'au 30 avril 2032",
        "database_upgrade": "",
        "next": "13",
        "upgrade": "octobre 2028",
    },
}
# WordPress, Drupal and TYPO3 are published under the GPL version 2 or later. Each tool has its
# own users, fictional (22:25 reading, M3), and its own extensions' versions. The fictional
# tools' users are fictional communes too, and their maintainers fictional companies, each
# marked: a published example never has a real commune use a product that does not exist
# (00:20 reading, N8); none of these names is a commune of the reference (collectivites.tsv).
_GPL2 = {
    "licence": "GPL-2.0-or-later",
    "support": "31 décembre 2029",
    "extensions": "formulaires (GPL-2.0-or-later), agenda (GPL-2.0-or-later), carte "
    "(MIT), recherche (GPL-2.0-or-later)",
    "theme": "thème de départ de l'éditeur (GPL-2.0-or-later), police Luciole (CC BY 4.0)",
    "extensions_support": "31 décembre 2029",
    "extensions_upgrade": "novembre 2029",
    "sill": "L'outil figure au socle interministériel de logiciels libres (SILL)",
    "fees": "aucune licence ni redevance",
    "database": "MySQL 8.4, support jusqu'au 30 avril 2032",
    "database_upgrade": "",
    "upgrade": "octobre 2029",
}
_MAINTAINERS = (
    "(sites en ligne), et des dizaines de prestataires en France qui maintiennent l'outil"
)
STACKS["wordpress"] = {
    **_GPL2,
    "users": "les communes de Lanvénec (fictif), Plouzévet (fictif) et Kerhoat-Izel (fictif) "
    + _MAINTAINERS,
    "delivered": "formulaires 5.9, agenda 6.2, carte 1.3 et recherche 2.4",
    "targets": "formulaires 6.0, agenda 7.0, carte 2.0 et recherche 3.0",
    "next": "7.0",
}
STACKS["drupal"] = {
    **_GPL2,
    "users": "les communes de Saint-Idunet (fictif), Locmaël-Izel (fictif) et Pen-ar-Roz "
    "(fictif) " + _MAINTAINERS,
    "delivered": "formulaires 6.2, agenda 3.1, carte 4.0 et recherche 7.1",
    "targets": "formulaires 7.0, agenda 4.0, carte 5.0 et recherche 8.0",
    "next": "12",
}
STACKS["typo3"] = {
    **_GPL2,
    "users": "les communes de Ker-Anna (fictif), Plounéour-Lenn (fictif) et Trévoazan-Braz "
    "(fictif) " + _MAINTAINERS,
    "delivered": "formulaires 13.1, agenda 9.0, carte 3.2 et recherche 13.0",
    "targets": "formulaires 14.0, agenda 10.0, carte 4.0 et recherche 14.0",
    "next": "14",
}
# Another tool than Cité Libre on the same stack: its own extensions' licences and versions,
# theme, users and maintainers (review of 21:25, M6).
STACKS["commune-ouverte"] = {
    **STACKS["cite-libre"],
    "extensions": "formulaires (GPL-3.0-or-later), agenda (GPL-3.0-or-later), carte (MIT), "
    "recherche (LGPL-3.0-or-later)",
    "theme": "thème communal de l'éditeur (GPL-3.0-or-later), police Luciole (CC BY "
    "4.0), bibliothèque Leaflet (BSD-2-Clause)",
    "users": "les communes de Kerhuel-Braz (fictif), Plouzanic (fictif) et Locquénan (fictif) "
    "(sites en ligne), et deux autres prestataires qui maintiennent l'outil, Numérique Partagé "
    "SCIC (fictif) et Kerlann Web SARL (fictif)",
    "delivered": "formulaires 2.6, agenda 1.8, carte 1.9 et recherche 4.0",
    "targets": "formulaires 3.0, agenda 2.0, carte 2.0 et recherche 5.0",
    "next": "4.0",
}
INFORMATION_ANSWERS = {
    "G01": "Outil : {solution} {version}, licence {licence}, support de sécurité de la version "
    "{version} jusqu'au {support} ; {fees}. {sill}. Extensions prévues : "
    "{extensions}. Autres utilisateurs : {users}.",
    "H01": "Hébergeur : {host}, centres de données à Rennes et à Nantes ; efficacité énergétique publiée "
    "(PUE annuel de 1,3), électricité d'origine renouvelable.",
    "J01": "Mesures de sécurité : échanges et sauvegardes chiffrés, comptes nominatifs avec "
    "double facteur, journal des accès conservé un an, sauvegardes quotidiennes testées chaque "
    "trimestre. Sous-traitant ultérieur : {host}, hébergement et sauvegardes, en France ; le "
    "support est assuré par notre équipe, en France. Droits des personnes : nous transmettons "
    "sous 48 heures toute demande reçue et fournissons sous 5 jours ouvrés l'extraction ou "
    "l'effacement demandé. Restitution : export SQL et JSON et fichiers d'origine ; "
    "destruction par effacement sécurisé, sauvegardes comprises, au plus tard 30 jours après "
    "la fin du marché, avec une attestation.",
    "N01": "Éléments préexistants, sans redevance hors des prix annuels : {solution} {version} "
    "({licence}) ; extensions : {extensions} ; {theme}. Résultats livrés en formats ouverts : "
    "HTML, CSS, SQL, JSON, SVG et fichiers d'origine des médias.",
    "N03": "Plan de réversibilité : export complet (contenus, médias, comptes, paramétrage) en "
    "SQL, JSON et fichiers d'origine, dans le délai de l'exigence N03, avec {days} jours "
    "d'assistance au nouveau prestataire, compris dans le prix annuel d'hébergement ; export "
    "de test remis à la vérification d'aptitude.",
}
HOST = "Hébergement Armorique SAS (fictif)"
# G12 asks the end of support of every brick (small commune I2); the dates are the example's,
# beyond the 24 months after the going online, with the upgrades due before the term, each with
# its target version (22:25 reading, B1).
INFORMATION_ANSWERS["G12"] = (
    "Versions livrées (dates d'exemple) : {solution} {version}, support de sécurité jusqu'au "
    "{support} ; extensions {delivered}, support jusqu'au {extensions_support} ; PHP 8.5, "
    "support jusqu'au 31 décembre 2029 ; {database}. Montées de version avant le terme du "
    "marché : PHP 8.5 vers PHP 8.8 en novembre 2029 ; extensions vers {targets} en "
    "{extensions_upgrade} ; {solution} {version} vers {solution} {next} en {upgrade}{database_upgrade}. Chaque "
    "version cible reçoit des correctifs de sécurité jusqu'au terme du marché."
)
DESCRIBED = "Conforme à l'exigence ; dispositif décrit en annexe du mémoire technique, point {id}."


def _information(requirement: str, bidder: Bidder, facts: dict[str, str]) -> str:
    """The example's answer to information the contract needs, with its bidder's stack."""
    return INFORMATION_ANSWERS[requirement].format(
        solution=bidder.solution,
        version=bidder.version,
        host=HOST,
        **STACKS[bidder.stack],
        **facts,
    )


def _written(row: Any, bidder: Bidder, turn: int, facts: dict[str, str]) -> str:
    """The example's written answer to a text row, where the grid and the letter want it."""
    if row.scored == CONTRACT_INFORMATION:
        return _information(row.id, bidder, facts)
    if row.scored.endswith(ALSO_INFORMATION):
        # A scored answer holding information the contract needs (H01: the hoster).
        part = row.scored.removesuffix(ALSO_INFORMATION)
        information = _information(row.id, bidder, facts)
        return f"{information} {TEXT_ANSWERS[turn % 2].format(part=part)}"
    if row.scored.startswith("Non noté"):
        return DESCRIBED.format(id=row.id)
    return TEXT_ANSWERS[turn % 2].format(part=row.scored)


def _spread(bidder: Bidder, item_id: str) -> Decimal:
    """A deterministic factor between 0.9 and 1.1 for one line of one bidder."""
    digest = hashlib.sha256(f"{bidder.name}/{item_id}".encode()).digest()
    return Decimal("0.9") + Decimal(digest[0]) / Decimal(255) * Decimal("0.2")


def _euros(value: Decimal) -> Decimal:
    return value.quantize(Decimal(10), rounding=ROUND_HALF_UP)


def _value(row: Any, bidder: Bidder) -> float:
    """The number a bidder commits to: the minimum, or a little more for the dearer offers; a
    rate never above 100 %."""
    minimum = row.minimum if row.minimum is not None else Decimal(1)
    if row.unit == "%":
        return float(min(Decimal(100), minimum + (Decimal("0.5") if bidder.position > 0.4 else 0)))
    return float(minimum + (2 if bidder.position > 0.4 else 0))


def fill(
    template: bytes,
    bidder: Bidder,
    costs: dict[str, tuple[Decimal, Decimal]],
    grid_rows: dict,  # type: ignore[type-arg]
    facts: dict[str, str],
) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template))
    values = {
        "Raison sociale": bidder.name,
        "SIRET": bidder.siret,
        "Solution": bidder.solution,
        "Version": bidder.version,
        "Numéro de label": bidder.label or None,
        "Date de l'offre": dt.datetime.combine(bidder.offer_date, dt.time(0, 0)),
    }
    for row in book.worksheets[0].iter_rows(min_row=1):  # « Candidat » or « Prestataire »
        if row[0].value in values:
            row[1].value = values[row[0].value]

    # Unit and yearly prices first: the one-off prices are scaled to reach the target total.
    bpu_total = Decimal(0)
    bpu_prices: dict[str, Decimal] = {}
    for item_id, row in grid_rows.items():
        if row.price != "bpu":
            continue
        low, high = costs[item_id]
        unit = _euros(
            (low + (high - low) * Decimal(str(bidder.position))) * _spread(bidder, item_id)
        )
        bpu_prices[item_id] = unit
        bpu_total += round_cent(unit * (row.quantity or 1))  # each line in cents, as checked
    raw: dict[str, Decimal] = {}
    for item_id, row in grid_rows.items():
        if row.price == "dpgf":
            low, high = costs[item_id]
            raw[item_id] = (low + (high - low) * Decimal(str(bidder.position))) * _spread(
                bidder, item_id
            )
    # The yearly quantity has four decimals (40/12 years): the lump sums, in cents, make up
    # the target with the BPU total as the verifier counts it, line by line in cents.
    scale = (Decimal(bidder.target_total) - bpu_total) / sum(raw.values())
    dpgf = {item_id: _euros(value * scale) for item_id, value in raw.items()}
    # Put the rounding remainder on the largest line so the total is exactly the target.
    biggest = max(dpgf, key=lambda k: dpgf[k])
    dpgf[biggest] += Decimal(bidder.target_total) - bpu_total - sum(dpgf.values())

    sheet = book["Exigences"]
    headers = [cell.value for cell in sheet[1]]
    col = {name: headers.index(name) for name in headers if name}
    part = 0
    for cells in sheet.iter_rows(min_row=2):
        item_id = cells[col["Identifiant"]].value
        row = grid_rows.get(item_id)
        if row is None:
            continue
        if item_id in bidder.blank or row.answer_kind == "information":
            continue
        conformity, justification = bidder.answers.get(item_id, ("Conforme", ""))
        if not justification and row.answer_kind == "texte" and item_id not in bidder.answers:
            part += 1
            justification = _written(row, bidder, part, facts)
        cells[col["Conformité"]].value = conformity
        if justification:
            cells[col["Justification"]].value = justification
        if row.answer_kind == "nombre":
            cells[col["Valeur"]].value = _value(row, bidder)
        if row.price == "dpgf":
            cells[col["Prix HT"]].value = float(dpgf[item_id])
    bpu = book.worksheets[
        2
    ]  # « BPU », or « Prix annuels et unitaires » in a consultation by quotes
    for cells in bpu.iter_rows(min_row=2):
        item_id = cells[0].value
        if item_id in bpu_prices:
            cells[4].value = float(bpu_prices[item_id])

    buffer = io.BytesIO()
    book.properties.creator = bidder.name
    book.properties.lastModifiedBy = bidder.name
    book.properties.created = STAMP
    book.properties.modified = STAMP
    book.save(buffer)
    # A bidder's spreadsheet (Excel, LibreOffice) writes its texts in UTF-8, as webpass's own
    # grid does; openpyxl, re-saving here, would write character references again.
    return normalize_zip(buffer.getvalue(), modified=STAMP, rewrite=literal_sheet_text)


def _yearly_from_estimate(
    costs: dict[str, tuple[Decimal, Decimal]],
    opened: Any,
    rows: dict,  # type: ignore[type-arg]
) -> None:
    """Price the yearly lines on what the estimate says they pay, not on their catalogue
    entries alone: hosting and maintenance, and also the paid téléservices' subscriptions and
    the member sites' hosting, all paid by the yearly prices (review of 1 December 2026, R1).
    The estimate's yearly range is shared between the yearly lines in proportion to their
    catalogue ranges, low with low and high with high."""
    yearly = [
        s.item.id
        for s in opened.selection.items
        if s.item.id in rows
        and rows[s.item.id].price == "bpu"
        and s.item.cost is not None
        and s.item.cost.period is CostPeriod.YEARLY
    ]
    if not yearly:
        return
    low_sum = sum((costs[i][0] for i in yearly), Decimal(0))
    high_sum = sum((costs[i][1] for i in yearly), Decimal(0))
    band = opened.estimate.yearly
    for item_id in yearly:
        low, high = costs[item_id]
        costs[item_id] = (band.low * low / low_sum, band.high * high / high_sum)


# What a bidder asks at the admission: the acceptance tests, the redirections, the export test,
# the accessibility statement and twelve months of guarantee, which the catalogue costs on other
# lines or not at all. Priced at its own line's estimate, the last acompte would be about 2 % of
# the lump sum and the buyer would pay 98 % before admitting the site (review of 1 December
# 2026, M5); a bidder prices it near a tenth.
ADMISSION_SHARE = Decimal("0.09")


def _admission_share(costs: dict[str, tuple[Decimal, Decimal]], selection: Any) -> None:
    groups = phase_groups(selection)
    launch = next((g for g in groups if g.phase is Phase.LAUNCH), None)
    if launch is None:
        return
    others = [g.carrier for g in groups if g is not launch]
    low = sum((costs[c][0] for c in others), Decimal(0))
    high = sum((costs[c][1] for c in others), Decimal(0))
    share = ADMISSION_SHARE / (1 - ADMISSION_SHARE)
    costs[launch.carrier] = (low * share, high * share)


def _facts(selection: Any) -> dict[str, str]:
    """The dossier's figures an information answer repeats: N03's days of assistance."""
    selected = selection.selected("N03")
    if selected is None:
        return {"days": ""}
    values = parameter_values(selected.item, selection.answers, selected.default_values)
    return {"days": str(values["jours_assistance"])}


def write_offers(folder: str, bidders: list[Bidder]) -> None:
    """Fill and write the offers of one example dossier."""
    dossier = REPO / "examples" / folder
    opened = open_dossier(dossier)
    grid = build_grid(opened.selection)
    template = export_grid(grid, "xlsx")  # the very file ``webpass grille`` writes
    costs = {
        s.item.id: (s.item.cost.minimum, s.item.cost.maximum)
        for s in opened.selection.items
        if s.item.cost is not None
    }
    # A phase's price is written on its first requirement's line but pays every priced
    # requirement of the phase: its estimate is theirs, so the phases keep the weight of the
    # work they pay and no acompte pays more than the work done (review of 1 December 2026, N7).
    for group in phase_groups(opened.selection):
        priced = [item_id for _, ids in group.accounts for item_id in ids]
        costs[group.carrier] = (
            sum((costs[item_id][0] for item_id in priced), Decimal(0)),
            sum((costs[item_id][1] for item_id in priced), Decimal(0)),
        )
    _admission_share(costs, opened.selection)
    rows = {row.id: row for row in grid.rows}
    _yearly_from_estimate(costs, opened, rows)
    out = dossier / "offres"
    out.mkdir(exist_ok=True)
    for bidder in bidders:
        assert is_valid_siret(bidder.siret), bidder.siret
        unknown = set(bidder.answers) | set(bidder.blank)
        assert unknown <= set(rows), sorted(unknown - set(rows))
        target = out / bidder.file
        target.write_bytes(fill(template, bidder, costs, rows, _facts(opened.selection)))
        print(f"{target.relative_to(REPO)}  {bidder.name}  {bidder.target_total} € HT")


def main() -> None:
    for folder, bidders in EXAMPLES.items():
        write_offers(folder, bidders)


if __name__ == "__main__":
    main()
