"""The pages of the web wizard: the steps of a dossier, its review, its documents and checks."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NoReturn

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from webpass.catalog.model import CostNature
from webpass.collectivities import Commune
from webpass.collectivities.identity import identity_notes
from webpass.collectivities.lookup import postal_code_note
from webpass.core.errors import UnreadableFileError, ValidationFailed, WebpassError
from webpass.core.filenames import dce_name, grid_name
from webpass.core.slug import slugify
from webpass.dossier import answer_parsers as parse
from webpass.dossier.answers import ANSWERS_FILE, check_answers, load_answers
from webpass.selection.engine import Selection, select
from webpass.web import steps
from webpass.web.app import web_context
from webpass.web.forms import Choice, Field, Form
from webpass.web.preparation import Prepared, document_key, serve_prepared
from webpass.web.review import review_data, subsidy_page_data
from webpass.web.workspace import UnknownDossier

if TYPE_CHECKING:
    from webpass.dossier.opening import Dossier

__all__ = ["blueprint"]

blueprint = Blueprint("web", __name__)

_CCTP_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
}
_GRID_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "yaml": "application/yaml",
    "json": "application/json",
}
_OFFER_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".yaml", ".yml", ".json")


def dce_available() -> bool:
    """Whether this webpass can build the DCE bundle."""
    try:
        import webpass.documents.dce  # noqa: F401
    except ImportError:
        return False
    return True


# -- helpers -------------------------------------------------------------------------------------


def _folder(slug: str) -> Path:
    try:
        return web_context().workspace.existing(slug)
    except UnknownDossier:
        abort(404)


def _state(slug: str) -> tuple[Path, dict[str, Any], bool]:
    """The dossier's folder, its answers as data, and whether they are complete."""
    folder = _folder(slug)
    if (folder / ANSWERS_FILE).is_file():
        answers, _ = load_answers(folder)
        return folder, steps.answers_data(answers), True
    return folder, web_context().workspace.draft(slug) or {}, False


def _render(template: str, **context: Any) -> str:
    return render_template(template, **context)


def _redirect(endpoint: str, **values: Any) -> BaseResponse:
    return redirect(url_for(endpoint, **values), code=303)


def _launch_first(slug: str, data: dict[str, Any]) -> None:
    """A launch date no threshold covers is corrected on the project page, not on an error page."""
    problem = steps.launch_problem(data, web_context().catalog)
    if problem:
        flash(problem + " Corrigez-la ci-dessous.")
        abort(_redirect("web.projet", slug=slug))


def _complete_state(slug: str) -> dict[str, Any]:
    """The answers of a dossier whose project is answered, for the steps after it."""
    _, data, complete = _state(slug)
    if not complete:
        _not_complete(slug)
    _launch_first(slug, data)
    return data


def _not_complete(slug: str) -> NoReturn:
    flash("Répondez d'abord aux questions sur le projet : le dossier n'est pas encore complet.")
    abort(_redirect("web.projet", slug=slug))


@blueprint.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """No icon: answer at once rather than with an error page."""
    return "", 204


# -- home ------------------------------------------------------------------------------------------


@blueprint.get("/")
def accueil() -> str:
    """The dossiers of the workspace and what can be done."""
    context = web_context()
    return _render(
        "accueil.html",
        dossiers=context.workspace.entries(),
        espace=context.workspace.root,
        niveaux=context.catalog.levels,
    )


# -- step 1: the collectivity --------------------------------------------------------------------


@blueprint.route("/nouveau", methods=["GET", "POST"])
def nouveau() -> ResponseReturnValue:
    """Step 1 of a new dossier: who the collectivity is, and the dossier's name."""
    return _profile(None)


@blueprint.route("/dossiers/<slug>/profil", methods=["GET", "POST"])
def profil(slug: str) -> ResponseReturnValue:
    """Step 1 of an existing dossier."""
    return _profile(slug)


