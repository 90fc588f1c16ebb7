from __future__ import annotations

import json

import jsonschema
import pytest

from webpass.core.resources import shipped_catalog_dir
from webpass.core.schema import SCHEMAS, _register_others, render_schema
from webpass.untrusted.safe_yaml import load_yaml_file

_register_others()


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_matches_models(name: str) -> None:
    committed = (shipped_catalog_dir() / "schema" / name).read_text(encoding="utf-8")
    assert committed == render_schema(SCHEMAS[name]), f"régénérez avec « make schemas » : {name}"


def _yaml_files() -> list[tuple[str, str]]:
    root = shipped_catalog_dir()
    pairs = [
        ("catalogue.yaml", "catalogue.schema.json"),
        ("levels.yaml", "levels.schema.json"),
        ("normes.yaml", "normes.schema.json"),
        ("seuils.yaml", "seuils.schema.json"),
    ]
    pairs += [
        (f"items/{p.name}", "items.schema.json") for p in sorted((root / "items").glob("*.yaml"))
    ]
    return pairs


@pytest.mark.parametrize(("data_file", "schema_file"), _yaml_files())
def test_shipped_yaml_validates_against_its_schema(data_file: str, schema_file: str) -> None:
    root = shipped_catalog_dir()
    first_line = (root / data_file).read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# yaml-language-server: $schema=")
    assert first_line.endswith(schema_file)
    schema = json.loads((root / "schema" / schema_file).read_text(encoding="utf-8"))
    data = load_yaml_file(root / data_file).data
    # YAML dates are date objects; the JSON Schema speaks of strings
    jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)
