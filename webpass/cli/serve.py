"""``webpass serve``: the wizard as a local web application, in the browser."""

from __future__ import annotations

from pathlib import Path

import click

from webpass.cli.options import catalogue_option, templates_option


@click.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port d'écoute (0 : un port libre au hasard).",
)
@click.option(
    "--hote",
    default="127.0.0.1",
    show_default=True,
    help="Adresse d'écoute. Par défaut, seul cet ordinateur peut ouvrir l'assistant ; une "
    "autre adresse l'ouvre au réseau, sans mot de passe.",
)
@click.option(
    "--espace",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("webpass-espace"),
    show_default=True,
    help="Dossier où sont enregistrés les dossiers (créé s'il n'existe pas).",
)
@templates_option
@click.option("--ouvrir", is_flag=True, help="Ouvrir l'assistant dans le navigateur.")
@catalogue_option
def serve(
    port: int,
    hote: str,
    espace: Path,
    modeles: Path | None,
    ouvrir: bool,
    catalogue_dir: Path | None,
) -> None:
    """Ouvre l'assistant webpass dans le navigateur (application web locale).

    Les dossiers créés dans le navigateur sont les mêmes que ceux de « webpass nouveau » : un
    dossier par collectivité dans l'espace de travail, avec son fichier webpass.yaml. Ctrl-C
    arrête le serveur.
    """
    from webpass.web.server import browser_address, is_loopback, make_app_server

    server, _ = make_app_server(hote, port, espace, catalogue_dir, modeles)
    address = browser_address(hote, server.port)
    click.echo(f"Assistant webpass ouvert à l'adresse {address}")
    click.echo(f"Dossiers enregistrés dans {espace.resolve()}")
    if not is_loopback(hote):
        click.echo(
            "Attention : l'assistant est accessible depuis le réseau, sans mot de passe.", err=True
        )
    click.echo("Ctrl-C pour arrêter.")
    if ouvrir:
        import webbrowser

        webbrowser.open(address)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("\nAssistant arrêté. Vos dossiers sont enregistrés.")
    finally:
        server.server_close()
