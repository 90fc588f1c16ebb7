"""Foundations every layer uses: errors and exit codes, atomic writes, money, file names, shipped
resources, reproducible archives, the strict model base, schemas, located validation, provenance.

Nothing here knows about dossiers or documents; submodules are imported where used.
"""
