"""The CCTP as one document model, built once and rendered three ways (HTML, PDF, DOCX).

A :class:`CctpDocument` is plain data: numbered articles holding blocks (paragraphs, lists,
tables, notes) made of text runs. Renderers never see the catalogue or run templates; all
personalisation happens here, in the sandbox, and every clause is checked on the way:

- its Jinja fields are rendered with ``StrictUndefined`` in an immutable sandbox, with a size cap;
- its Markdown is parsed by markdown-it-py; raw HTML, images and links other than ``https:``
  or ``mailto:`` are refused with the item named, so nothing can make a renderer fetch a file;
- French typography is applied to every text run.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from jinja2 import TemplateError
from jinja2.exceptions import SecurityError

from webpass.catalog.loaded import item_fingerprint
from webpass.catalog.model import AnswerKind, Demand, Item, Section
from webpass.core.errors import InputError
from webpass.core.frozen_record import frozen_record
from webpass.documents.ccap_plan import contract_context
from webpass.documents.plain_markdown import plain_blocks
from webpass.documents.question import asked_answer
from webpass.documents.typography import counted, date_fr, french_spacing
from webpass.dossier.answers import answers_to_yaml, clause_context, parameter_values
from webpass.selection.engine import SelectedItem, Selection
from webpass.untrusted.clause_template import clause_template
from webpass.untrusted.sandbox import RenderLimitExceeded, render_bounded

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = [
    "Article",
    "Block",
    "CctpDocument",
    "ItemWording",
    "Letterhead",
    "ListBlock",
    "Note",
    "Paragraph",
    "Run",
    "TableBlock",
    "build_document",
    "item_wording",
    "plain_text",
    "printed_question",
    "printed_title",
    "render_clause",
    "wording_fingerprint",
]

MAX_CLAUSE_CHARS = 20_000
MAX_CLAUSE_SECONDS = 2.0


@frozen_record
class Run:
    """A piece of text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@frozen_record
class Paragraph:
    """A paragraph of runs."""

    runs: tuple[Run, ...]


@frozen_record
class ListBlock:
    """A bulleted or numbered list; each entry is a sequence of runs."""

    entries: tuple[tuple[Run, ...], ...]
    ordered: bool = False


