"""Models -> Weaviate class JSON; create and drop collections for models."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from weavorm.errors import ConflictError, SchemaError, UnknownDataTypeError, UnprocessableError
from weavorm.odm.mapping import PropertyInfo
from weavorm.odm.registry import registry

if TYPE_CHECKING:
    from weavorm.engine import WeaviateClient
    from weavorm.odm.model import Model

__all__ = ["collection_config", "create_all", "drop_all", "resolve_models"]


def _property(prop: PropertyInfo) -> Any:
    from weavorm.config import Property
    from weavorm.config.vocabulary import TEXT_TYPES, data_type, tokenization

    spec = prop.spec
    nested = [_property(p) for p in prop.nested] if prop.nested else None
    try:
        return Property(
            prop.name,
            data_type(prop.data_type),
            description=spec.description,
            tokenization=tokenization(spec.tokenization)
            if spec.tokenization is not None and prop.data_type in TEXT_TYPES
            else None,
            index_filterable=spec.index_filterable,
            index_searchable=spec.index_searchable,
            index_range_filters=spec.index_range_filters,
            skip_vectorization=spec.skip_vectorization,
            vectorize_property_name=spec.vectorize_property_name,
            nested_properties=nested,
        )
    except UnknownDataTypeError as exc:
        raise UnknownDataTypeError(f"field {prop.attr!r}: {exc}", data_type=exc.data_type) from exc
    except Exception as exc:
        raise SchemaError(f"field {prop.attr!r}: {exc}") from exc


def collection_config(model: type[Model], *, include_references: bool = True) -> dict[str, Any]:
    """The Weaviate class JSON for ``model``.

    Args:
        model: A model class.
        include_references: Include reference properties (``create_all`` adds them in a
            second step so models that reference each other can be created).

    Raises:
        SchemaError: the model cannot be expressed as a collection.
    """
    from weavorm.config import ReferenceProperty, collection_to_dict

    info = model.weavorm_info()
    options = info.options
    properties = [_property(p) for p in info.properties.values()]
    references = []
    if include_references:
        for ref in info.references.values():
            targets = list(ref.target_collections)
            references.append(
                ReferenceProperty(
                    ref.name,
                    targets[0] if len(targets) == 1 else targets,
                    description=ref.description,
                )
            )
    try:
        class_json: dict[str, Any] = collection_to_dict(
            options.collection,
            description=options.description,
            properties=properties,
            references=references,
            vectorizer=options.vectorizer,
            vectors=list(options.vectors) or None,
            generative=options.generative,
            reranker=options.reranker,
            vector_index=options.vector_index,
            inverted_index=options.inverted_index,
            multi_tenancy=options.multi_tenancy,
            replication=options.replication,
            sharding=options.sharding,
        )
    except SchemaError:
        raise
    except Exception as exc:
        raise SchemaError(f"{model.__name__}: {exc}") from exc
    _fill_named_vector_sources(model, class_json)
    return class_json


def _fill_named_vector_sources(model: type[Model], class_json: dict[str, Any]) -> None:
    """Give each named vector the fields declared with ``vectorize="<name>"``."""
    info = model.weavorm_info()
    sources: dict[str, list[str]] = {}
    for prop in info.properties.values():
        for name in prop.spec.named_vectors():
            sources.setdefault(name, []).append(prop.name)
    vector_config = class_json.get("vectorConfig") or {}
    for name in sources:
        if name not in vector_config:
            raise SchemaError(
                f"{model.__name__}: a field is vectorized into {name!r}, but Meta.vectors "
                f"defines only {', '.join(vector_config) or '(none)'}"
            )
    for name, entry in vector_config.items():
        vectorizer = entry.get("vectorizer") or {}
        for module, settings in vectorizer.items():
            if module == "none" or not isinstance(settings, dict):
                continue
            if name in sources and not settings.get("properties"):
                settings["properties"] = sources[name]


def resolve_models(models: Iterable[type[Model]] | None) -> list[type[Model]]:
    """The given models, or every registered one."""
    return list(models) if models is not None else registry.models()


def create_all(client: WeaviateClient, models: Sequence[type[Model]] | None = None) -> list[str]:
    """Create the collections of ``models`` (default: all registered) that do not exist.

    Collections are created without references first, then reference properties are
    added, so models that reference each other (even in cycles) work. A collection
    reached through an alias (after a shadow migration) counts as existing, and
    references to it name the collection the alias points at (Weaviate refuses
    references to an alias).

    Idempotent and safe when several processes call it at once (workers starting
    together): a collection that exists, or that another process creates meanwhile,
    is fine when it matches its model (compared with :func:`~weavorm.schema.diff`'s
    rules); when it differs, :class:`SchemaError` names the differences.

    Returns:
        The names of the collections created (by this call).

    Raises:
        SchemaError: an existing collection differs from its model (run ``diff`` /
            ``migrate``), or a model cannot be expressed as a collection.
    """
    from weavorm.schema._live import LiveSchema, prop_key, require_sync_client

    require_sync_client(client, "create_all")
    chosen = resolve_models(models)
    live = LiveSchema.read(client)
    created: list[str] = []
    for model in chosen:
        name = model.collection_name()
        if live.resolve(name) is not None:
            _check_matches(model, live)
            continue
        class_json = live.resolve_targets(collection_config(model, include_references=False))
        try:
            client.collections.create_from_dict(class_json)
        except (ConflictError, UnprocessableError):
            live = LiveSchema.read(client)  # another process may have created it
            if live.resolve(name) is None:
                raise
            _check_matches(model, live)
            continue
        live.classes[name] = class_json
        created.append(name)
    for model in chosen:
        full = live.resolve_targets(collection_config(model))
        refs = [p for p in full.get("properties", []) if _is_ref(p)]
        if not refs:
            continue
        real = live.resolve(model.collection_name()) or model.collection_name()
        current = client.collections.export_dict(real)
        have = {prop_key(p["name"]) for p in current.get("properties", [])}
        for ref in refs:
            if prop_key(ref["name"]) in have:
                continue
            try:
                client.collections.get(real).config.add_property_dict(ref)
            except (ConflictError, UnprocessableError):
                again = client.collections.export_dict(real)
                if prop_key(ref["name"]) not in {
                    prop_key(p["name"]) for p in again.get("properties", [])
                }:
                    raise
    return created


def _check_matches(model: type[Model], live: Any) -> None:
    """Raise :class:`SchemaError` when the live collection of ``model`` differs from it.

    A reference the collection does not have yet is not a difference: ``create_all``
    adds it.
    """
    from weavorm.schema._diff import compare_collection

    name = model.collection_name()
    real = live.resolve(name)
    expected = live.resolve_targets(collection_config(model))
    ops = [
        op
        for op in compare_collection(name, expected, live.classes[real])
        if op.kind != "add_reference"
    ]
    if ops:
        where = f"{name} (alias of {real})" if real != name else name
        raise SchemaError(
            f"create_all: collection {where} exists and differs from model "
            f"{model.__name__}:\n"
            + "\n".join(f"  {op}" for op in ops)
            + "\nrun weavorm.schema.diff() / migrate() (or `weavorm schema migrate`) to "
            "change it"
        )


def _is_ref(prop: dict[str, Any]) -> bool:
    types = prop.get("dataType") or []
    return bool(types) and all(t[:1].isupper() for t in types)


def drop_all(client: WeaviateClient, models: Sequence[type[Model]] | None = None) -> None:
    """Delete the collections of ``models`` (default: all registered). No undo.

    For a collection behind an alias (after a shadow migration) the alias, the
    collection it points at and every kept version (``Name_v1``, ...) are deleted.
    """
    from weavorm.schema._live import LiveSchema, require_sync_client

    require_sync_client(client, "drop_all")
    live = LiveSchema.read(client)
    for model in resolve_models(models):
        name = model.collection_name()
        if name in live.aliases:
            client.aliases.delete(name)
            client.collections.delete([live.aliases[name], *live.versions(name).values()])
        else:
            client.collections.delete(name)
