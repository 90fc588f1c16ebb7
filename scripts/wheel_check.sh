#!/usr/bin/env bash
# Builds the wheel, installs it (not editable) into a scratch virtual environment and runs
# `webpass catalogue valider` from an unrelated directory: the shipped catalogue must be found
# relative to the installed package, never relative to the current directory.
#
# The scratch environment reuses the project venv's already-installed dependencies through a
# .pth line (their metadata is checked by the project's own install), so the check takes
# seconds and needs no network; webpass itself comes only from the wheel.
set -euo pipefail
python="$1"
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
"$python" -m pip wheel --quiet --no-deps --no-build-isolation -w "$scratch/dist" "$repo" >/dev/null
"$python" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --no-deps --no-index "$scratch"/dist/webpass-*.whl
site="$("$scratch/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
deps="$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$deps" > "$site/zz-project-deps.pth"
mkdir -p "$scratch/elsewhere"
cd "$scratch/elsewhere"
where="$("$scratch/venv/bin/python" -c 'import webpass, pathlib; print(pathlib.Path(webpass.__file__).parent)')"
case "$where" in
  "$scratch"/venv/*) ;;
  *) echo "wheel-check: webpass importé depuis $where et non depuis la roue installée" >&2; exit 1 ;;
esac
"$scratch/venv/bin/webpass" catalogue valider
"$scratch/venv/bin/webpass" catalogue lister --json > "$scratch/list.json"
"$scratch/venv/bin/python" -c "import json,sys; rows=json.load(open(sys.argv[1])); assert rows, 'liste vide'; print(f'wheel-check : {len(rows)} exigences lues depuis la roue installée')" "$scratch/list.json"
# The web wizard's templates and stylesheet must ship in the wheel too.
"$scratch/venv/bin/python" -c "
import tempfile
from pathlib import Path
from webpass.web import create_app
app = create_app(Path(tempfile.mkdtemp()) / 'espace')
client = app.test_client()
assert client.get('/').status_code == 200
assert client.get('/nouveau').status_code == 200
assert client.get('/static/webpass.css').status_code == 200
print('wheel-check : assistant web servi depuis la roue installée')
"
# The reference of communes and EPCI ships in the wheel too, and is read without npm nor network.
"$scratch/venv/bin/python" -c "
from webpass.collectivities import find_commune
assert find_commune('Ploërmel').code == '56165'
print('wheel-check : liste officielle des communes lue depuis la roue installée')
"