@frozen_record
class TableBlock:
    """A table with a header row; ``widths`` are percentages of the text width."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]
    caption: str = ""
    row_height_mm: int = 0
    """The least height of each body row, in millimetres (0: as high as its text): a signature
    needs room for a handwritten signature and a stamp."""


@frozen_record
class Note:
    """A framed remark: the strength of a clause, its norms, the answer expected."""

    kind: Literal["exigence", "normes", "reponse", "info"]
    runs: tuple[Run, ...]


Block = Paragraph | ListBlock | TableBlock | Note


@frozen_record
class Letterhead:
    """What makes a piece a letter: it opens on its sender and ends on a signature.

    A document with a letterhead is typeset as a French administrative letter (sender, place and
    date, addressee, object, « Madame, Monsieur, », body, closing and signature) instead of with
    the cover page and table of contents of the other pieces.
    """

    sender: tuple[str, ...]
    addressee: tuple[str, ...]
    place_date: str
    references: tuple[tuple[str, str], ...]
    subject: str
    salutation: str
    closing: str
    signatory_quality: str
    signatory_name: str
    subject_label: str = "Objet\u00a0:"


@dataclass
class Article:
    """A numbered article (1, 1.1, 1.1.1) with its blocks and sub-articles."""

    number: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    children: list[Article] = field(default_factory=list)
    item_id: str | None = None

    @property
    def anchor(self) -> str:
        """A stable HTML id / bookmark name."""
        return (
            "art-" + self.number.replace(".", "-")
            if self.number
            else "art-" + (self.item_id or "x")
        )

    @property
    def depth(self) -> int:
        """1 for « 3 », 2 for « 3.1 », 3 for « 3.1.1 »."""
        return self.number.count(".") + 1


@dataclass
class CctpDocument:
    """Everything a renderer needs, and nothing else.

    Other pieces of the consultation (règlement de consultation, rapport d'analyse des offres)
    use the same model with their own ``title`` and ``acronym`` (shown on the cover and in the
    running header), so the same renderers produce them.
    """

    title: str
    object: str
    buyer: str
    buyer_kind: str
    reference: str
    date: dt.date
    catalog_version: str
    articles: list[Article]
    annexes: list[Article]
    glossary: list[tuple[str, str]]
    answers_yaml: str
    fingerprints: dict[str, str]
    language: str = "fr"
    generator: str = "webpass"
    acronym: str = "CCTP"
    toc_depth: int = 2
    letter: Letterhead | None = None
    # The date as the cover prints it, when it is not ``date``: a report dated at its signature
    # leaves it blank (``date`` then only stamps the files).
    date_shown: str | None = None

    @property
    def running_title(self) -> str:
        """The running header: « CCTP — <collectivité> » (« RC — … », « RAO — … »); a letter,
        which has no acronym, gives its title."""
        return f"{self.title if self.letter else self.acronym} — {self.buyer}"

    @property
    def date_text(self) -> str:
        """The date written out."""
        return self.date_shown if self.date_shown is not None else date_fr(self.date)

    def walk(self) -> list[Article]:
        """Every article and annex, depth first, in reading order."""
        out: list[Article] = []

        def visit(article: Article) -> None:
            out.append(article)
            for child in article.children:
                visit(child)

        for article in [*self.articles, *self.annexes]:
            visit(article)
        return out


DEMAND_BADGES = {
    Demand.REQUIRED: "exigé",
    Demand.DESIRED: "souhaité",
}


@functools.cache
def _markdown_parser() -> MarkdownIt:
    # Imported for the first clause that is real Markdown: plain clauses never need it.
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    # markdown-it turns links with a dangerous scheme into plain text; let them through so that
    # _runs() refuses them with the clause named, rather than publishing "[ici](file:///…)".
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


_SAFE_LINK = re.compile(r"^(https://|mailto:)", re.IGNORECASE)


def published_in_table(selection: Selection, item: Item) -> bool:
    """Whether the CCTP states this item as one row of its section's table of needs."""
    return selection.in_table(item)


def clause_values(selection: Selection) -> dict[str, Any]:
    """What every clause of ``selection`` may read, before its own parameters.

    Computed once per document and passed to :func:`render_clause` for each of its clauses.
    """
    context: dict[str, Any] = dict(clause_context(selection.answers, selection.catalog))
    context.update(contract_context(selection))
    context["projet"] = {
        **context["projet"],
        "teleservices": _teleservices_text(selection),
        # A clause names another requirement only when the CCTP has it (F03 and F08, F02, F13).
        "exigences": [s.item.id for s in selection.items],
    }
    return context


def render_clause(item: Item, selection: Selection, shared: dict[str, Any] | None = None) -> str:
    """The text the CCTP publishes for ``item``, fields filled in, rendered in the sandbox.

    It is the item's need statement when its section is published as a table for this size of
    project, else the text of its size variant, else its clause; the grid quotes the same text.
    ``shared``: :func:`clause_values` of ``selection``, when the caller renders many clauses.
    """
    selected = selection.selected(item.id)
    context = dict(shared if shared is not None else clause_values(selection))
    defaults = selected.default_values if selected else {}
    context.update(parameter_values(item, selection.answers, defaults))
    source = selected.clause if selected else item.clause
    need = selected.need if selected else item.need
    if need and published_in_table(selection, item):
        source = need
    # Every clause text, variants included, is written in a catalogue file: a refusal names it,
    # so whoever edits the catalogue finds the text to fix.
    ref = selection.catalog.sources.get(item.id)
    label = f"{item.id} ({ref.file}, ligne {ref.line})" if ref else item.id
    try:
        text = render_bounded(
            clause_template(source),
            context,
            MAX_CLAUSE_CHARS,
            MAX_CLAUSE_SECONDS,
            f"{label} : la clause",
        )
    except RenderLimitExceeded as exc:
        raise InputError(str(exc)) from exc
    except SecurityError as exc:
        raise InputError(
            f"{label} : la clause tente d'accéder à un élément interdit ({exc}) ; "
            "seuls les champs collectivite.…, projet.… et les paramètres déclarés sont permis."
        ) from exc
    except (TemplateError, OverflowError, TypeError, ValueError) as exc:
        if "unsafe" in str(exc):
            raise InputError(
                f"{label} : la clause tente d'accéder à un élément interdit ; seuls ses champs sont permis."
            ) from exc
        raise InputError(f"{label} : la clause ne peut pas être remplie ({exc}).") from exc
    return text


def _teleservices_text(selection: Selection) -> str:
    firm = [
        f"{s.item.id} ({s.item.title[0].lower()}{s.item.title[1:]})"
        for s in selection.items
        if s.item.teleservice and s.demand is Demand.REQUIRED
    ]
    return " ; ".join(firm) if firm else "[à compléter : aucun téléservice exigé]"


def plain_text(blocks: list[Block]) -> str:
    """Blocks as plain text: paragraphs separated by blank lines, list entries with « - »."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph | Note):
            parts.append("".join(run.text for run in block.runs))
        elif isinstance(block, ListBlock):
            parts.append(
                "\n".join("- " + "".join(run.text for run in entry) for entry in block.entries)
            )
        elif isinstance(block, TableBlock):
            parts.append("\n".join(" | ".join(row) for row in (block.header, *block.rows)))
    return "\n\n".join(parts)


def wording_fingerprint(item_id: str, title: str, text: str, question: str) -> str:
    """THE fingerprint of a requirement: of its wording as printed for this dossier.

    Printed in the CCTP (next to the requirement and in the DOCX properties), the response grid
    and the OCDS file; any change of the id, title, rendered text or question changes it, so a
    bidder's answer is tied to the exact text it answers.
    """
    return item_fingerprint(item_id, title, text, question)


@frozen_record
class ItemWording:
    """A requirement's clause as printed for one dossier, and its fingerprint."""

    blocks: tuple[Block, ...]
    text: str
    fingerprint: str


def printed_title(item: Item) -> str:
    """The requirement's title as every piece prints it (French typography)."""
    return french_spacing(item.title)


def printed_question(item: Item, selection: Selection) -> str:
    """The answer a bidder is asked for, as the grid prints it (see :mod:`question`)."""
    return french_spacing(asked_answer(item, selection).question)


def item_wording(
    item: Item, selection: Selection, shared: dict[str, Any] | None = None
) -> ItemWording:
    """The clause of ``item`` rendered for ``selection``, as blocks and plain text.

    The fingerprint covers the wording as printed, title and question included, so the grid
    (which prints them with the same typography) recomputes the same fingerprint.
    ``shared``: :func:`clause_values` of ``selection``, when the caller words many items.
    """
    blocks = markdown_blocks(render_clause(item, selection, shared), f"exigence {item.id}")
    text = plain_text(blocks)
    question = printed_question(item, selection)
    fingerprint = wording_fingerprint(item.id, printed_title(item), text, question)
    return ItemWording(tuple(blocks), text, fingerprint)


def markdown_blocks(text: str, where: str) -> list[Block]:
    """Parse clause Markdown into blocks; refuses raw HTML, images and unsafe links."""
    plain = plain_blocks(text)
    if plain is not None:
        return [
            ListBlock(tuple(_plain_runs(lines) for lines in block.entries))
            if block.bulleted
            else Paragraph(_plain_runs(block.entries[0]))
            for block in plain
        ]
    tokens = _markdown_parser().parse(text)
    blocks: list[Block] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type in ("html_block", "html_inline"):
            raise InputError(
                f"{where} : le HTML n'est pas permis dans une clause (« {token.content.strip()[:60]} »)."
            )
        if token.type == "paragraph_open":
            blocks.append(Paragraph(_runs(tokens[index + 1], where)))
            index += 3
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            ordered = token.type == "ordered_list_open"
            close = token.type.replace("_open", "_close")
            entries: list[tuple[Run, ...]] = []
            depth = 0
            index += 1
            while not (tokens[index].type == close and depth == 0):
                current = tokens[index]
                if current.type in ("bullet_list_open", "ordered_list_open"):
                    depth += 1
                elif current.type in ("bullet_list_close", "ordered_list_close"):
                    depth -= 1
                elif current.type == "inline":
                    entries.append(_runs(current, where))
                elif current.type in ("html_block", "html_inline"):
                    raise InputError(f"{where} : le HTML n'est pas permis dans une clause.")
                index += 1
            blocks.append(ListBlock(tuple(entries), ordered))
            index += 1
            continue
        if token.type == "heading_open":
            blocks.append(
                Paragraph(tuple(Run(r.text, bold=True) for r in _runs(tokens[index + 1], where)))
            )
            index += 3
            continue
        if token.type == "fence" or token.type == "code_block":
            blocks.append(Paragraph((Run(french_spacing(token.content.strip())),)))
        index += 1
    return blocks


def _plain_runs(lines: tuple[str, ...]) -> tuple[Run, ...]:
    # The runs markdown-it-py's tokens give: a text per line, a soft break between lines.
    return (Run(" ".join(french_spacing(line) for line in lines)),)


def _runs(inline: Token, where: str) -> tuple[Run, ...]:
    runs: list[Run] = []
    bold = italic = False
    href: str | None = None
    for child in inline.children or []:
        kind = child.type
        if kind == "text":
            runs.append(Run(french_spacing(child.content), bold, italic, href))
        elif kind == "code_inline":
            runs.append(Run(child.content, bold, italic, href))
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Run(" ", bold, italic, href))
        elif kind == "strong_open":
            bold = True
        elif kind == "strong_close":
            bold = False
        elif kind == "em_open":
            italic = True
        elif kind == "em_close":
            italic = False
        elif kind == "link_open":
            target = str(child.attrs.get("href", ""))
            if not _SAFE_LINK.match(target):
                raise InputError(
                    f"{where} : lien « {target} » refusé ; seuls les liens https:// et mailto: sont permis."
                )
            href = target
        elif kind == "link_close":
            href = None
        elif kind == "image":
            raise InputError(f"{where} : les images ne sont pas permises dans une clause.")
        elif kind == "html_inline":
            raise InputError(
                f"{where} : le HTML n'est pas permis dans une clause (« {child.content} »)."
            )
    return tuple(_merge(runs))


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].href) == (
            run.bold,
            run.italic,
            run.href,
        ):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.italic, run.href)
        else:
            merged.append(run)
    return merged


