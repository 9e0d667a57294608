"""Schema from models: class JSON, create/drop, diff, migrate, inspect."""

from weavorm.schema._build import collection_config, create_all, drop_all

__all__ = ["collection_config", "create_all", "drop_all"]
