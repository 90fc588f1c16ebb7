#!/usr/bin/env bash
# The main job on the shipped example: the small commune's CCTP in the three formats, in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
$bin/webpass catalogue valider
$bin/webpass selection examples/petite-commune
$bin/webpass generer examples/petite-commune --format html,pdf,docx --sortie out
echo
echo "Documents produits dans out/ : ouvrez out/cctp-kerbriac-sur-lie.pdf, .docx ou .html."