def _text(text: str, **style: Any) -> tuple[Run, ...]:
    return (Run(french_spacing(text), **style),)


def build_document(selection: Selection) -> CctpDocument:
    """The CCTP of a selection; raises :class:`InputError` naming the clause at fault.

    The CCTP states needs: one presentation article (object, how requirements are asked, what
    the offer contains), then one article per section, whose items are sub-articles or, for a
    small project, rows of a table of needs. What the bidder answers for each requirement is
    asked by the response grid, not repeated here; the cited texts are listed once, in annex.
    """
    catalog = selection.catalog
    answers = selection.answers
    body = answers.collectivity
    project = answers.project
    nature = "Création" if project.nature.value == "creation" else "Refonte"
    level_name = catalog.levels[project.target_level].name.lower()
    doc_object = f"{nature} du site internet de {body.designation} — {level_name}"

    options = _option_numbers(selection)
    shared = clause_values(selection)
    wordings = {s.item.id: item_wording(s.item, selection, shared) for s in selection.items}
    articles: list[Article] = [_presentation(selection, options, shared)]
    for section in catalog.sections:
        chosen = [s for s in selection.items if s.item.section_letter == section.letter]
        if chosen:
            articles.append(
                _section_article(
                    section, chosen, str(len(articles) + 1), selection, options, wordings
                )
            )

    # The cited texts close the body rather than open an annex: no page break for a short list.
    articles.append(_references(selection, str(len(articles) + 1)))
    annexes = [_members_annex(selection)] if body.members else []
    for position, annex in enumerate(annexes, 1):
        # « T » for the CCTP: the CCAP's annexes are A1, A2, and a reader must never meet two A1.
        annex.number = f"T{position}"

    document = CctpDocument(
        title="Cahier des clauses techniques particulières",
        object=french_spacing(doc_object),
        buyer=body.name,
        buyer_kind=body.body_type.label,
        reference=project.reference or f"CCTP-{project.launch_date:%Y%m%d}",
        date=project.launch_date,
        catalog_version=catalog.version,
        articles=articles,
        annexes=annexes,
        glossary=[],
        answers_yaml=answers_to_yaml(answers, remember=True),
        fingerprints={item_id: wording.fingerprint for item_id, wording in wordings.items()},
        # Never more than two levels; one for any project but the largest class, whose CCTP
        # keeps its items as numbered articles.
        toc_depth=1 if catalog.meta.sizes and selection.size.id != catalog.meta.sizes[-1].id else 2,
    )
    document.glossary = _glossary(document, catalog.meta.glossary)
    return document


