"""Copying every object of a collection into shadow collections (a migration's data step).

One pass over the source with the cursor iterator writes objects (properties and the
vectors that stay valid) to every destination with batched ``insert_many``; a second
pass adds the references with ``reference_add_many``. Weaviate checks that the target
of a reference given inline with an object exists, so references can only follow once
all objects are in place. Memory stays bounded by one page per pass.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from weavorm.errors import MigrationError
from weavorm.schema._convert import ConversionError, Converter, build_converter, normalize
from weavorm.schema._diff import subset
from weavorm.schema._live import is_reference, prop_key

if TYPE_CHECKING:
    from weavorm.engine import WeaviateClient
    from weavorm.engine.collection import Collection
    from weavorm.engine.results import Object

__all__ = ["CopyReport", "Destination", "copy_objects", "plan_destination"]

#: Seconds between "objects copied" progress lines during a copy.
_PROGRESS_EVERY = 2.0

_LEGACY = "default"


@dataclass
class Destination:
    """How the objects of one source collection are written to one new collection.

    Attributes:
        name: The collection written to.
        properties: ``(source name, destination name, converter)`` per copied property.
        references: ``(source name, destination name, targets, multi)`` per copied
            reference: ``targets`` maps a source target collection to the
            destination's (targets the destination does not have are dropped);
            ``multi`` says whether the destination is a multi-target reference.
        vectors: Vector names carried over (``"default"``: the collection-level vector).
        legacy: Whether the destination has a collection-level vector.
    """

    name: str
    properties: list[tuple[str, str, Converter]] = field(default_factory=list)
    references: list[tuple[str, str, dict[str, str], bool]] = field(default_factory=list)
    vectors: set[str] = field(default_factory=set)
    legacy: bool = False


@dataclass
class CopyReport:
    """Objects and references copied, per destination and tenant.

    Attributes:
        objects: ``(destination, tenant)`` -> objects written.
        references: destination -> references written.
        source: tenant -> objects read.
    """

    objects: dict[tuple[str, str | None], int] = field(default_factory=dict)
    references: dict[str, int] = field(default_factory=dict)
    source: dict[str | None, int] = field(default_factory=dict)


def _sources(config: Mapping[str, Any], module: str, props: Sequence[str]) -> set[str]:
    listed = (config.get(module) or {}).get("properties")
    return {prop_key(p) for p in listed} if listed else set(props)


def _vectors(class_json: Mapping[str, Any]) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """Vector name -> (module, settings) of a class JSON."""
    out: dict[str, tuple[str, Mapping[str, Any]]] = {}
    if class_json.get("vectorizer") or class_json.get("vectorIndexType"):
        module = str(class_json.get("vectorizer") or "none")
        out[_LEGACY] = (module, (class_json.get("moduleConfig") or {}).get(module) or {})
    for name, cfg in (class_json.get("vectorConfig") or {}).items():
        vectorizer = cfg.get("vectorizer") or {}
        module = next(iter(vectorizer), "none")
        out[name] = (module, vectorizer.get(module) or {})
    return out


def _changed_properties(source: Mapping[str, Any], dest: Mapping[str, Any]) -> set[str]:
    src = {prop_key(p["name"]): p for p in source.get("properties") or []}
    dst = {prop_key(p["name"]): p for p in dest.get("properties") or []}
    changed = {k for k in src if k not in dst}
    for key, prop in dst.items():
        old = src.get(key)
        if old is None:
            continue
        if old.get("dataType") != prop.get("dataType") or not subset(
            prop.get("nestedProperties") or [], old.get("nestedProperties") or []
        ):
            changed.add(key)
        modules = prop.get("moduleConfig") or {}
        for module, settings in modules.items():
            have = {"skip": False, "vectorizePropertyName": False}
            have.update((old.get("moduleConfig") or {}).get(module) or {})
            if not subset(settings, have):
                changed.add(key)
    return changed


def plan_destination(
    source: Mapping[str, Any],
    dest: Mapping[str, Any],
    *,
    collection: str,
    target_names: Mapping[str, str],
    converters: Mapping[str, Converter] | None = None,
    keep_all_vectors: bool = False,
) -> Destination:
    """Decide how objects of ``source`` are written to ``dest`` (no I/O).

    Args:
        source: The source class JSON.
        dest: The destination class JSON (as created).
        collection: The model's collection name, for messages and ``converters`` keys.
        target_names: Source reference target collection -> destination's.
        converters: ``"Collection.property"`` -> function, for data type changes the
            built-in conversions do not cover.
        keep_all_vectors: Carry every vector (an unchanged copy).

    Raises:
        MigrationError: a property's data type change has no conversion.
    """
    out = Destination(name=str(dest["class"]))
    src_props = {prop_key(p["name"]): p for p in source.get("properties") or []}
    problems: list[str] = []
    for prop in dest.get("properties") or []:
        old = src_props.get(prop_key(prop["name"]))
        if old is None:
            continue
        where = f"{collection}.{prop['name']}"
        if is_reference(prop) != is_reference(old):
            problems.append(f"{where}: a reference and a property cannot be converted")
            continue
        if is_reference(prop):
            targets = list(prop.get("dataType") or [])
            mapping = {
                old_t: target_names.get(old_t, old_t)
                for old_t in old.get("dataType") or []
                if target_names.get(old_t, old_t) in targets
            }
            out.references.append((str(old["name"]), str(prop["name"]), mapping, len(targets) > 1))
            continue
        custom = (converters or {}).get(where)
        if custom is not None:
            out.properties.append((str(old["name"]), str(prop["name"]), custom))
            continue
        try:
            conv = build_converter(old, prop, where)
        except ConversionError as exc:
            problems.append(str(exc))
            continue
        out.properties.append((str(old["name"]), str(prop["name"]), conv))
    if problems:
        raise MigrationError("cannot copy the data:\n  " + "\n  ".join(problems))
    src_vectors = _vectors(source)
    dst_vectors = _vectors(dest)
    out.legacy = _LEGACY in dst_vectors
    changed = _changed_properties(source, dest)
    all_props = [prop_key(p["name"]) for p in source.get("properties") or []]
    for name, (module, settings) in dst_vectors.items():
        if name not in src_vectors:
            continue
        old_module, old_settings = src_vectors[name]
        if keep_all_vectors or (module == "none" and old_module == "none"):
            out.vectors.add(name)
            continue
        if module != old_module or not subset(settings, old_settings):
            continue
        if _sources({module: old_settings}, module, all_props) & changed:
            continue
        out.vectors.add(name)
    return out


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while True:
        chunk = list(islice(items, size))
        if not chunk:
            return
        yield chunk


def _return_properties(class_json: Mapping[str, Any]) -> list[Any]:
    from weavorm.engine.options import QueryNested

    def spec(prop: Mapping[str, Any]) -> Any:
        nested = prop.get("nestedProperties")
        if nested:
            return QueryNested(str(prop["name"]), [spec(n) for n in nested])
        return str(prop["name"])

    return [spec(p) for p in class_json.get("properties") or [] if not is_reference(p)]


def _object(obj: Object, dest: Destination, collection: str) -> Any:
    from weavorm.engine.types import DataObject

    props: dict[str, Any] = {}
    for src_name, dst_name, conv in dest.properties:
        value = obj.properties.get(src_name)
        if value is None:
            continue
        try:
            converted = conv(normalize(value))
        except (ConversionError, ValueError, TypeError) as exc:
            raise MigrationError(
                f"object {obj.uuid} of {collection}: cannot convert {src_name}={value!r} for "
                f"{dest.name}.{dst_name}: {exc}"
            ) from exc
        if converted is not None:
            props[dst_name] = converted
    vector: Any = None
    if dest.legacy and _LEGACY in dest.vectors and _LEGACY in obj.vector:
        vector = obj.vector[_LEGACY]
    elif not dest.legacy:
        named = {k: v for k, v in obj.vector.items() if k in dest.vectors and k != _LEGACY}
        vector = named or None
    return DataObject(properties=props, uuid=obj.uuid, vector=vector)


def _write(handle: Collection, objects: list[Any], *, what: str) -> int:
    result = handle.data.insert_many(objects)
    if result.errors:
        first = [f"{e.object.uuid}: {e.message}" for e in result.failed_objects[:3]]
        raise MigrationError(
            f"{len(result.errors)} of {len(objects)} objects could not be written to {what}:\n  "
            + "\n  ".join(first)
        )
    return len(objects)


def copy_objects(
    client: WeaviateClient,
    source_name: str,
    source_json: Mapping[str, Any],
    destinations: Sequence[Destination],
    *,
    collection: str,
    tenants: Sequence[str | None],
    batch_size: int,
    report: CopyReport,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Copy every object (properties and kept vectors) to each destination.

    Raises:
        MigrationError: a value cannot be converted or the server refused objects.
    """
    spec = _return_properties(source_json)
    for tenant in tenants:
        src = client.collections.get(source_name).with_tenant(tenant)
        handles = [client.collections.get(d.name).with_tenant(tenant) for d in destinations]
        read = 0
        where = f" (tenant {tenant})" if tenant else ""
        total = int(src.aggregate.over_all(total_count=True).total_count or 0)
        said = time.monotonic()
        pages = src.query.iterator(
            include_vector=True, return_properties=spec, cache_size=batch_size
        )
        with ThreadPoolExecutor(max_workers=len(destinations)) as pool:
            for chunk in _chunks(iter(pages), batch_size):
                read += len(chunk)
                batches = [[_object(o, d, collection) for o in chunk] for d in destinations]
                # Each destination is written by its own worker: the server indexes the
                # collections in parallel.
                futures = [
                    pool.submit(_write, handle, objects, what=dest.name)
                    for dest, handle, objects in zip(destinations, handles, batches, strict=True)
                ]
                for dest, future in zip(destinations, futures, strict=True):
                    key = (dest.name, tenant)
                    report.objects[key] = report.objects.get(key, 0) + future.result()
                if progress is not None and time.monotonic() - said >= _PROGRESS_EVERY:
                    said = time.monotonic()
                    progress(f"{collection}{where}: {read}/{max(total, read)} objects copied")
            if progress is not None:
                progress(f"{collection}{where}: {read}/{max(total, read)} objects copied")
        report.source[tenant] = report.source.get(tenant, 0) + read


