"""Apply a schema plan: ``migrate(client, models=None, *, allow_breaking=False)``, ``rollback``.

Safe operations are applied in place. Breaking ones (a data type or tokenization
change, a new index on existing data, a different vectorizer, a removed property, an
immutable setting) need ``allow_breaking=True`` and run as a **shadow-collection
migration** per affected collection:

1. ``Name_vN`` (N: the next free version) is created from the model; on the first
   migration of ``Name``, ``Name_v1`` is also created as an exact copy of the current
   collection (Weaviate cannot rename a collection, and an alias cannot share a
   collection's name, so the original must go and its data is kept in ``Name_v1``).
2. The source's shards are set read-only, and every object is copied in one pass
   with the cursor iterator into batched writes: properties (converted where the data
   type changed), ids, and the vectors that stay valid (same vectorizer settings and
   unchanged source properties; the others are left out so the server re-vectorizes).
   References follow in a second pass, re-targeted at the new versions.
3. Counts are verified per collection and tenant. On any failure every collection
   created so far is deleted and the source is made writable again: nothing changed.
4. The switch: the first time, ``Name`` is deleted and the alias ``Name`` ->
   ``Name_v2`` created; later, the alias is pointed at the new version. Old versions
   stay for :func:`rollback`.

Collections whose references point into a migrated collection are migrated in the
same run (Weaviate refuses references to an alias, so their reference properties must
name the new version).
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from weavorm.errors import MigrationError, SchemaError, WeavormError
from weavorm.schema._build import collection_config, create_all, resolve_models
from weavorm.schema._copy import (
    CopyReport,
    Destination,
    copy_objects,
    copy_references,
    plan_destination,
)
from weavorm.schema._diff import diff_schema
from weavorm.schema._live import (
    VERSION_RE,
    LiveSchema,
    is_reference,
    prop_key,
    require_sync_client,
    version_name,
)
from weavorm.schema._plan import Operation, Plan

if TYPE_CHECKING:
    from weavorm.engine import WeaviateClient
    from weavorm.odm.model import Model

__all__ = ["migrate", "rollback"]

_IN_PLACE_UPDATES = ("add_named_vector", "update_config", "update_description")
_SHARDING_KEYS = ("virtualPerPhysical", "desiredCount")


def _set_path(target: dict[str, Any], path: Sequence[str], value: Any) -> None:
    node = target
    for key in path[:-1]:
        node = node.setdefault(key, {})
    last = path[-1]
    if isinstance(value, Mapping) and isinstance(node.get(last), Mapping):
        node[last] = {**node[last], **copy.deepcopy(dict(value))}
    else:
        node[last] = copy.deepcopy(value)


def _apply_update(class_json: dict[str, Any], op: Operation) -> None:
    payload = op.payload
    if op.kind == "add_named_vector":
        class_json.setdefault("vectorConfig", {})[payload["vector"]] = copy.deepcopy(
            dict(payload["config"])
        )
    for path, value in payload.get("set", ()):
        _set_path(class_json, path, value)
    if "module" in payload:
        prefix, module, settings = payload["module"]
        modules = dict(class_json.get("moduleConfig") or {})
        current = modules.get(module) or {}
        for key in [k for k in modules if k.startswith(prefix)]:
            del modules[key]
        modules[module] = {**current, **copy.deepcopy(dict(settings))}
        class_json["moduleConfig"] = modules
    if "description" in payload:
        class_json["description"] = payload["description"]
    if "property_description" in payload:
        name, text = payload["property_description"]
        for prop in class_json.get("properties") or []:
            if prop_key(prop["name"]) == prop_key(name):
                prop["description"] = text


def _apply_safe(client: WeaviateClient, live: LiveSchema, ops: Sequence[Operation]) -> None:
    """Apply property additions, config updates and index drops (no references)."""
    for name in dict.fromkeys(op.collection for op in ops):
        mine = [op for op in ops if op.collection == name]
        real = live.resolve(name) or name
        handle = client.collections.get(real)
        for op in mine:
            if op.kind == "add_property":
                handle.config.add_property_dict(dict(op.payload["property"]))
        updates = [op for op in mine if op.kind in _IN_PLACE_UPDATES]
        if updates:
            class_json = handle.config.get_dict()
            for op in updates:
                _apply_update(class_json, op)
            handle.config.update_dict(class_json)
        for op in mine:
            if op.kind == "drop_index":
                client.raw.request(
                    "DELETE",
                    f"/v1/schema/{real}/properties/{op.target}/index/{op.payload['index']}",
                )


def _add_references(
    client: WeaviateClient, models: Mapping[str, type[Model]], ops: Sequence[Operation]
) -> None:
    """Add reference properties, with targets resolved against the schema as it is now."""
    if not ops:
        return
    live = LiveSchema.read(client)
    for op in ops:
        model = models[op.collection]
        full = live.resolve_targets(collection_config(model))
        prop = next(
            p
            for p in full.get("properties") or []
            if prop_key(p["name"]) == prop_key(op.target or "")
        )
        real = live.resolve(op.collection) or op.collection
        client.collections.get(real).config.add_property_dict(prop)


@dataclass
class _Shadow:
    """One collection being copied to a new version."""

    model: type[Model]
    name: str
    source: str
    source_json: dict[str, Any]
    first: bool
    new: str
    old: str | None
    tenants: list[str | None] = field(default_factory=lambda: [None])
    destinations: list[Destination] = field(default_factory=list)


def _next_versions(live: LiveSchema, name: str, first: bool) -> tuple[str | None, str]:
    taken = set(live.versions(name))
    current = live.aliases.get(name)
    match = VERSION_RE.match(current) if current else None
    if match is not None:
        taken.add(int(match.group("n")))
    number = max(taken, default=0) + 1
    if first:
        return version_name(name, number), version_name(name, number + 1)
    return None, version_name(name, number)


def _tenants(client: WeaviateClient, real: str, class_json: Mapping[str, Any]) -> list[str | None]:
    if not (class_json.get("multiTenancyConfig") or {}).get("enabled"):
        return [None]
    tenants = client.collections.get(real).tenants.get()
    inactive = [
        n
        for n, t in tenants.items()
        if str(getattr(t.activity_status, "value", t.activity_status)) not in ("ACTIVE", "HOT")
    ]
    if inactive:
        raise MigrationError(
            f"{real}: tenants {', '.join(sorted(inactive))} are not active; activate them "
            "(collection.tenants.activate([...])) before migrating"
        )
    names: list[str | None] = [*sorted(tenants)]
    return names


def _old_copy_json(source: Mapping[str, Any], name: str) -> dict[str, Any]:
    out = copy.deepcopy(dict(source))
    out["class"] = name
    mt = (out.get("multiTenancyConfig") or {}).get("enabled")
    sharding = out.pop("shardingConfig", None) or {}
    if not mt:
        out["shardingConfig"] = {k: sharding[k] for k in _SHARDING_KEYS if k in sharding}
    replication = dict(out.get("replicationConfig") or {})
    replication.pop("asyncEnabled", None)
    if replication:
        out["replicationConfig"] = replication
    return out


def _retarget(class_json: dict[str, Any], mapping: Mapping[str, str]) -> None:
    for prop in class_json.get("properties") or []:
        if is_reference(prop):
            prop["dataType"] = [mapping.get(t, t) for t in prop["dataType"]]


class _Run:
    """The shadow-collection migration of a set of collections."""

    def __init__(
        self,
        client: WeaviateClient,
        live: LiveSchema,
        *,
        batch_size: int,
        converters: Mapping[str, Callable[[Any], Any]] | None,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.client = client
        self.live = live
        self.batch_size = batch_size
        self.converters = converters
        self.progress = progress
        self.created: list[str] = []
        self.readonly: list[str] = []
        self.shadows: list[_Shadow] = []

    def say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    def prepare(self, models: Sequence[type[Model]]) -> None:
        for model in models:
            name = model.collection_name()
            real = self.live.resolve(name)
            if real is None:  # pragma: no cover - diff reports these as create ops
                continue
            first = name not in self.live.aliases
            old, new = _next_versions(self.live, name, first)
            source_json = self.live.classes[real]
            self.shadows.append(
                _Shadow(
                    model=model,
                    name=name,
                    source=real,
                    source_json=source_json,
                    first=first,
                    new=new,
                    old=old,
                    tenants=_tenants(self.client, real, source_json),
                )
            )

    def create(self) -> None:
        new_names = {s.source: s.new for s in self.shadows}
        old_names = {s.source: s.old or s.source for s in self.shadows}
        jobs: list[tuple[_Shadow, dict[str, Any], bool]] = []
        for shadow in self.shadows:
            target = collection_config(shadow.model)
            target["class"] = shadow.new
            for prop in target.get("properties") or []:
                if is_reference(prop):
                    reals = [self.live.resolve(t) or t for t in prop["dataType"]]
                    prop["dataType"] = [new_names.get(r, r) for r in reals]
            jobs.append((shadow, target, False))
            if shadow.old is not None:
                old = _old_copy_json(shadow.source_json, shadow.old)
                _retarget(old, old_names)
                jobs.append((shadow, old, True))
        for shadow, class_json, _ in jobs:
            body = copy.deepcopy(class_json)
            body["properties"] = [p for p in body.get("properties") or [] if not is_reference(p)]
            self.say(f"creating {body['class']}")
            self.client.collections.create_from_dict(body)
            self.created.append(str(body["class"]))
            names = [t for t in shadow.tenants if t is not None]
            if names:
                self.client.collections.get(body["class"]).tenants.create(names)
        for shadow, class_json, is_old in jobs:
            handle = self.client.collections.get(class_json["class"])
            for prop in class_json.get("properties") or []:
                if is_reference(prop):
                    handle.config.add_property_dict(prop)
            shadow.destinations.append(
                plan_destination(
                    shadow.source_json,
                    class_json,
                    collection=shadow.name,
                    target_names=old_names if is_old else new_names,
                    converters=None if is_old else self.converters,
                    keep_all_vectors=is_old,
                )
            )

    def copy(self) -> CopyReport:
        report = CopyReport()
        for shadow in self.shadows:
            if shadow.tenants == [None]:
                self.client.collections.get(shadow.source).config.update_shards("READONLY")
                self.readonly.append(shadow.source)
        for shadow in self.shadows:
            self.say(f"copying {shadow.name} ({shadow.source}) -> {shadow.new}")
            sub = CopyReport()
            copy_objects(
                self.client,
                shadow.source,
                shadow.source_json,
                shadow.destinations,
                collection=shadow.name,
                tenants=shadow.tenants,
                batch_size=self.batch_size,
                report=sub,
                progress=self.progress,
            )
            self.verify(shadow, sub)
            report.objects.update(sub.objects)
        for shadow in self.shadows:
            copy_references(
                self.client,
                shadow.source,
                shadow.source_json,
                shadow.destinations,
                tenants=shadow.tenants,
                batch_size=self.batch_size,
                report=report,
            )
        return report

    def verify(self, shadow: _Shadow, report: CopyReport) -> None:
        for tenant in shadow.tenants:
            where = f" (tenant {tenant})" if tenant else ""
            source = self.client.collections.get(shadow.source).with_tenant(tenant).length()
            read = report.source.get(tenant, 0)
            if source != read:
                raise MigrationError(
                    f"{shadow.name}{where}: {read} objects were read but the source has "
                    f"{source}; were objects written during the migration?"
                )
            for dest in shadow.destinations:
                count = self.client.collections.get(dest.name).with_tenant(tenant).length()
                written = report.objects.get((dest.name, tenant), 0)
                if count != source or written != source:
                    raise MigrationError(
                        f"{shadow.name}{where}: the source has {source} objects but "
                        f"{dest.name} has {count} ({written} written); nothing was changed"
                    )
            self.say(f"{shadow.name}{where}: {source} objects verified")

    def switch(self) -> dict[str, str]:
        done: dict[str, str] = {}
        for shadow in self.shadows:
            if shadow.first:
                self.client.collections.delete(shadow.source)
                self.readonly = [r for r in self.readonly if r != shadow.source]
                try:
                    self.client.aliases.create(shadow.name, shadow.new)
                except WeavormError as exc:
                    raise MigrationError(
                        f"{shadow.name} was copied to {shadow.new} (and its old data to "
                        f"{shadow.old}) and the original deleted, but the alias could not be "
                        f"created: {exc}. Create it with "
                        f"client.aliases.create({shadow.name!r}, {shadow.new!r})"
                    ) from exc
            else:
                self.client.aliases.update(shadow.name, shadow.new)
            done[shadow.name] = shadow.new
            self.say(f"{shadow.name} -> {shadow.new}")
        self.release()
        return done

    def release(self) -> None:
        for name in self.readonly:
            with contextlib.suppress(WeavormError):
                self.client.collections.get(name).config.update_shards("READY")
        self.readonly = []

    def undo(self) -> None:
        self.release()
        for name in reversed(self.created):
            with contextlib.suppress(WeavormError):
                self.client.collections.delete(name)
        self.created = []


def _refusal(plan: Plan) -> str:
    lines = "\n".join(f"  {op}" for op in plan.breaking)
    return (
        f"{len(plan.breaking)} breaking change(s) need a shadow-collection migration "
        "(every object is copied into a new version of the collection):\n"
        f"{lines}\n"
        "Review them, then run migrate(..., allow_breaking=True) "
        "(CLI: weavorm schema migrate --allow-breaking)."
    )


def migrate(
    client: WeaviateClient,
    models: Sequence[type[Model]] | None = None,
    *,
    allow_breaking: bool = False,
    batch_size: int = 1000,
    converters: Mapping[str, Callable[[Any], Any]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Plan:
    """Bring the live schema in line with the models.

    Safe operations (new collections, properties, references and named vectors,
    mutable settings, dropped indexes) are applied in place. Breaking operations
    raise :class:`~weavorm.errors.MigrationError` listing them, unless
    ``allow_breaking=True``: then each affected collection goes through a
    shadow-collection migration (see the module documentation).

    Args:
        client: A connected client.
        models: The models (default: every registered model).
        allow_breaking: Run shadow-collection migrations for breaking changes.
        batch_size: Objects per page read and per batch written.
        converters: ``"Collection.property"`` -> function converting a stored value
            for a data type change the built-in conversions do not cover (int <->
            number, scalar <-> text, scalar -> array, one-element array -> scalar).
        progress: Called with a line of text at each step (for a CLI).

    Returns:
        The plan that was applied; ``plan.migrated`` maps each collection that went
        through a shadow migration to the version its alias now points at.

    Raises:
        MigrationError: breaking changes without ``allow_breaking``, or a shadow
            migration failed (everything it created is removed again).
        SchemaError: a model cannot be expressed as a collection.
    """
    require_sync_client(client, "migrate")
    if batch_size < 1:
        raise MigrationError(f"batch_size must be at least 1, got {batch_size}")
    chosen = resolve_models(models)
    by_name = {m.collection_name(): m for m in chosen}
    live = LiveSchema.read(client)
    plan = diff_schema(chosen, live)
    if not plan:
        return plan
    if plan.breaking and not allow_breaking:
        raise MigrationError(_refusal(plan))
    blocked = [op for op in plan.operations if op.kind == "inbound_references"]
    if blocked:
        raise MigrationError(
            "cannot migrate: other collections reference the collections to copy:\n"
            + "\n".join(f"  {op}" for op in blocked)
        )
    moving = list(dict.fromkeys(op.collection for op in plan.breaking))
    stay = [op for op in plan.operations if op.collection not in moving]
    new_models = [by_name[op.collection] for op in stay if op.kind == "create_collection"]
    for model in new_models:
        client.collections.create_from_dict(
            live.resolve_targets(collection_config(model, include_references=False))
        )
    _apply_safe(
        client,
        live,
        [op for op in stay if op.kind not in ("create_collection", "add_reference")],
    )
    if moving:
        run = _Run(
            client,
            LiveSchema.read(client),
            batch_size=batch_size,
            converters=converters,
            progress=progress,
        )
        try:
            run.prepare([by_name[name] for name in moving])
            run.create()
            run.copy()
        except MigrationError:
            run.undo()
            raise
        except WeavormError as exc:
            run.undo()
            raise MigrationError(
                f"the migration of {', '.join(moving)} failed and was undone: {exc}"
            ) from exc
        plan.migrated.update(run.switch())
    if new_models:
        create_all(client, new_models)
    _add_references(client, by_name, [op for op in stay if op.kind == "add_reference"])
    return plan


def rollback(
    client: WeaviateClient,
    collection_name: str,
    *,
    discard_newer: bool = False,
    batch_size: int = 500,
) -> str:
    """Point the alias ``collection_name`` back at the previous version.

    After a shadow migration the alias ``Article`` points at ``Article_v2`` and the
    old data is kept in ``Article_v1``; ``rollback(client, "Article")`` points the
    alias at ``Article_v1`` again. Objects written through the alias since the
    migration (ids missing in ``Article_v1``, or values that differ there) are first
    carried back into ``Article_v1``, converted to its schema, with their references,
    so a later ``migrate`` (which copies from ``Article_v1``) loses none of them.
    Fields the previous version does not have are left out of the carried objects
    (they stay in ``Article_v2``). Newer versions are kept (``migrate`` would pick
    the next free version number), so a rollback can itself be undone with
    ``client.aliases.update``.

    Args:
        client: A connected client.
        collection_name: The collection (alias) name, e.g. ``"Article"``.
        discard_newer: Roll back even when the newer writes cannot be carried back
            (a value with no conversion to the previous schema); they stay in the
            newer version only.
        batch_size: Objects per page when comparing and carrying back.

    Returns:
        The collection the alias points at now.

    Raises:
        SchemaError: the name is not an alias made by a migration, or there is no
            earlier version.
        MigrationError: objects written since the migration cannot be carried back
            (the message gives their number; nothing was changed), unless
            ``discard_newer=True``.
    """
    from weavorm.schema._rollback import carry_back

    live = LiveSchema.read(client)
    current = live.aliases.get(collection_name)
    if current is None:
        hint = (
            "it is a plain collection"
            if collection_name in live.classes
            else "there is no such collection or alias"
        )
        raise SchemaError(
            f"cannot roll back {collection_name!r}: {hint}; only a collection that went "
            "through a shadow migration (alias -> Name_vN) can be rolled back"
        )
    match = VERSION_RE.match(current)
    versions = live.versions(collection_name)
    number = int(match.group("n")) if match is not None else None
    older = [n for n in versions if number is None or n < number]
    if not older:
        raise SchemaError(
            f"cannot roll back {collection_name!r}: it points at {current} and there is no "
            f"earlier version (versions: {', '.join(versions.values()) or 'none'})"
        )
    previous = versions[max(older)]
    try:
        carry_back(client, collection_name, current, previous, batch_size=batch_size)
    except MigrationError:
        if not discard_newer:
            raise
    client.aliases.update(collection_name, previous)
    return previous