def _option_numbers(selection: Selection) -> dict[str, int]:
    pse = [s.item.id for s in selection.items if s.is_pse]
    return {item_id: position for position, item_id in enumerate(pse, 1)}


def _badge(selected: SelectedItem, options: dict[str, int]) -> str:
    if selected.on_order:
        return "à bons de commande"
    if selected.is_pse:
        return f"PSE n°\u00a0{options[selected.item.id]}"
    if selected.item.answer.kind is AnswerKind.INFORMATION:
        return "information"
    return DEMAND_BADGES[selected.demand]


def _section_article(
    section: Section,
    chosen: list[SelectedItem],
    number: str,
    selection: Selection,
    options: dict[str, int],
    wordings: dict[str, ItemWording],
) -> Article:
    article = Article(number, french_spacing(section.title))
    in_table = [s for s in chosen if published_in_table(selection, s.item)]
    # A section published as a table of needs speaks for itself; its reading aid is dropped.
    if section.introduction and selection.size.id not in section.table_for:
        article.blocks.extend(markdown_blocks(section.introduction, f"section {section.id}"))
    position = 0
    for selected in chosen:
        if selected in in_table:
            continue
        position += 1
        article.children.append(
            _item_article(
                selected, f"{number}.{position}", selection, options, wordings[selected.item.id]
            )
        )
    if in_table:
        # After the developed requirements, so the reader meets B01 before B04, in the grid's
        # order; a section with no developed requirement is its table alone.
        table = _needs_table(section, in_table, options, wordings)
        if position:
            others = Article(f"{number}.{position + 1}", "Autres besoins")
            others.blocks.append(table)
            article.children.append(others)
        else:
            article.blocks.append(table)
    return article