def copy_references(
    client: WeaviateClient,
    source_name: str,
    source_json: Mapping[str, Any],
    destinations: Sequence[Destination],
    *,
    tenants: Sequence[str | None],
    batch_size: int,
    report: CopyReport,
) -> None:
    """Add the references of every source object to each destination.

    References to objects that no longer exist are not returned by the server's
    reader and are therefore not copied.

    Raises:
        MigrationError: the server refused references.
    """
    from weavorm.engine.options import QueryReference
    from weavorm.engine.types import DataReference

    ref_props = [p for p in source_json.get("properties") or [] if is_reference(p)]
    wanted = {r[0] for d in destinations for r in d.references}
    ref_props = [p for p in ref_props if p["name"] in wanted]
    if not ref_props:
        return
    for tenant in tenants:
        src = client.collections.get(source_name).with_tenant(tenant)
        handles = [client.collections.get(d.name).with_tenant(tenant) for d in destinations]
        for prop in ref_props:
            name = str(prop["name"])
            for target in prop.get("dataType") or []:
                query = (
                    QueryReference.multi_target(name, target, return_properties=[])
                    if len(prop["dataType"]) > 1
                    else QueryReference(name, return_properties=[])
                )
                pages = src.query.iterator(
                    return_properties=[], return_references=query, cache_size=batch_size
                )
                for chunk in _chunks(iter(pages), batch_size):
                    for dest, handle in zip(destinations, handles, strict=True):
                        refs = _references(chunk, name, str(target), dest, DataReference)
                        if not refs:
                            continue
                        result = handle.data.reference_add_many(refs)
                        if result.errors:
                            first = [e.message for e in list(result.errors.values())[:3]]
                            raise MigrationError(
                                f"{len(result.errors)} references could not be written to "
                                f"{dest.name}.{name}:\n  " + "\n  ".join(first)
                            )
                        count = sum(len(r.to_uuid) for r in refs)
                        report.references[dest.name] = report.references.get(dest.name, 0) + count


def _references(
    chunk: Sequence[Object], prop: str, target: str, dest: Destination, make: Any
) -> list[Any]:
    match = next((r for r in dest.references if r[0] == prop), None)
    if match is None:
        return []
    _, dst_name, mapping, multi = match
    mapped = mapping.get(target)
    if mapped is None:
        return []
    target_collection = mapped if multi else None
    out = []
    for obj in chunk:
        cross = obj.references.get(prop)
        if cross is None or not cross.objects:
            continue
        uuids = [o.uuid for o in cross.objects]
        out.append(make(obj.uuid, dst_name, uuids, target_collection))
    return out
