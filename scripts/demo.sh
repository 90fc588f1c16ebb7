#!/usr/bin/env bash
# The main job on the shipped example: the small commune's CCTP in the three formats, in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
$bin/webpass catalogue valider
$bin/webpass selection examples/petite-commune
$bin/webpass generer examples/petite-commune --format html,pdf,docx --sortie out
$bin/webpass dce examples/petite-commune --sortie out/DCE-petite-commune.zip
echo
echo "Documents produits dans out/ (le CCTP en PDF, DOCX et HTML, et le dossier de consultation) :"
ls -1 out