def _profile(slug: str | None) -> ResponseReturnValue:
    data: dict[str, Any] = {}
    complete = False
    if slug is not None:
        _, data, complete = _state(slug)
    previous = data.get("collectivite") or {}
    posting = request.method == "POST"
    adding = posting and request.form.get("action") == "ajouter-communes"
    rows = steps.member_rows(previous, request.form.get("lignes") if posting else None, add=adding)
    form = steps.profile_form(creating=slug is None, rows=rows)
    if not posting:
        form.fill(steps.profile_values(previous))
        return _render_profile(form, slug, rows, complete)
    form.bind(request.form)
    if adding:
        return _render_profile(form, slug, rows, complete, adding=True)
    answer = steps.read_profile(form, rows, previous)
    if answer.found is not None and not form.has_errors:
        return _confirm_found(form, answer, slug, complete)
    target = slug if slug is not None else _new_slug(form, answer)
    if form.has_errors or target is None:
        return _render_profile(form, slug, rows, complete, status=422)
    if slug is None and _created_here(target):
        # Back to step 1 and sent again: the dossier this browser has just created is updated.
        _, data, complete = _state(target)
    return _save_profile(form, answer, target, data, complete, rows)


def _confirm_found(
    form: Form, answer: steps.ProfileAnswer, slug: str | None, complete: bool
) -> ResponseReturnValue:
    """Show what the reference fills, for the person to check before saving."""
    values = steps.profile_values(answer.body)
    rows = steps.member_rows(answer.body)
    shown = steps.profile_form(creating=slug is None, rows=rows)
    shown.fill({"dossier": form["dossier"].value} if "dossier" in form else {})
    shown.fill(values)
    found = answer.found
    assert found is not None
    notice = (
        f"Trouvée dans la liste officielle : {found.label}. Vérifiez les renseignements "
        "ci-dessous (le nom, les codes, la population"
        + (" et les communes membres" if answer.body.get("communes") else "")
        + "), corrigez-les au besoin, puis enregistrez."
    )
    note = postal_code_note(form["recherche"].value, found) if isinstance(found, Commune) else None
    if note:
        notice += f" Attention : {note}."
    return _render_profile(shown, slug, rows, complete, trouvee=notice)


def _new_slug(form: Form, answer: steps.ProfileAnswer) -> str | None:
    wanted = form["dossier"].value.strip() or answer.body.get("nom") or ""
    target = slugify(str(wanted))
    if web_context().workspace.is_taken(target) and not _created_here(target):
        form.error(
            "dossier",
            f"un dossier « {target} » existe déjà dans votre espace de travail : ouvrez-le "
            "depuis l'accueil, ou donnez un autre nom de dossier",
        )
        return None
    return target


_CREATED = "dossiers_crees"


def _created_here(slug: str) -> bool:
    """Whether this browser created the dossier (its session remembers the names)."""
    return slug in session.get(_CREATED, [])


def _remember_created(slug: str) -> None:
    created = list(session.get(_CREATED, []))
    if slug not in created:
        session[_CREATED] = [*created, slug][-50:]


def _save_profile(
    form: Form,
    answer: steps.ProfileAnswer,
    target: str,
    data: dict[str, Any],
    complete: bool,
    rows: int,
) -> ResponseReturnValue:
    context = web_context()
    slug = target if complete or _created_here(target) else None
    if complete:
        data["collectivite"] = answer.body
        data["version_catalogue"] = context.catalog.version
        data = steps.prune_options(data, context.catalog)
        answers, problems = parse.answer_problems(data, context.catalog)
        form.place(problems, answer.paths)
        if answers is None or form.has_errors:
            return _render_profile(form, slug, rows, complete, status=422)
        context.workspace.save(target, answers)
        flash("Votre collectivité est enregistrée.")
    else:
        problems = steps.collectivity_problems(answer.body)
        form.place(problems, answer.paths)
        if form.has_errors:
            return _render_profile(form, slug, rows, complete, status=422)
        context.workspace.save_draft(target, {"collectivite": parse.plain(answer.body)})
        flash("Votre collectivité est enregistrée. Décrivez maintenant votre projet.")
    for note in identity_notes(answer.body):
        flash(f"Attention : {note}")
    _remember_created(target)
    return _redirect("web.projet", slug=target)


def _render_profile(
    form: Form,
    slug: str | None,
    rows: int,
    complete: bool,
    status: int = 200,
    adding: bool = False,
    trouvee: str = "",
) -> ResponseReturnValue:
    page = _render(
        "profil.html",
        form=form,
        slug=slug,
        etape="profil",
        complet=complete,
        lignes=rows,
        ajout=adding,
        trouvee=trouvee,
    )
    return page if status == 200 else (page, status)


