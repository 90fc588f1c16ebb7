"""Kept so that code written against it before the dispatcher still imports; use
:mod:`webpass.render.dispatch`, the one place documents are rendered."""

from __future__ import annotations

from webpass.render.dispatch import render_document, write_document

__all__ = ["render_document", "write_document"]