def _needs_table(
    section: Section,
    in_table: list[SelectedItem],
    options: dict[str, int],
    wordings: dict[str, ItemWording],
) -> TableBlock:
    rows = []
    for selected in in_table:
        text = " ".join(
            "".join(run.text for run in block.runs)
            for block in wordings[selected.item.id].blocks
            if isinstance(block, Paragraph)
        )
        rows.append((selected.item.id, text, _badge(selected, options)))
    return TableBlock(
        ("Réf.", "Besoin", "Niveau"),
        tuple(rows),
        (8, 74, 18),
        caption=f"Besoins : {section.title[0].lower()}{section.title[1:]}",
    )


def _demand_legend(desired: bool, options: bool, informative: bool = False) -> list[str]:
    """The words the CCTP uses for how it asks, only those it uses: a word defined and never
    used would promise a scoring (« souhaité ») or a choice (« PSE ») the consultation lacks."""
    entries = [
        "« exigé » : le titulaire doit satisfaire l’exigence ; une offre qui ne la satisfait pas "
        "est irrégulière"
    ]
    if desired:
        entries.append(
            "« souhaité » : la collectivité apprécie la réponse dans la valeur technique de "
            "l’offre, sans l’imposer"
        )
    if options:
        entries.append(
            "« PSE » : prestation supplémentaire éventuelle, chiffrée à part, que l’acheteur peut "
            "retenir ou non à l’attribution"
        )
    if informative:
        entries.append(
            "« information » : texte de présentation, qui engage comme le reste du CCTP et "
            "n’appelle aucune réponse dans le cadre de réponse"
        )
    return [entry + (" ;" if n < len(entries) else ".") for n, entry in enumerate(entries, 1)]


