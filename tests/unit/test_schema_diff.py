"""weavorm.schema diff: models against a live schema (pure, no server)."""

from __future__ import annotations

import copy
from typing import Any

import pydantic
import pytest

from weavorm import Field, Model, Refs
from weavorm.config import (
    Generative,
    InvertedIndex,
    MultiTenancy,
    Quantizer,
    Replication,
    Reranker,
    Sharding,
    VectorIndex,
    Vectorizer,
    Vectors,
)
from weavorm.schema import Operation, Plan, collection_config
from weavorm.schema._diff import diff_schema, property_default, same, subset
from weavorm.schema._live import LiveSchema
from weavorm.schema._plan import BREAKING_KINDS, SAFE_KINDS

HNSW: dict[str, Any] = {
    "bq": {"enabled": False},
    "cleanupIntervalSeconds": 300,
    "distance": "cosine",
    "dynamicEfFactor": 8,
    "dynamicEfMax": 500,
    "dynamicEfMin": 100,
    "ef": -1,
    "efConstruction": 128,
    "filterStrategy": "acorn",
    "flatSearchCutoff": 40000,
    "maxConnections": 32,
    "multivector": {"aggregation": "maxSim", "enabled": False},
    "pq": {"enabled": False, "segments": 0, "centroids": 256},
    "rq": {"bits": 8, "centering": False, "enabled": False, "rescoreLimit": 20},
    "skip": False,
    "skipDefaultQuantization": False,
    "sq": {"enabled": False, "rescoreLimit": 20, "trainingLimit": 100000},
    "vectorCacheMaxObjects": 1000000000000,
}
FLAT: dict[str, Any] = {
    "bq": {"enabled": False},
    "distance": "cosine",
    "vectorCacheMaxObjects": 1000000000000,
}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _served_prop(prop: dict[str, Any], *, nested: bool = False) -> dict[str, Any]:
    out = copy.deepcopy(prop)
    data_type = out["dataType"][0]
    if data_type[:1].isupper():
        out.setdefault("indexFilterable", True)
        out.setdefault("indexSearchable", False)
        out.setdefault("indexRangeFilters", False)
        return out
    for key in ("tokenization", "indexFilterable", "indexSearchable", "indexRangeFilters"):
        default = property_default(data_type, key, nested=nested)
        if default is not None:
            out.setdefault(key, default)
    if "nestedProperties" in out:
        out["nestedProperties"] = [_served_prop(p, nested=True) for p in out["nestedProperties"]]
    return out


