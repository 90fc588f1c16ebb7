"""Build the reference of collectivities shipped with webpass (``make geo``).

Fetches a PINNED version of the npm package ``@etalab/decoupage-administratif`` (the State's
administrative division: INSEE Code officiel géographique, DGCL list of EPCI, INSEE legal
populations, La Poste postal codes) with ``npm pack`` into a scratch folder, and writes the compact
file ``webpass/collectivities/data/collectivites.tsv`` that webpass reads at run time. Run time
never needs npm nor the network: the generated file is committed.

Kept: the current communes (INSEE type COM, « commune-actuelle »: no delegated or associated
communes, no municipal arrondissements) with code, name, département, SIREN, postal codes and
population; the EPCI à fiscalité propre with SIREN, name, type, member communes and population;
the départements and régions. One line per row, tab-separated, sorted keys:
the same source gives the same bytes. Stored uncompressed: webpass reads it at every run, and a
decompression cost more than the rest of loading it; the text diffs well in git. The names' search keys (case, accents and punctuation
removed, « St » read as « Saint ») are stored too, so a search by name costs no folding at
load time.

Licences: the package's code is MIT; its data is published under the Licence Ouverte / Open
Licence 2.0 (Etalab). Both are recorded in the file and in the README.

Usage: ``python scripts/make_geo.py [--version X.Y.Z] [--source TARBALL]`` (``--source`` reads an
already downloaded ``npm pack`` tarball instead of calling npm).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "@etalab/decoupage-administratif"
# The pinned release; its data describes the division at 1 January of that year.
VERSION = "6.0.0"
VINTAGES = {"6.0.0": 2026, "5.3.0": 2025, "4.1.0": 2024, "3.1.1": 2023}
TARGET = REPO / "webpass" / "collectivities" / "data" / "collectivites.tsv"
FORMAT = 1
WANTED = ("communes.json", "epci.json", "departements.json", "regions.json", "LICENSE")


def fetch(version: str, scratch: Path) -> Path:
    """``npm pack`` the pinned version into ``scratch``; returns the tarball."""
    result = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{version}", "--silent", "--pack-destination", str(scratch)],
        cwd=scratch,
        check=True,
        capture_output=True,
        text=True,
    )
    name = result.stdout.strip().splitlines()[-1]
    return scratch / name


def read_tarball(tarball: Path) -> dict[str, bytes]:
    """The few files we use, read from the tarball without extracting anything to disk."""
    out: dict[str, bytes] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            name = member.name.rsplit("/", 1)[-1]
            if member.isfile() and name in WANTED:
                handle = archive.extractfile(member)
                assert handle is not None
                out[name] = handle.read()
    missing = set(WANTED) - set(out)
    if missing:
        raise SystemExit(f"{tarball} : fichiers absents {sorted(missing)}")
    return out


def build(files: dict[str, bytes], version: str) -> str:
    """The compact reference (see ``webpass.collectivities.reference`` for the format)."""
    from webpass.collectivities.reference import search_key, without_kind

    communes = [
        c for c in json.loads(files["communes.json"]) if c.get("type") == "commune-actuelle"
    ]
    communes.sort(key=lambda c: c["code"])
    index = {c["code"]: i for i, c in enumerate(communes)}
    epcis = sorted(json.loads(files["epci.json"]), key=lambda e: e["code"])
    departements = sorted(json.loads(files["departements.json"]), key=lambda d: d["code"])
    regions = sorted(json.loads(files["regions.json"]), key=lambda r: r["code"])
    header = {
        "format": FORMAT,
        "source": {
            "paquet": PACKAGE,
            "version": version,
            "millesime": VINTAGES.get(version),
            "licence_code": "MIT",
            "licence_donnees": "Licence Ouverte / Open Licence 2.0 (Etalab)",
            "origine": "INSEE (Code officiel géographique, populations légales), DGCL (EPCI à "
            "fiscalité propre), La Poste (codes postaux), via "
            "https://github.com/datagouv/decoupage-administratif",
        },
        "regions": {r["code"]: r["nom"] for r in regions},
        "departements": {d["code"]: [d["nom"], d["region"]] for d in departements},
        "communes": len(communes),
        "epci": len(epcis),
    }
    lines = [json.dumps(header, ensure_ascii=False, sort_keys=True, separators=(",", ":"))]
    for c in communes:
        lines.append(
            _row(
                c["code"],
                c.get("siren", ""),
                c["departement"],
                str(c.get("population", 0)),
                " ".join(c.get("codesPostaux", [])),
                c["nom"],
                search_key(c["nom"]),
            )
        )
    lines.append("")  # a blank line between the communes and the EPCI
    for e in epcis:
        # Members as row numbers of the communes table: the file stays small and a member is
        # read with the same fields as any commune.
        members = " ".join(str(index[m["code"]]) for m in e["membres"])
        lines.append(
            _row(
                e["code"],
                e["type"],
                # The sum of the members' legal populations, the same figures as the communes'
                # (the DGCL's own column lags a year behind INSEE's).
                str(sum(communes[index[m["code"]]].get("population", 0) for m in e["membres"])),
                members,
                e["nom"],
                without_kind(search_key(e["nom"])),
            )
        )
    return "\n".join(lines) + "\n"


def _row(*cells: str) -> str:
    if any("\t" in cell or "\n" in cell for cell in cells):
        raise SystemExit(f"valeur avec tabulation ou saut de ligne : {cells}")
    return "\t".join(cells)


def write(text: str, target: Path) -> int:
    """Write ``text`` as UTF-8 (replacing the previous file at once); returns the size in bytes."""
    data = text.encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_suffix(".tmp")
    scratch.write_bytes(data)
    scratch.replace(target)
    return len(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=VERSION, help=f"version du paquet ({VERSION})")
    parser.add_argument("--source", type=Path, help="tarball déjà téléchargé (npm pack)")
    parser.add_argument("--sortie", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="webpass-geo-") as scratch:
        tarball = args.source or fetch(args.version, Path(scratch))
        files = read_tarball(tarball)
    text = build(files, args.version)
    size = write(text, args.sortie)
    header = json.loads(text.split("\n", 1)[0])
    communes, epcis = header["communes"], header["epci"]
    print(
        f"{args.sortie} : {communes} communes, {epcis} EPCI, {size / 1e6:.2f} Mo "
        f"({PACKAGE}@{args.version})"
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
