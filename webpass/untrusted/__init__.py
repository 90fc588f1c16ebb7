"""The gates for input webpass did not write: YAML, spreadsheets and templates.

Every file or text from a user, a region or a bidder passes through one of these modules before it
becomes Python data, so the defences (sizes, nesting, aliases, sandboxing) live in one place.
"""