# -- step 2: the project and the level -----------------------------------------------------------


@blueprint.route("/dossiers/<slug>/projet", methods=["GET", "POST"])
def projet(slug: str) -> ResponseReturnValue:
    """Step 2: creation or redesign, the target level (the five explained), the dates."""
    context = web_context()
    _, data, complete = _state(slug)
    if not data.get("collectivite"):
        return _redirect("web.profil", slug=slug)
    form = steps.project_form(context.catalog, data)
    if request.method == "GET":
        form.fill(steps.project_values(data, context.catalog))
        problem = steps.launch_problem(data, context.catalog)
        if problem:
            form.error("lancement", problem.split(" : ", 1)[1])
        return _render_project(form, slug, complete)
    form.bind(request.form)
    answer = steps.read_project(form, context.catalog, data)
    if not form.has_errors:
        data["version_catalogue"] = context.catalog.version
        data["projet"] = answer.project
        data["faits"] = answer.facts
        if answer.contract:
            data["marche"] = answer.contract
        else:
            data.pop("marche", None)
        data.setdefault("options", {"retenues": [], "exclues": []})
        data = steps.prune_options(data, context.catalog)
        answers, problems = parse.answer_problems(data, context.catalog)
        form.place(problems, answer.paths)
        if answers is not None and not form.has_errors:
            context.workspace.save(slug, answers)
            flash("Votre projet est enregistré. Choisissez maintenant les options.")
            return _redirect("web.options", slug=slug)
    return _render_project(form, slug, complete), 422


def _render_project(form: Form, slug: str, complete: bool) -> str:
    facts = [form[f"fait-{fact.id}"] for fact in web_context().catalog.meta.facts]
    contract = [form[key] for key in steps.CONTRACT_FIELDS if key in form]
    return _render(
        "projet.html",
        form=form,
        slug=slug,
        etape="projet",
        complet=complete,
        faits=facts,
        marche=contract,
    )


# -- step 3: options --------------------------------------------------------------------------------


@blueprint.route("/dossiers/<slug>/options", methods=["GET", "POST"])
def options(slug: str) -> ResponseReturnValue:
    """Step 3: the options offered in each section, with their costs; removable recommendations."""
    context = web_context()
    data = _complete_state(slug)
    # Answers made with an older catalogue are brought up to date by saving a step, as when
    # the terminal wizard is run again on them.
    data["version_catalogue"] = context.catalog.version
    base = steps.base_selection(data, context.catalog)
    if base is None:
        flash("Le dossier est à corriger avant de choisir les options.")
        return _redirect("web.recapitulatif", slug=slug)
    sections = steps.options_sections(base, data)
    form = steps.options_form(sections)
    if request.method == "GET":
        form.fill(steps.options_values(data))
        return _render_options(form, slug, sections)
    form.bind(request.form)
    answer = steps.read_options(form, sections, (data.get("options") or {}).get("fermes", []))
    if not form.has_errors:
        data["options"] = answer.options
        data["version_catalogue"] = context.catalog.version
        answers, problems = parse.answer_problems(data, context.catalog)
        form.place(problems, answer.paths)
        if answers is not None and not form.has_errors:
            selection = select(context.catalog, answers)
            steps.place_conflicts(form, selection.conflicts)
            if not form.has_errors:
                context.workspace.save(slug, answers)
                flash("Vos options sont enregistrées.")
                return _redirect("web.champs", slug=slug)
    return _render_options(form, slug, sections), 422


def _render_options(form: Form, slug: str, sections: list[steps.OptionSection]) -> str:
    return _render(
        "options.html", form=form, slug=slug, etape="options", complet=True, sections=sections
    )


# -- step 4: the placeholders -----------------------------------------------------------------------