def _legend_block(entries: list[str]) -> Paragraph | ListBlock:
    """The words as a list, or one sentence when every requirement is exigé."""
    if len(entries) == 1:
        return Paragraph(
            _text(
                "Toutes les exigences sont « exigées » : le titulaire doit les satisfaire ; une "
                "offre qui ne satisfait pas l’une d’elles est irrégulière."
            )
        )
    return ListBlock(tuple(_text(entry) for entry in entries))


def _presentation(selection: Selection, options: dict[str, int], shared: dict[str, Any]) -> Article:
    answers = selection.answers
    desired = sum(1 for s in selection.items if s.demand is Demand.DESIRED)
    article = Article("1", "Objet et contenu du document")
    counts = f"{len(selection.items)} exigences"
    extras = []
    if desired:
        extras.append(counted(desired, "souhaitée", feminine=True))
    if options:
        pse = "prestation supplémentaire éventuelle"
        plural = "prestations supplémentaires éventuelles"
        extras.append(counted(len(options), pse, plural, feminine=True) + " (PSE)")
    if extras:
        counts += ", dont " + " et ".join(extras)
    article.blocks += [
        Paragraph(
            _text(
                f"Le présent cahier des clauses techniques particulières (CCTP) décrit les besoins de "
                f"{answers.collectivity.designation} pour la {answers.project.nature.label} de son site "
                f"internet : {counts}. Les conditions administratives et financières du marché relèvent "
                "des autres pièces de la consultation."
            )
        ),
        _legend_block(
            _demand_legend(
                bool(desired),
                bool(options),
                any(s.item.answer.kind is AnswerKind.INFORMATION for s in selection.items),
            )
        ),
        Paragraph(
            _text(
                "L’offre comprend le cadre de réponse joint au dossier de consultation, complété "
                "pour chaque exigence (conformité, justification et valeurs demandées), "
                f"{shared['pieces']['offre_prix']}, et un mémoire technique "
                "qui présente la solution proposée, l’équipe, la méthode et le calendrier."
            )
        ),
        Note(
            "info",
            _text(
                f"Document établi avec webpass, catalogue des exigences version "
                f"{selection.catalog.version}. Chaque exigence porte une référence (par exemple "
                "C04), reprise dans le cadre de réponse."
            ),
        ),
    ]
    return article


def _item_article(
    selected: SelectedItem,
    number: str,
    selection: Selection,
    options: dict[str, int],
    wording: ItemWording,
) -> Article:
    item = selected.item
    article = Article(number, printed_title(item), item_id=item.id)
    badge = f"{item.id} — {_badge(selected, options)} — empreinte {wording.fingerprint}"
    article.blocks.append(Note("exigence", _text(badge)))
    article.blocks.extend(wording.blocks)
    return article


def _references(selection: Selection, number: str) -> Article:
    catalog = selection.catalog
    # Each text names the requirements it founds, so that none reads as cited for nothing
    # (review of 1 December 2026, M10).
    cited: dict[str, list[str]] = {}
    for selected in selection.items:
        for ref in selected.norms:
            ids = cited.setdefault(ref.ref, [])
            if selected.item.id not in ids:
                ids.append(selected.item.id)
    entries = []
    for norm_id in sorted(cited, key=lambda key: catalog.norms[key].title):
        norm = catalog.norms[norm_id]
        ids = cited[norm_id]
        founds = f"exigence {ids[0]}" if len(ids) == 1 else "exigences " + ", ".join(ids)
        entries.append(
            _text(norm.title + (f", {norm.version}" if norm.version else "") + f" — {founds}")
        )
    annex = Article(number, "Textes de référence")
    annex.blocks += [
        Paragraph(
            _text(
                # Not all of them are named in a clause's text (a norm may found a rule the
                # clause words itself): « cités » would be untrue (review of 1 December 2026).
                "Textes sur lesquels reposent les exigences du présent CCTP, qu'elles les citent "
                "ou non, dans leur version en vigueur à la date limite de remise des offres :"
            )
        ),
        ListBlock(tuple(entries)),
    ]
    return annex


