"""Reading untrusted YAML safely, keeping the line and column of every value.

PyYAML's ``safe_load`` still expands alias bombs, and the C loader crashes the interpreter on
very deep nesting, so a file goes through three gates before it becomes Python objects:

1. a size cap on the raw bytes and strict UTF-8 decoding;
2. a scan of the event stream (no tree, no recursion) that refuses anchors, aliases, explicit
   non-standard tags, several documents, nesting deeper than ``max_depth`` and too many scalars;
3. composition into nodes by the C loader, then our own conversion that records where each value
   stands, refuses duplicate keys and notes which scalars YAML read as floats (money given as
   ``12.5`` instead of ``"12.50"`` is reported by the catalogue validator).
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from webpass.core.errors import InputError, Problem
from webpass.core.files import check_regular, read_bytes
from webpass.core.frozen_record import frozen_record
from webpass.untrusted import yaml_cache

if TYPE_CHECKING:
    import yaml

__all__ = ["Located", "YamlLimits", "YamlRefused", "load_yaml_file", "load_yaml_text"]


# PyYAML is imported when a text is parsed, not with this module: a process that finds every text
# it reads in the cache (:mod:`webpass.untrusted.yaml_cache`) never needs it (issue 24). The
# loader, libyaml's when PyYAML was built with it, is chosen at the first parse.
_Loader: Any = None


def _loader() -> Any:
    global _Loader
    if _Loader is None:
        import yaml

        _Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _Loader


@functools.cache
def _constructor() -> Any:
    import yaml

    return yaml.constructor.SafeConstructor()


_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _STANDARD_TAG_PREFIX + name
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}

Path_ = tuple[str | int, ...]


@frozen_record
class YamlLimits:
    """Bounds that keep a hostile file from exhausting time or memory."""

    max_bytes: int = 2_000_000
    max_depth: int = 48
    max_scalars: int = 200_000


@dataclass
class Located:
    """Data read from YAML plus where each value stood in the file.

    Attributes:
        data: the plain Python value (dicts, lists, str, int, float, bool, None, date).
        source: the file name to show in messages.
        marks: for each path of keys and indexes, the 1-based (line, column) of its value.
        key_marks: the same for the key that introduced a mapping value.
        floats: paths whose scalar YAML resolved as a float.
    """

    data: Any
    source: str
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    floats: set[Path_] = field(default_factory=set)

    def locate(self, path: Path_) -> tuple[int | None, int | None]:
        """Where ``path`` stands, or its nearest located parent when it is missing."""
        for cut in range(len(path), -1, -1):
            head = tuple(path[:cut])
            if cut == len(path) and head in self.key_marks:
                return self.key_marks[head]
            if head in self.marks:
                return self.marks[head]
        return None, None

    def problem(self, path: Path_, message: str) -> Problem:
        """A :class:`Problem` located at ``path``."""
        line, column = self.locate(path)
        return Problem(self.source, line, column, message, where=_dotted(path))


class YamlRefused(InputError):
    """The YAML text was refused before or while parsing; carries a located problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem


def load_yaml_file(
    path: Path,
    limits: YamlLimits | None = None,
    display: str | None = None,
    root: Path | None = None,
    remember: bool = False,
) -> Located:
    """Read and parse ``path`` under ``limits``; see the module docstring for the gates.

    ``root``: the folder the file was found in (a catalogue, a dossier); a link leading out of
    it is refused. Any path that is not a regular file (a pipe, a device, a folder) is refused.
    ``remember``: see :func:`load_yaml_text`.

    Raises:
        UnreadableFileError: not a regular file, or outside ``root`` (exit code 2).
        YamlRefused: the file is too large or its content is refused.
    """
    limits = limits or YamlLimits()
    name = display or str(path)
    size = check_regular(path, root).stat().st_size
    if size > limits.max_bytes:
        raise YamlRefused(
            Problem(
                name,
                None,
                None,
                f"fichier trop volumineux ({size} octets, au plus {limits.max_bytes}) : "
                "découpez-le ou vérifiez qu'il s'agit bien du bon fichier.",
            )
        )
    raw = read_bytes(path, root=root, max_bytes=limits.max_bytes)
    return load_yaml_text(raw, name, limits, remember)