@blueprint.route("/dossiers/<slug>/champs", methods=["GET", "POST"])
def champs(slug: str) -> ResponseReturnValue:
    """Step 4: the values the clauses are personalised with."""
    context = web_context()
    data = _complete_state(slug)
    data["version_catalogue"] = context.catalog.version
    answers, problems = parse.answer_problems(data, context.catalog)
    if answers is None or problems:
        return _redirect("web.recapitulatif", slug=slug)
    selection = select(context.catalog, answers)
    groups = steps.values_groups(selection)
    form = steps.values_form(selection, data)
    if request.method == "POST":
        form.bind(request.form)
        answer = steps.read_values(form, selection, data)
        if not form.has_errors:
            data["valeurs"] = answer.values
            data.pop("marche", None)
            if answer.contract:
                data["marche"] = answer.contract
            data["version_catalogue"] = context.catalog.version
            answers, problems = parse.answer_problems(data, context.catalog)
            form.place(problems, answer.paths)
            if answers is not None and not form.has_errors:
                context.workspace.save(slug, answers)
                flash("Les champs sont enregistrés. Voici le récapitulatif de votre dossier.")
                return _redirect("web.recapitulatif", slug=slug)
        page = _render_values(form, slug, groups)
        return page, 422
    return _render_values(form, slug, groups)


def _render_values(form: Form, slug: str, groups: list[steps.ValueGroup]) -> str:
    return _render(
        "champs.html", form=form, slug=slug, etape="champs", complet=True, groupes=groups
    )


# -- step 5: the review ------------------------------------------------------------------------------


@blueprint.get("/dossiers/<slug>/")
def recapitulatif(slug: str) -> ResponseReturnValue:
    """The review: clauses, estimate, procedure, eligibility and subsidy; the documents."""
    context = web_context()
    folder = _folder(slug)
    if not (folder / ANSWERS_FILE).is_file():
        return _redirect("web.projet", slug=slug)
    try:
        answers, located = load_answers(folder)
    except ValidationFailed as error:
        return _render(
            "illisible.html",
            slug=slug,
            dossier=folder,
            problemes=[p.format() for p in error.problems],
        ), 422
    _launch_first(slug, steps.answers_data(answers))
    problems = check_answers(answers, context.catalog, located)
    from webpass.dossier.opening import build_dossier

    opened = None if problems else build_dossier(context.catalog, answers, folder, located=located)
    return _render(
        "recapitulatif.html",
        slug=slug,
        etape="recapitulatif",
        complet=True,
        answers=answers,
        catalog=context.catalog,
        problemes=[p.message for p in problems],
        r=review_data(opened) if opened else None,
        dossier=folder,
        dce=dce_available(),
    )


# -- documents ----------------------------------------------------------------------------------------


def _opened(slug: str) -> Dossier:
    from webpass.dossier.opening import open_dossier

    return open_dossier(_folder(slug), web_context().catalog_dir)


@blueprint.get("/dossiers/<slug>/cctp.<fmt>")
def cctp(slug: str, fmt: str) -> ResponseReturnValue:
    """The CCTP in PDF, DOCX or HTML, generated as ``webpass generer`` does."""
    from webpass.render.dispatch import generate

    if fmt not in _CCTP_TYPES:
        abort(404)

    def make() -> Prepared:
        opened = _opened(slug)
        with tempfile.TemporaryDirectory(prefix="webpass-cctp-") as scratch:
            written = generate(opened.selection, [fmt], Path(scratch), web_context().templates_dir)
            return Prepared(written[0].path.read_bytes(), written[0].path.name)

    title = f"CCTP en {fmt.upper()}"
    return serve_prepared(
        _document_key(slug, f"cctp.{fmt}"), make, _CCTP_TYPES[fmt], title, _back(slug)
    )


def _document_key(slug: str, kind: str) -> str:
    """The key of a document of dossier ``slug``: its answers, the catalogue, the templates."""
    from webpass.core.files import read_bytes
    from webpass.render.html import template_search_path

    context = web_context()
    folder = _folder(slug)
    answers = read_bytes(folder / ANSWERS_FILE, root=folder, max_bytes=5_000_000)
    folders = [context.catalog.root, *template_search_path(context.templates_dir)]
    return document_key(kind, answers, folders)


def _back(slug: str) -> str:
    return url_for("web.recapitulatif", slug=slug)


@blueprint.get("/dossiers/<slug>/grille.<fmt>")
def grille(slug: str, fmt: str) -> BaseResponse:
    """The bidders' response grid, as ``webpass grille`` writes it."""
    from webpass.grid.build import build_grid
    from webpass.grid.export import export_grid

    if fmt not in _GRID_TYPES:
        abort(404)
    grid = build_grid(_opened(slug).selection)
    return _download(export_grid(grid, fmt), grid_name(grid.buyer, fmt), _GRID_TYPES[fmt])


