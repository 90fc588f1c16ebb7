"""The base of every model that validates a file a person wrote or a program sent us."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["BUILT_ON_FIRST_USE", "StrictModel"]


class StrictModel(BaseModel):
    """Strict, frozen, unknown keys forbidden; French aliases accepted as well as field names.

    Strict types keep YAML's surprises out (``no`` read as a boolean, ``1:30`` as a number);
    forbidding unknown keys turns a typo into an error with its line instead of a silently
    ignored field.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


#: ``model_config`` of the models ``webpass generer`` never validates on their own (only nested in
#: another model, or used by other commands): building their validator at import cost every command
#: start-up time, so it is built at first use instead. The models ``generer`` validates directly keep
#: being built at import, where it is cheaper than a deferred build (measured, issue 24). The other
#: settings are inherited from :class:`StrictModel`.
BUILT_ON_FIRST_USE = ConfigDict(defer_build=True)
