"""The ODM: models, fields, references, managers, QuerySets, lookups, sessions."""

from weavorm.odm.aggregates import (
    Avg,
    Count,
    Max,
    Median,
    Min,
    Mode,
    PercentageTrue,
    Sum,
    TopOccurrences,
)
from weavorm.odm.binding import configure
from weavorm.odm.fields import Field
from weavorm.odm.lookups import Lookup, register_lookup
from weavorm.odm.manager import Manager
from weavorm.odm.model import Model, SearchMeta
from weavorm.odm.q import Q
from weavorm.odm.queryset import GenerateResult, ModelGroup, QuerySet
from weavorm.odm.refs import Ref, Refs
from weavorm.odm.types import Blob, GeoCoordinate, PhoneNumber

__all__ = [
    "Avg",
    "Blob",
    "Count",
    "Field",
    "GenerateResult",
    "GeoCoordinate",
    "Lookup",
    "Manager",
    "Max",
    "Median",
    "Min",
    "Mode",
    "Model",
    "ModelGroup",
    "PercentageTrue",
    "PhoneNumber",
    "Q",
    "QuerySet",
    "Ref",
    "Refs",
    "SearchMeta",
    "Sum",
    "TopOccurrences",
    "configure",
    "register_lookup",
]
