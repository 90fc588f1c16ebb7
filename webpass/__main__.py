"""``python -m webpass`` runs the command line."""

from webpass.cli import main

if __name__ == "__main__":
    main()
