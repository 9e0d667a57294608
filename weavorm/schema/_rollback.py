"""Carrying writes back on ``rollback``: nothing written since a migration is lost.

After a shadow migration the alias ``Name`` points at ``Name_vN`` and objects written
through it land there. Rolling back points the alias at ``Name_v(N-1)`` again; a later
``migrate`` copies from that version. Objects created or changed in ``Name_vN`` since
the migration would therefore vanish from the next version. :func:`carry_back` finds
them (an object is carried when its id is missing in the previous version or its
values, converted to the previous schema, differ there) and writes them, with their
references, into the previous version before the alias moves.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from weavorm.errors import MigrationError
from weavorm.schema._convert import normalize
from weavorm.schema._copy import (
    Destination,
    _chunks,
    _object,
    _references,
    _return_properties,
    _write,
    plan_destination,
)
from weavorm.schema._live import is_reference

if TYPE_CHECKING:
    from weavorm.engine import WeaviateClient
    from weavorm.engine.results import Object

__all__ = ["carry_back"]


def _tenants(client: WeaviateClient, name: str, class_json: Mapping[str, Any]) -> list[Any]:
    if not (class_json.get("multiTenancyConfig") or {}).get("enabled"):
        return [None]
    return sorted(client.collections.get(name).tenants.get())


def _differs(converted: Mapping[str, Any], stored: Object | None, dest: Destination) -> bool:
    if stored is None:
        return True
    have = {
        dst: normalize(stored.properties[dst])
        for _, dst, _ in dest.properties
        if stored.properties.get(dst) is not None
    }
    return dict(converted) != have


def carry_back(
    client: WeaviateClient,
    collection: str,
    current: str,
    previous: str,
    *,
    batch_size: int = 500,
) -> int:
    """Write objects of ``current`` that ``previous`` lacks (or holds otherwise) into it.

    A first pass only compares; when something cannot be carried back nothing is
    written. A second pass (only when there is something to carry) writes.

    Args:
        client: A connected client.
        collection: The public (alias) name, for messages.
        current: The version the alias points at now.
        previous: The version it is rolled back to.
        batch_size: Objects per page and write.

    Returns:
        How many objects were carried back.

    Raises:
        MigrationError: such objects exist but values cannot be converted back to the
            previous schema (the message gives their number and the first reason;
            nothing was written), or the server refused them.
    """
    schema = client.collections.list_dicts()
    cur_json, prev_json = schema[current], schema[previous]
    try:
        dest = plan_destination(
            cur_json, prev_json, collection=collection, target_names={current: previous}
        )
        problem: str | None = None
    except MigrationError as exc:  # reported only if something needs carrying
        dest, problem = Destination(name=previous), str(exc)
    carriable = 0
    failures: list[str] = []
    for _, _, objects, failed in _scan(client, cur_json, prev_json, dest, problem, batch_size):
        carriable += len(objects)
        failures.extend(failed)
    if failures:
        raise MigrationError(
            f"cannot roll back {collection!r}: {len(failures)} object(s) written to {current} "
            f"since the migration cannot be carried back to {previous} ({carriable} others "
            f"could); nothing was changed. First: {failures[0]}. Pass discard_newer=True to "
            f"roll back anyway (those objects stay in {current} only)"
        )
    if not carriable:
        return 0
    ref_props = [
        p
        for p in cur_json.get("properties") or []
        if is_reference(p) and any(r[0] == p["name"] for r in dest.references)
    ]
    carried = 0
    for src, dst, objects, _ in _scan(client, cur_json, prev_json, dest, None, batch_size):
        if not objects:
            continue
        carried += _write(dst, objects, what=previous)
        _carry_references(src, dst, dest, ref_props, [o.uuid for o in objects])
    return carried


def _scan(
    client: WeaviateClient,
    cur_json: Mapping[str, Any],
    prev_json: Mapping[str, Any],
    dest: Destination,
    problem: str | None,
    batch_size: int,
) -> Iterator[tuple[Any, Any, list[Any], list[str]]]:
    """Per page of the newer version: the objects to carry, and the reasons some cannot."""
    from weavorm.engine.filters import Filter

    current, previous = str(cur_json["class"]), str(prev_json["class"])
    spec = _return_properties(cur_json)
    prev_spec = _return_properties(prev_json)
    for tenant in _tenants(client, current, cur_json):
        src = client.collections.get(current).with_tenant(tenant)
        dst = client.collections.get(previous).with_tenant(tenant)
        pages = src.query.iterator(
            include_vector=True, return_properties=spec, cache_size=batch_size
        )
        for chunk in _chunks(iter(pages), batch_size):
            found = dst.query.fetch_objects(
                filters=Filter.by_id().contains_any([o.uuid for o in chunk]),
                limit=len(chunk),
                return_properties=prev_spec,
            )
            stored = {o.uuid: o for o in found.objects}
            objects: list[Any] = []
            failed: list[str] = []
            for obj in chunk:
                if problem is not None:
                    if obj.uuid not in stored:
                        failed.append(f"object {obj.uuid}: {problem}")
                    continue
                try:
                    converted = _object(obj, dest, str(cur_json["class"]))
                except MigrationError as exc:
                    failed.append(str(exc))
                    continue
                if _differs(converted.properties or {}, stored.get(obj.uuid), dest):
                    objects.append(converted)
            yield src, dst, objects, failed


def _carry_references(
    src: Any,
    dst: Any,
    dest: Destination,
    ref_props: Sequence[Mapping[str, Any]],
    ids: list[Any],
) -> None:
    """Re-add the references of the carried objects (a batch write replaced them)."""
    from weavorm.engine.filters import Filter
    from weavorm.engine.options import QueryReference
    from weavorm.engine.types import DataReference

    for prop in ref_props:
        name = str(prop["name"])
        targets = list(prop.get("dataType") or [])
        for target in targets:
            query = (
                QueryReference.multi_target(name, target, return_properties=[])
                if len(targets) > 1
                else QueryReference(name, return_properties=[])
            )
            found = src.query.fetch_objects(
                filters=Filter.by_id().contains_any(ids),
                limit=len(ids),
                return_properties=[],
                return_references=query,
            )
            refs = _references(found.objects, name, str(target), dest, DataReference)
            if not refs:
                continue
            result = dst.data.reference_add_many(refs)
            if result.errors:
                first = [e.message for e in list(result.errors.values())[:3]]
                raise MigrationError(
                    f"{len(result.errors)} references could not be carried back to "
                    f"{dest.name}.{name}:\n  " + "\n  ".join(first)
                )
