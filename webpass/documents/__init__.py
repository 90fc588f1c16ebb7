"""The pieces of the consultation as document models: CCTP, RC, RAO, and the DCE bundle.

Builders turn a selection (or a comparison) into plain data; :mod:`webpass.render` typesets it.
French typography lives here because every document uses it.
"""