def _members_annex(selection: Selection) -> Article:
    body = selection.answers.collectivity
    annex = Article("A2", "Communes membres")
    own = [m for m in body.members if m.own_identity]
    annex.blocks.append(
        Paragraph(
            _text(
                f"{body.designation[0].upper()}{body.designation[1:]} regroupe {len(body.members)} communes, dont "
                f"{len(own)} disposent d'une identité propre (nom de domaine et charte graphique déclinée) et de "
                "l'administration autonome de leur site. Les autres communes disposent de pages dédiées au sein du "
                "site intercommunal."
            )
        )
    )
    rows = []
    for member in body.members:
        site = (
            f"oui : {member.domain}, charte déclinée, administration autonome"
            if member.own_identity
            else "non : pages dédiées du site intercommunal"
        )
        current = member.current_site
        rows.append(
            (
                member.name,
                member.insee or "à compléter",
                french_spacing(site),
                # What a bidder prices the takeover from (K02): the dossier's facts. A dash left
                # the reader unsure whether there was no site or an undescribed one (review of
                # 1 December 2026, groupement N14).
                french_spacing(current.describe()) if current else "aucun site actuel déclaré",
                french_spacing(member.specifics or "—"),
            )
        )
    annex.blocks.append(
        TableBlock(
            ("Commune", "Code INSEE", "Site propre", "Site actuel", "Particularités"),
            tuple(rows),
            (16, 10, 22, 30, 22),
            caption="Communes membres",
        )
    )
    return annex


def _glossary(document: CctpDocument, glossary: dict[str, str]) -> list[tuple[str, str]]:
    texts: list[str] = [document.object]
    for article in document.walk():
        texts.append(article.title)
        for block in article.blocks:
            if isinstance(block, Paragraph | Note):
                texts.append("".join(r.text for r in block.runs))
            elif isinstance(block, ListBlock):
                texts.extend("".join(r.text for r in entry) for entry in block.entries)
            else:
                texts.extend(" ".join(row) for row in block.rows)
    found = acronyms_in("\n".join(texts), tuple(glossary))
    used = [
        (acronym, french_spacing(expansion))
        for acronym, expansion in glossary.items()
        if acronym in found
    ]
    return sorted(used, key=lambda pair: pair[0].casefold())


@functools.lru_cache(maxsize=16)
def _acronym_matcher(acronyms: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, set[str]]]:
    # One alternation, longest first, so « PDF/A » is read whole; an acronym standing as a word
    # inside a longer one (« PDF » in « PDF/A ») is implied by it, as a search of each would find.
    ordered = sorted(acronyms, key=len, reverse=True)
    # The lookahead on the first letters lets the scan skip, with one test, the positions where
    # no acronym starts, instead of trying every alternative there (2 to 3 times faster).
    starts = "".join(sorted({re.escape(a[:1]) for a in acronyms})) if all(acronyms) else ""
    pattern = re.compile(
        (f"(?=[{starts}])" if starts else "")
        + r"(?<![\w-])("
        + "|".join(re.escape(a) for a in ordered)
        + r")(?![\w-])"
    )
    implied = {
        longer: {
            inner
            for inner in acronyms
            if inner != longer
            and inner in longer
            and re.search(rf"(?<![\w-]){re.escape(inner)}(?![\w-])", longer)
        }
        for longer in acronyms
    }
    return pattern, implied


def acronyms_in(corpus: str, acronyms: tuple[str, ...]) -> set[str]:
    """The ``acronyms`` used in ``corpus`` as whole words (one scan of the text)."""
    if not acronyms:
        return set()
    pattern, implied = _acronym_matcher(acronyms)
    found = set(pattern.findall(corpus))
    for acronym in list(found):
        found |= implied[acronym]
    return found
