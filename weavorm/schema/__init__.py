"""Schema from models: class JSON, create/drop, diff, migrate, rollback, inspect."""

from weavorm.schema._async import acreate_all, adiff, adrop_all, amigrate
from weavorm.schema._build import collection_config, create_all, drop_all
from weavorm.schema._diff import diff
from weavorm.schema._inspect import inspect
from weavorm.schema._migrate import migrate, rollback
from weavorm.schema._plan import Operation, Plan

__all__ = [
    "Operation",
    "Plan",
    "acreate_all",
    "adiff",
    "adrop_all",
    "amigrate",
    "collection_config",
    "create_all",
    "diff",
    "drop_all",
    "inspect",
    "migrate",
    "rollback",
]