def _index(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    base = {"hnsw": HNSW, "flat": FLAT}.get(kind, {})
    return _merge(base, config)


def served(class_json: dict[str, Any]) -> dict[str, Any]:
    """The class JSON as Weaviate 1.39 returns it after creating ``class_json``."""
    out = copy.deepcopy(class_json)
    out["properties"] = [_served_prop(p) for p in out.get("properties") or []]
    if "vectorConfig" in out:
        for cfg in out["vectorConfig"].values():
            kind = cfg.get("vectorIndexType") or "hnsw"
            cfg["vectorIndexType"] = kind
            cfg["vectorIndexConfig"] = _index(kind, cfg.get("vectorIndexConfig") or {})
            for module, settings in cfg["vectorizer"].items():
                if module != "none":
                    settings.setdefault("vectorizeClassName", True)
    else:
        out.setdefault("vectorizer", "none")
        kind = out.get("vectorIndexType") or "hnsw"
        out["vectorIndexType"] = kind
        out["vectorIndexConfig"] = _index(kind, out.get("vectorIndexConfig") or {})
    out["invertedIndexConfig"] = _merge(
        {
            "bm25": {"b": 0.75, "k1": 1.2},
            "cleanupIntervalSeconds": 60,
            "stopwords": {"additions": None, "preset": "en", "removals": None},
            "usingBlockMaxWAND": True,
        },
        out.get("invertedIndexConfig") or {},
    )
    out["multiTenancyConfig"] = _merge(
        {"autoTenantActivation": False, "autoTenantCreation": False, "enabled": False},
        out.get("multiTenancyConfig") or {},
    )
    out["replicationConfig"] = _merge(
        {"deletionStrategy": "TimeBasedResolution", "factor": 1, "asyncEnabled": False},
        out.get("replicationConfig") or {},
    )
    out["shardingConfig"] = _merge(
        {"desiredCount": 1, "virtualPerPhysical": 128, "actualCount": 1, "key": "_id"},
        out.get("shardingConfig") or {},
    )
    return out


def live_of(*models: type[Model], aliases: dict[str, str] | None = None) -> LiveSchema:
    """A live schema holding ``models`` as the server would report them."""
    classes = {m.collection_name(): served(collection_config(m)) for m in models}
    return LiveSchema(classes=classes, aliases=dict(aliases or {}))


def kinds(plan: Plan) -> list[tuple[str, bool]]:
    for op in plan.operations:
        assert op.kind in (SAFE_KINDS if op.safe else BREAKING_KINDS), op
    return [(op.kind, op.safe) for op in plan.operations]


# ---------------------------------------------------------------------- helpers


def test_same_and_subset() -> None:
    assert same(1, 1.0)
    assert same(None, [])
    assert same({"a": [1, 2]}, {"a": [1.0, 2]})
    assert not same(True, 1)
    assert subset({"a": 1}, {"a": 1, "b": 2})
    assert not subset({"a": 1, "c": 3}, {"a": 1})
    assert subset({}, None)


def test_property_defaults() -> None:
    assert property_default("text", "tokenization") == "word"
    assert property_default("int", "tokenization") is None
    assert property_default("text[]", "indexSearchable") is True
    assert property_default("int", "indexSearchable") is False
    assert property_default("blob", "indexFilterable", nested=True) is False
    assert property_default("blob", "indexFilterable") is True
    assert property_default("date", "indexRangeFilters") is False


# ---------------------------------------------------------------------- basics


class Address(pydantic.BaseModel):
    city: str
    zip: int | None = None


class DfAuthor(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class DfBook(Model):
    title: str = Field(tokenization="word")
    body: str = Field(index_searchable=False)
    year: int = Field(index_range_filters=True, vectorize=False)
    tags: list[str] = Field(default_factory=list, tokenization="field")
    address: Address | None = None
    author: Refs[DfAuthor] = Field(default_factory=list)

    class Meta:
        vectorizer = Vectorizer.none()
        inverted_index = InvertedIndex(bm25_b=0.7)


def test_served_models_have_no_changes() -> None:
    plan = diff_schema([DfAuthor, DfBook], live_of(DfAuthor, DfBook))
    assert not plan
    assert plan.safe
    assert str(plan) == "no changes"
    assert len(plan) == 0


def test_missing_collection_is_created() -> None:
    plan = diff_schema([DfAuthor, DfBook], live_of(DfAuthor))
    assert kinds(plan) == [("create_collection", True)]
    op = plan.operations[0]
    assert op.collection == "DfBook"
    assert "create collection" in op.detail and "1 reference" in op.detail
    assert plan and plan.safe
    assert str(plan).splitlines()[0] == "1 change:"
    assert "+ DfBook: create collection" in str(plan)


def make_model(collection: str, fields: dict[str, Any], **meta: Any) -> type[Model]:
    """A model class for ``collection`` built at run time (annotation, default) per field.

    The global registry gets the new class; callers re-register the original after.
    """
    namespace: dict[str, Any] = {k: v[1] for k, v in fields.items()}
    namespace["__annotations__"] = {k: v[0] for k, v in fields.items()}
    name = f"{collection}Variant"
    namespace["Meta"] = type(
        "Meta", (), {"collection": collection, "__qualname__": f"{name}.Meta", **meta}
    )
    namespace["__module__"] = __name__
    namespace["__qualname__"] = name
    return type(name, (Model,), namespace)


def _book_fields() -> dict[str, Any]:
    return {
        "title": (str, Field(tokenization="word")),
        "body": (str, Field(index_searchable=False)),
        "year": (int, Field(index_range_filters=True, vectorize=False)),
        "tags": (list[str], Field(default_factory=list, tokenization="field")),
        "address": (Address | None, None),
        "author": (Refs["DfAuthor"], Field(default_factory=list)),
    }


def _meta(**options: Any) -> dict[str, Any]:
    options.setdefault("vectorizer", Vectorizer.none())
    options.setdefault("inverted_index", InvertedIndex(bm25_b=0.7))
    return {k: v for k, v in options.items() if v is not None}


def _book_diff(live_extra: dict[str, Any] | None = None, **changes: Any) -> Plan:
    from weavorm.odm.registry import registry

    fields = _book_fields()
    meta = changes.pop("meta", None) or _meta()
    for key, value in changes.items():
        if value is None:
            fields.pop(key)
        else:
            fields[key] = value
    model = make_model("DfBook", fields, **meta)
    try:
        live = live_of(DfAuthor, DfBook)
        if live_extra:
            live.classes["DfBook"] = _merge(live.classes["DfBook"], live_extra)
        return diff_schema([model], live)
    finally:
        registry.register(DfBook)


def test_added_property_and_reference_are_safe() -> None:
    plan = _book_diff(
        isbn=(str | None, None),
        cites=(Refs["DfAuthor"], Field(default_factory=list)),
    )
    assert kinds(plan) == [("add_property", True), ("add_reference", True)]
    assert plan.operations[0].payload["property"]["dataType"] == ["text"]
    assert plan.operations[1].payload["property"]["dataType"] == ["DfAuthor"]
    assert plan.safe


def test_removed_property_is_breaking() -> None:
    plan = _book_diff(body=None, author=None)
    assert kinds(plan) == [("remove_property", False), ("remove_property", False)]
    assert "remove reference 'author'" in str(plan)
    assert not plan.safe
    assert plan.breaking == plan.operations


def test_data_type_and_tokenization_changes() -> None:
    plan = _book_diff(
        year=(float, Field(index_range_filters=True, vectorize=False)),
        title=(str, Field(tokenization="field")),
    )
    assert ("change_data_type", False) in kinds(plan)
    assert ("change_tokenization", False) in kinds(plan)
    change = next(op for op in plan if op.kind == "change_data_type")
    assert change.payload == {"old": ["int"], "new": ["number"]}
    assert "'int' -> 'number'" in change.detail


def test_index_flags_drop_is_safe_and_build_is_breaking() -> None:
    plan = _book_diff(
        title=(str, Field(tokenization="word", index_filterable=False)),
        body=(str, Field(index_searchable=True)),
    )
    assert kinds(plan) == [("drop_index", True), ("change_index_flag", False)]
    assert plan.operations[0].payload == {"index": "filterable"}
    assert plan.operations[1].payload == {"index": "searchable"}


def test_nested_property_change_is_breaking() -> None:
    class Address2(pydantic.BaseModel):
        city: str
        zip: str | None = None
        street: str | None = None

    plan = _book_diff(address=(Address2 | None, None))
    assert kinds(plan) == [("change_nested_properties", False)]
    assert "add address.street" in plan.operations[0].detail
    assert "address.zip data type 'int' -> 'text'" in plan.operations[0].detail


def test_reference_target_change_is_breaking() -> None:
    plan = _book_diff(author=(Refs["DfBook"], Field(default_factory=list)))
    assert kinds(plan) == [("change_reference_targets", False)]


def test_settings_the_model_leaves_unset_are_not_compared() -> None:
    live_extra = {"vectorIndexConfig": {"ef": 321}, "replicationConfig": {"factor": 3}}
    assert not _book_diff(live_extra)


def test_vector_index_mutable_and_immutable_settings() -> None:
    meta = _meta(vectorizer=Vectorizer.none(vector_index=VectorIndex.hnsw(ef=200)))
    plan = _book_diff(meta=meta)
    assert kinds(plan) == [("update_config", True)]
    assert plan.operations[0].payload["set"] == [(("vectorIndexConfig", "ef"), 200)]
    meta = _meta(
        vectorizer=Vectorizer.none(
            vector_index=VectorIndex.hnsw(max_connections=16, distance="dot")
        )
    )
    plan = _book_diff(meta=meta)
    assert kinds(plan) == [("change_vector_index", False), ("change_vector_index", False)]
    meta = _meta(vectorizer=Vectorizer.none(vector_index=VectorIndex.flat()))
    assert kinds(_book_diff(meta=meta)) == [("change_vector_index", False)]


def test_quantizers() -> None:
    meta = _meta(
        vectorizer=Vectorizer.none(vector_index=VectorIndex.hnsw(quantizer=Quantizer.rq()))
    )
    plan = _book_diff(meta=meta)
    assert kinds(plan) == [("update_config", True)]
    assert "turn on the rq quantizer" in plan.operations[0].detail
    on = {"vectorIndexConfig": {"pq": {"enabled": True}}}
    assert kinds(_book_diff(on, meta=meta)) == [("change_vector_index", False)]
    rq_on = {"vectorIndexConfig": {"rq": {"enabled": True, "bits": 8}}}
    meta = _meta(
        vectorizer=Vectorizer.none(vector_index=VectorIndex.hnsw(quantizer=Quantizer.rq(bits=1)))
    )
    assert kinds(_book_diff(rq_on, meta=meta)) == [("change_vector_index", False)]
    meta = _meta(
        vectorizer=Vectorizer.none(
            vector_index=VectorIndex.hnsw(quantizer=Quantizer.rq(rescore_limit=99))
        )
    )
    assert kinds(_book_diff(rq_on, meta=meta)) == [("update_config", True)]
    meta = _meta(
        vectorizer=Vectorizer.none(vector_index=VectorIndex.hnsw(quantizer=Quantizer.none()))
    )
    assert not _book_diff(meta=meta)
    assert kinds(_book_diff(rq_on, meta=meta)) == [("change_vector_index", False)]


def test_vectorizer_changes() -> None:
    meta = _meta(vectorizer=Vectorizer.text2vec_transformers())
    plan = _book_diff(meta=meta)
    assert ("change_vectorizer", False) in kinds(plan)
    meta = _meta(vectorizer=None, vectors=[Vectors.self_provided("v")])
    plan = _book_diff(meta=meta)
    assert kinds(plan)[0] == ("change_vectorizer", False)
    assert "named vectors" in plan.operations[0].detail


class DfVec(Model):
    title: str = Field(vectorize="tv")
    body: str = ""

    class Meta:
        vectors = (
            Vectors.text2vec_transformers("tv", vector_index=VectorIndex.hnsw(ef=100)),
            Vectors.self_provided("own", vector_index=VectorIndex.flat()),
        )


def _vec_diff(*vectors: Any, live_extra: dict[str, Any] | None = None) -> Plan:
    from weavorm.odm.registry import registry

    fields = {"title": (str, Field(vectorize="tv")), "body": (str, "")}
    model = make_model("DfVec", fields, vectors=list(vectors))
    try:
        live = live_of(DfVec)
        if live_extra:
            live.classes["DfVec"] = _merge(live.classes["DfVec"], live_extra)
        return diff_schema([model], live)
    finally:
        registry.register(DfVec)


def test_named_vectors() -> None:
    tv = Vectors.text2vec_transformers("tv", vector_index=VectorIndex.hnsw(ef=100))
    own = Vectors.self_provided("own", vector_index=VectorIndex.flat())
    assert not _vec_diff(tv, own)
    plan = _vec_diff(tv, own, Vectors.self_provided("extra"))
    assert kinds(plan) == [("add_named_vector", True)]
    assert plan.operations[0].payload["vector"] == "extra"
    assert kinds(_vec_diff(tv)) == [("remove_named_vector", False)]
    changed = Vectors.text2vec_transformers(
        "tv", pooling_strategy="cls", vector_index=VectorIndex.hnsw(ef=100)
    )
    assert kinds(_vec_diff(changed, own)) == [("change_vectorizer", False)]
    other = Vectors.text2vec_ollama("tv", vector_index=VectorIndex.hnsw(ef=100))
    assert ("change_vectorizer", False) in kinds(_vec_diff(other, own))
    tuned = Vectors.text2vec_transformers("tv", vector_index=VectorIndex.hnsw(ef=300))
    plan = _vec_diff(tuned, own)
    assert kinds(plan) == [("update_config", True)]
    assert plan.operations[0].payload["set"] == [
        (("vectorConfig", "tv", "vectorIndexConfig", "ef"), 300)
    ]


def test_inverted_index_settings() -> None:
    meta = _meta(inverted_index=InvertedIndex(bm25_b=0.5, stopwords_additions=["x"]))
    assert kinds(_book_diff(meta=meta)) == [("update_config", True), ("update_config", True)]
    meta = _meta(inverted_index=InvertedIndex(bm25_b=0.7, index_timestamps=True))
    assert kinds(_book_diff(meta=meta)) == [("change_inverted_index", False)]
    # the live collection has null-state indexing the model does not ask for
    live_extra = {"invertedIndexConfig": {"indexNullState": True}}
    assert kinds(_book_diff(live_extra)) == [("change_inverted_index", False)]


def test_collection_settings() -> None:
    meta = _meta(multi_tenancy=MultiTenancy(True))
    assert kinds(_book_diff(meta=meta)) == [("change_multi_tenancy", False)]
    mt_live = {"multiTenancyConfig": {"enabled": True}}
    meta = _meta(multi_tenancy=MultiTenancy(True, auto_tenant_creation=True))
    assert kinds(_book_diff(mt_live, meta=meta)) == [("update_config", True)]
    assert kinds(_book_diff(mt_live)) == [("change_multi_tenancy", False)]
    meta = _meta(replication=Replication(factor=2, deletion_strategy="DeleteOnConflict"))
    assert kinds(_book_diff(meta=meta)) == [("update_config", True), ("update_config", True)]
    meta = _meta(sharding=Sharding(desired_count=2))
    assert kinds(_book_diff(meta=meta)) == [("change_sharding", False)]


def test_generative_and_reranker() -> None:
    meta = _meta(generative=Generative.openai(model="gpt-4o"), reranker=Reranker.transformers())
    plan = _book_diff(meta=meta)
    assert kinds(plan) == [("update_config", True), ("update_config", True)]
    prefix, module, settings = plan.operations[0].payload["module"]
    assert (prefix, module, settings) == ("generative-", "generative-openai", {"model": "gpt-4o"})
    live_extra = {"moduleConfig": {"generative-openai": {"model": "gpt-4o", "x": 1}}}
    meta = _meta(generative=Generative.openai(model="gpt-4o"))
    assert not _book_diff(live_extra, meta=meta)


def test_descriptions() -> None:
    plan = _book_diff(
        title=(str, Field(tokenization="word", description="The title")),
        meta=_meta(description="Books"),
    )
    assert kinds(plan) == [("update_description", True), ("update_description", True)]
    assert plan.operations[0].payload == {"property_description": ("title", "The title")}
    assert plan.operations[1].payload == {"description": "Books"}


# ---------------------------------------------------------------------- aliases and cascades


def test_collection_behind_an_alias_is_compared_through_it() -> None:
    live = live_of(DfAuthor, DfBook)
    book = live.classes.pop("DfBook")
    book["class"] = "DfBook_v2"
    author = live.classes.pop("DfAuthor")
    author["class"] = "DfAuthor_v3"
    live.classes["DfBook_v2"] = book
    live.classes["DfAuthor_v3"] = author
    for prop in book["properties"]:
        if prop["name"] == "author":
            prop["dataType"] = ["DfAuthor_v3"]
    live.aliases = {"DfBook": "DfBook_v2", "DfAuthor": "DfAuthor_v3"}
    assert not diff_schema([DfAuthor, DfBook], live)
    assert live.public_name("DfBook_v2") == "DfBook"
    live.classes["DfBook_v1"] = copy.deepcopy(book)
    assert live.is_old_version("DfBook_v1")
    assert not live.is_old_version("DfBook_v2")
    assert live.versions("DfBook") == {1: "DfBook_v1", 2: "DfBook_v2"}
    assert "DfBook_v1" not in live.current()


def test_references_into_a_copied_collection_cascade() -> None:
    class DfRefOther(Model):
        label: str = ""

        class Meta:
            vectorizer = Vectorizer.none()

    live = live_of(DfAuthor, DfBook, DfRefOther)
    live.classes["DfRefOther"]["properties"].append(
        {"name": "fav", "dataType": ["DfBook"], "indexFilterable": True}
    )

    # DfAuthor gets a breaking change; DfBook references it, DfRefOther does not.
    class DfAuthorV2(Model):
        name: str = Field(tokenization="word")

        class Meta:
            collection = "DfAuthor"
            vectorizer = Vectorizer.none()

    try:
        plan = diff_schema([DfAuthorV2, DfBook], live)
    finally:
        from weavorm.odm.registry import registry

        registry.register(DfAuthor)
    assert kinds(plan) == [
        ("change_tokenization", False),
        ("retarget_references", False),
        ("inbound_references", False),
    ]
    assert plan.operations[1].collection == "DfBook"
    assert plan.operations[2].collection == "DfRefOther"
    assert "no model here" in plan.operations[2].detail


# ---------------------------------------------------------------------- Plan


def test_plan_and_operation_api() -> None:
    ops = [
        Operation("add_property", "A", "add property 'x' (text)", True, "x", {"p": 1}),
        Operation("change_data_type", "B", "change data type of 'y'", False, "y"),
    ]
    plan = Plan(ops)
    assert plan.collections == ["A", "B"]
    assert plan.for_collection("B") == [ops[1]]
    assert list(plan) == ops
    assert not plan.safe
    assert plan.breaking == [ops[1]]
    text = str(plan)
    assert text.splitlines() == [
        "2 changes (1 breaking: needs migrate(..., allow_breaking=True)):",
        "  + A: add property 'x' (text)",
        "  ! B: change data type of 'y' [breaking]",
    ]
    assert Operation("k", "A", "d", True, payload={"a": 1}) == Operation("k", "A", "d", True)
    assert "payload" not in repr(ops[0])


@pytest.mark.parametrize("name", ["Article", "article"])
def test_live_resolution(name: str) -> None:
    live = LiveSchema(
        classes={"Article_v2": {"class": "Article_v2"}}, aliases={"Article": "Article_v2"}
    )
    assert live.resolve(name) == "Article_v2"
    assert live.resolve("Nope") is None
    assert live.alias_for("Article_v2") == "Article"
    resolved = live.resolve_targets(
        {"class": "X", "properties": [{"name": "a", "dataType": ["Article"]}]}
    )
    assert resolved["properties"][0]["dataType"] == ["Article_v2"]
