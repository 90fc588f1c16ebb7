#!/usr/bin/env bash
# The main job on the shipped example: validate the catalogue, then list it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
$bin/webpass catalogue valider
$bin/webpass catalogue lister
