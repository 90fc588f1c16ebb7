"""webpass: tender documents for the websites of small French collectivities.

The command line (:mod:`webpass.cli`) is a thin layer over this library; the batch mode and the
tests call the library directly. Heavy dependencies (WeasyPrint, python-docx, openpyxl) are
imported only by the functions that need them.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