@blueprint.get("/dossiers/<slug>/dce.zip")
def dce(slug: str) -> ResponseReturnValue:
    """The consultation bundle, as ``webpass dce`` writes it."""
    if not dce_available():
        abort(404)
    from webpass.documents.dce import build_dce

    def make() -> Prepared:
        opened = _opened(slug)
        data, _ = build_dce(opened.selection, web_context().templates_dir)
        return Prepared(data, dce_name(opened.answers.collectivity.name))

    title = "Dossier de consultation (DCE)"
    return serve_prepared(_document_key(slug, "dce"), make, "application/zip", title, _back(slug))


def _download(data: bytes, name: str, mimetype: str) -> BaseResponse:
    return send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0
    )


# -- checking a bid -----------------------------------------------------------------------------------


@blueprint.route("/verifier", methods=["GET", "POST"])
def verifier_seul() -> ResponseReturnValue:
    """Check a filled grid on its own (a bidder checking its offer before submitting it)."""
    return _check(None)


@blueprint.route("/dossiers/<slug>/verifier", methods=["GET", "POST"])
def verifier(slug: str) -> ResponseReturnValue:
    """Check a bidder's filled grid against the dossier's exact requirements."""
    return _check(slug)


def _offer_form() -> Form:
    form = Form()
    form.add(
        Field(
            "offre",
            "Grille de réponse remplie par le candidat",
            kind="file",
            hint="Fichier .xlsx, .csv, .yaml ou .json de 10 Mo au plus, tel que le candidat l'a "
            "rendu. Il n'est pas conservé : seul le rapport s'affiche.",
            accept=",".join(_OFFER_SUFFIXES),
            required=True,
        )
    )
    return form


def _check(slug: str | None) -> ResponseReturnValue:
    from webpass.grid.read import read_filled_grid
    from webpass.grid.report import SEVERITY_LABELS, findings_heading
    from webpass.grid.verify import verify_offer

    context = web_context()
    if slug is not None:
        _folder(slug)
    form = _offer_form()
    report = None
    subsidy = None
    if request.method == "POST":
        upload = request.files.get("offre")
        original = (upload.filename or "") if upload else ""
        shown = PurePosixPath(original.replace("\\", "/")).name[:120]
        suffix = PurePosixPath(shown).suffix.lower()
        if upload is None or not original:
            form.error("offre", "choisissez le fichier de la grille remplie par le candidat")
        elif suffix not in _OFFER_SUFFIXES:
            form.error(
                "offre",
                f"« {shown or original[:120]} » n'est pas une grille de réponse : un fichier "
                ".xlsx, .csv, .yaml ou .json est attendu",
            )
        else:
            opened = _opened(slug) if slug is not None else None
            with tempfile.TemporaryDirectory(prefix="webpass-offre-") as scratch:
                # The bidder's file name is only shown, never used as a path.
                path = Path(scratch) / f"offre{suffix}"
                upload.save(path)
                try:
                    offer = read_filled_grid(path)
                except UnreadableFileError as error:
                    form.error("offre", f"fichier illisible : {error.reason}")
                except WebpassError as error:
                    form.error("offre", error.message.replace(str(path), shown))
                else:
                    offer.source = shown
                    selection = opened.selection if opened is not None else None
                    report = verify_offer(offer, selection, context.catalog.root)
                    if opened is not None:
                        subsidy = _offer_subsidy(opened.selection, offer)
    status = 422 if form.has_errors else 200
    page = _render(
        "verifier.html",
        form=form,
        slug=slug,
        complet=slug is not None,
        report=report,
        gravites=SEVERITY_LABELS,
        constats=findings_heading,
        subvention=subsidy,
    )
    return page if status == 200 else (page, status)


def _offer_subsidy(selection: Selection, offer: Any) -> Any:
    from webpass.aid import load_subsidy_rules
    from webpass.aid.attach import offer_lines, subsidy_for_lines

    lines = offer_lines(selection, offer)
    if not lines:
        return None
    return subsidy_for_lines(selection, lines, load_subsidy_rules(selection.catalog.root))