def load_yaml_text(
    raw: bytes | str, source: str, limits: YamlLimits | None = None, remember: bool = False
) -> Located:
    """Parse YAML given as bytes or text; ``source`` names it in messages.

    ``remember``: a text read again and again by separate processes (a dossier's answers, the
    catalogue's data files) is kept, once accepted, in the user's cache, and taken from there
    the next time (:mod:`webpass.untrusted.yaml_cache`).
    """
    limits = limits or YamlLimits()
    if isinstance(raw, bytes):
        if len(raw) > limits.max_bytes:
            raise YamlRefused(
                Problem(
                    source,
                    None,
                    None,
                    f"texte trop volumineux (au plus {limits.max_bytes} octets).",
                )
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise YamlRefused(
                Problem(
                    source,
                    line,
                    None,
                    "le fichier n'est pas encodé en UTF-8 : enregistrez-le en UTF-8 "
                    "(dans LibreOffice ou votre éditeur, « Enregistrer sous » puis UTF-8).",
                )
            ) from exc
    else:
        text = raw
    if "\x00" in text:
        raise YamlRefused(
            Problem(
                source, None, None, "le fichier contient un octet nul : ce n'est pas un texte YAML."
            )
        )
    if remember:
        recalled = yaml_cache.recall(text, limits)
        if recalled is not None:
            return Located(recalled[0], source, *recalled[1:])
    import yaml

    _scan_events(text, source, limits)
    try:
        node = yaml.compose(text, Loader=_loader())
    except yaml.YAMLError as exc:
        raise YamlRefused(_syntax_problem(exc, source)) from exc
    located = Located(data=None, source=source)
    if node is not None:
        located.data = _convert(node, (), located)
    if remember:
        yaml_cache.keep(text, limits, located)
    return located


def _scan_events(text: str, source: str, limits: YamlLimits) -> None:
    import yaml

    try:
        _scan_events_with(_loader(), text, source, limits)
    except yaml.YAMLError as exc:
        if _loader() is not yaml.SafeLoader:
            # libyaml has refusals of its own, in English and varying with its version (0.2.6
            # stops deep nesting at 1,000 levels itself). The pure-Python parser has none, so a
            # rescan with it reaches our gates first and the user reads the same French message
            # whatever is installed. Only a refused file pays for it, and our limits bound it.
            with contextlib.suppress(yaml.YAMLError):
                _scan_events_with(yaml.SafeLoader, text, source, limits)
        raise YamlRefused(_syntax_problem(exc, source)) from exc


def _scan_events_with(loader: Any, text: str, source: str, limits: YamlLimits) -> None:
    import yaml

    depth = 0
    scalars = 0
    documents = 0
    for event in yaml.parse(text, Loader=loader):
        mark = getattr(event, "start_mark", None)
        where = (source, mark.line + 1 if mark else None, mark.column + 1 if mark else None)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlRefused(
                Problem(
                    *where,
                    "les ancres et alias YAML (& et *) ne sont pas acceptés : "
                    "recopiez la valeur à chaque endroit où elle sert.",
                )
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _ALLOWED_TAGS and tag != "!":
            raise YamlRefused(
                Problem(
                    *where,
                    f"l'étiquette YAML « {tag} » n'est pas acceptée : retirez-la, "
                    "seules les valeurs simples (texte, nombre, liste, dictionnaire) sont lues.",
                )
            )
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlRefused(
                    Problem(
                        *where,
                        "un seul document YAML par fichier : retirez les séparateurs « --- » en trop.",
                    )
                )
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limits.max_depth:
                raise YamlRefused(
                    Problem(
                        *where,
                        f"imbrication trop profonde (plus de {limits.max_depth} niveaux) : "
                        "la structure attendue est bien plus simple.",
                    )
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent):
            scalars += 1
            if scalars > limits.max_scalars:
                raise YamlRefused(
                    Problem(
                        *where,
                        f"trop de valeurs (plus de {limits.max_scalars}) dans un seul fichier.",
                    )
                )


def _syntax_problem(exc: yaml.YAMLError, source: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return Problem(
        source,
        mark.line + 1 if mark else None,
        mark.column + 1 if mark else None,
        f"syntaxe YAML invalide ({problem}) : vérifiez l'indentation, les deux-points "
        "et les guillemets autour des textes qui contiennent « : » ou « # ».",
    )


def _convert(node: yaml.Node, path: Path_, out: Located) -> Any:
    import yaml

    out.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlRefused(
                    out.problem(path, "une clé de dictionnaire doit être un texte simple.")
                )
            key = _constructor().construct_scalar(key_node)
            if key_node.tag == _STANDARD_TAG_PREFIX + "merge":
                raise YamlRefused(out.problem(path, "la fusion YAML « << » n'est pas acceptée."))
            if key in result:
                line = key_node.start_mark.line + 1
                raise YamlRefused(
                    Problem(
                        out.source,
                        line,
                        key_node.start_mark.column + 1,
                        f"la clé « {key} » apparaît deux fois dans le même bloc : gardez-en une seule.",
                        where=_dotted(path),
                    )
                )
            child = (*path, key)
            out.key_marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _convert(value_node, child, out)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, (*path, index), out) for index, child in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    if node.tag == _STANDARD_TAG_PREFIX + "float":
        out.floats.add(path)
    try:
        return _constructor().construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        raise YamlRefused(out.problem(path, f"valeur illisible « {node.value} » ({exc}).")) from exc


def _dotted(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
