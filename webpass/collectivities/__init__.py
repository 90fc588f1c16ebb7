"""The collectivities webpass knows: the State's list of communes and EPCI, and how to find one."""

from webpass.collectivities.lookup import (
    NotInReference,
    find_collectivity,
    find_commune,
    find_epci,
    looks_like_code,
)
from webpass.collectivities.reference import (
    Commune,
    Department,
    Epci,
    EpciKind,
    Reference,
    Source,
    load_reference,
)

__all__ = [
    "Commune",
    "Department",
    "Epci",
    "EpciKind",
    "NotInReference",
    "Reference",
    "Source",
    "find_collectivity",
    "find_commune",
    "find_epci",
    "load_reference",
    "looks_like_code",
]
