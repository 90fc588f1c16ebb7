"""French départements and INSEE codes, to catch a mistyped code before it reaches a document."""

from __future__ import annotations

import re

from webpass.core.matching import fold

__all__ = [
    "DEPARTEMENTS",
    "department_code",
    "department_of_insee",
    "is_valid_insee",
    "is_valid_siren",
]

DEPARTEMENTS: dict[str, str] = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence", "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes", "09": "Ariège", "10": "Aube",
    "11": "Aude", "12": "Aveyron", "13": "Bouches-du-Rhône", "14": "Calvados", "15": "Cantal",
    "16": "Charente", "17": "Charente-Maritime", "18": "Cher", "19": "Corrèze", "2A": "Corse-du-Sud",
    "2B": "Haute-Corse", "21": "Côte-d'Or", "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne",
    "25": "Doubs", "26": "Drôme", "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère",
    "30": "Gard", "31": "Haute-Garonne", "32": "Gers", "33": "Gironde", "34": "Hérault",
    "35": "Ille-et-Vilaine", "36": "Indre", "37": "Indre-et-Loire", "38": "Isère", "39": "Jura",
    "40": "Landes", "41": "Loir-et-Cher", "42": "Loire", "43": "Haute-Loire", "44": "Loire-Atlantique",
    "45": "Loiret", "46": "Lot", "47": "Lot-et-Garonne", "48": "Lozère", "49": "Maine-et-Loire",
    "50": "Manche", "51": "Marne", "52": "Haute-Marne", "53": "Mayenne", "54": "Meurthe-et-Moselle",
    "55": "Meuse", "56": "Morbihan", "57": "Moselle", "58": "Nièvre", "59": "Nord",
    "60": "Oise", "61": "Orne", "62": "Pas-de-Calais", "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales", "67": "Bas-Rhin", "68": "Haut-Rhin", "69": "Rhône",
    "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe", "73": "Savoie", "74": "Haute-Savoie",
    "75": "Paris", "76": "Seine-Maritime", "77": "Seine-et-Marne", "78": "Yvelines", "79": "Deux-Sèvres",
    "80": "Somme", "81": "Tarn", "82": "Tarn-et-Garonne", "83": "Var", "84": "Vaucluse",
    "85": "Vendée", "86": "Vienne", "87": "Haute-Vienne", "88": "Vosges", "89": "Yonne",
    "90": "Territoire de Belfort", "91": "Essonne", "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne", "95": "Val-d'Oise", "971": "Guadeloupe", "972": "Martinique", "973": "Guyane",
    "974": "La Réunion", "976": "Mayotte",
}  # fmt: skip

_INSEE = re.compile(
    r"^(?:(?:0[1-9]|1\d|[3-8]\d|9[0-5])\d{3}|2[1-9]\d{3}|2[AB]\d{3}|97[1-46]\d{2})$"
)
_BY_NAME = {fold(name): code for code, name in DEPARTEMENTS.items()}


def is_valid_insee(code: str) -> bool:
    """A commune's INSEE code: 5 characters, Corsica as 2A/2B, overseas as 971–976."""
    return bool(_INSEE.match(code.strip().upper())) and not code.strip().endswith("000")


def department_of_insee(code: str) -> str:
    """The département code of a commune's INSEE code (``"2A004"`` → ``"2A"``)."""
    code = code.strip().upper()
    return code[:3] if code.startswith("97") else code[:2]


def department_code(name_or_code: str) -> str | None:
    """The code of a département given by name or code, loosely matched; None if unknown."""
    text = name_or_code.strip().upper()
    if text in DEPARTEMENTS:
        return text
    if text.isdigit() and len(text) == 1:
        return "0" + text
    return _BY_NAME.get(fold(name_or_code))


def is_valid_siren(siren: str) -> bool:
    """A SIREN (9 digits) with a valid Luhn key, as every French legal person has."""
    digits = siren.replace(" ", "")
    if not re.fullmatch(r"\d{9}", digits):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0
