"""Renderers: the same document model written as HTML, PDF (WeasyPrint) and DOCX (python-docx)."""
