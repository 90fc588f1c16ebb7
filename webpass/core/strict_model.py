"""The base of every model that validates a file a person wrote or a program sent us."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["StrictModel"]


class StrictModel(BaseModel):
    """Strict, frozen, unknown keys forbidden; French aliases accepted as well as field names.

    Strict types keep YAML's surprises out (``no`` read as a boolean, ``1:30`` as a number);
    forbidding unknown keys turns a typo into an error with its line instead of a silently
    ignored field.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)