# -- the subsidy --------------------------------------------------------------------------------------


@blueprint.route("/dossiers/<slug>/subvention", methods=["GET", "POST"])
def subvention(slug: str) -> ResponseReturnValue:
    """The subsidy of the dossier: on its estimate, or on amounts typed in to simulate."""
    from webpass.aid import ExpenseLine

    opened = _opened(slug)
    selection = opened.selection
    form = Form()
    form.add(
        Field(
            "investissement",
            "Dépenses d'investissement, en euros HT",
            hint="Réalisation, conception, reprise des contenus : seules ces dépenses comptent "
            "pour la subvention ; la formation est une dépense de fonctionnement.",
            width="moyen",
            required=True,
        ),
        Field(
            "fonctionnement",
            "Dépenses de fonctionnement sur toute la durée du marché, en euros HT",
            hint="Hébergement, maintenance, abonnements : elles ne sont pas subventionnées ; "
            "facultatif.",
            width="moyen",
        ),
    )
    estimate = _estimate_by_nature(selection)
    simulated = False
    lines = None
    if request.method == "POST":
        form.bind(request.form)
        investment = form.parse("investissement", parse.amount)
        operating = form.parse("fonctionnement", parse.optional_amount)
        if not form.has_errors:
            lines = [
                ExpenseLine("Investissement (montant saisi)", investment, CostNature.INVESTMENT)
            ]
            if operating:
                lines.append(
                    ExpenseLine("Fonctionnement (montant saisi)", operating, CostNature.OPERATING)
                )
            simulated = True
    else:
        form.fill({k: steps.amount_text(v) for k, v in estimate.items()})
    data = subsidy_page_data(selection, lines)
    status = 422 if form.has_errors else 200
    page = _render(
        "subvention.html",
        form=form,
        slug=slug,
        complet=True,
        answers=opened.answers,
        simule=simulated,
        s=data,
    )
    return page if status == 200 else (page, status)


def _estimate_by_nature(selection: Selection) -> dict[str, Any]:
    from decimal import Decimal

    from webpass.aid.attach import estimate_lines

    totals = {"investissement": Decimal(0), "fonctionnement": Decimal(0)}
    for line in estimate_lines(selection):
        key = "investissement" if line.nature is CostNature.INVESTMENT else "fonctionnement"
        totals[key] += line.amount
    return totals


@blueprint.route("/subvention", methods=["GET", "POST"])
def subvention_seule() -> ResponseReturnValue:
    """The subsidy of an amount, as ``webpass subvention MONTANT`` computes it."""
    import datetime as dt

    from webpass.aid import ExpenseLine, compute_subsidy, load_subsidy_rules

    context = web_context()
    form = Form()
    form.add(
        Field(
            "montant",
            "Montant des dépenses d'investissement, en euros HT",
            hint="Par exemple 30 000. Tout le montant compte comme investissement ; "
            "l'éligibilité du projet n'est pas vérifiée ici.",
            width="moyen",
            required=True,
        ),
        Field(
            "profil",
            "Qui porte le projet ?",
            kind="radio",
            choices=[
                Choice("commune", "Une commune seule"),
                Choice("groupement", "Un groupement (projet intercommunal mutualisé)"),
            ],
            value="commune",
        ),
        Field(
            "date",
            "Date dont les règles s'appliquent",
            hint="Au format JJ/MM/AAAA ; laissé vide, les règles d'aujourd'hui s'appliquent.",
            width="moyen",
        ),
    )
    result = None
    if request.method == "POST":
        form.bind(request.form)
        amount = form.parse("montant", parse.amount)
        profile = form.parse("profil", parse.choice({"commune": "", "groupement": ""}))
        on = form.parse("date", parse.optional_date)
        if not form.has_errors:
            rules = load_subsidy_rules(context.catalog.root)
            line = ExpenseLine("Montant du projet (saisi)", amount, CostNature.INVESTMENT)
            try:
                result = compute_subsidy([line], profile, on or dt.date.today(), rules)
            except WebpassError as error:
                form.error("date", error.message)
    status = 422 if form.has_errors else 200
    page = _render("subvention_seule.html", form=form, result=result)
    return page if status == 200 else (page, status)
