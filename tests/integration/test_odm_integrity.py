"""Issue 10 (ODM half): nothing silently lost or cut short, every misuse a typed error."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterator
from typing import Literal

import pytest
from pydantic import BaseModel

import weavorm
from weavorm import AsyncSession, Field, Model, Ref, Refs, Session, errors
from weavorm.config import Vectorizer, Vectors
from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.odm.types import GeoCoordinate, PhoneNumber
from weavorm.schema import collection_config, create_all

pytestmark = pytest.mark.integration


class IntTag(BaseModel):
    label: str
    weight: int = 0


class IntTarget(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class IntEvery(Model):
    """One field of every kind the session tracks."""

    title: str = Field("", tokenization="field")
    count: int = 0
    ratio: float = 0.0
    flag: bool = False
    when: dt.datetime | None = None
    ident: uuid.UUID | None = None
    tags: list[str] = Field(default_factory=list)
    numbers: list[int] = Field(default_factory=list)
    main: IntTag | None = None
    extra: list[IntTag] = Field(default_factory=list)
    place: GeoCoordinate | None = None
    phone: PhoneNumber | None = None
    one: Ref[IntTarget] | None = None
    many: Refs[IntTarget] = Field(default_factory=list)

    class Meta:
        vectorizer = Vectorizer.none()


class IntNamed(Model):
    title: str = Field("", tokenization="field")

    class Meta:
        vectors = (Vectors.self_provided("a"), Vectors.self_provided("b"))


class Status(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class IntTicket(Model):
    status: Status = Status.OPEN
    kind: Literal["bug", "feature request"] = "bug"
    kinds: list[Status] = Field(default_factory=list)

    class Meta:
        vectorizer = Vectorizer.none()


class IntAddress(BaseModel):
    city: str
    street: str = "unknown"


class IntFlat(Model):
    name: str = Field("anonymous", tokenization="field")
    count: int = 7
    note: str | None = None
    tags: list[str] = Field(default_factory=list)

    class Meta:
        vectorizer = Vectorizer.none()
        collection = "IntMissing"


class IntFlatRequired(Model):
    name: str
    count: int = 7

    class Meta:
        vectorizer = Vectorizer.none()
        collection = "IntMissing"


class IntFlatOptional(Model):
    name: str | None
    count: int = 7

    class Meta:
        vectorizer = Vectorizer.none()
        collection = "IntMissing"


class IntNested(Model):
    name: str = "anonymous"
    home: IntAddress | None = None
    visits: list[IntAddress] = Field(default_factory=list)

    class Meta:
        vectorizer = Vectorizer.none()
        collection = "IntNestedMissing"


class IntNestedRequired(Model):
    name: str = "anonymous"
    home: IntAddress

    class Meta:
        vectorizer = Vectorizer.none()
        collection = "IntNestedMissing"


MODELS = [IntTarget, IntEvery, IntNamed, IntTicket, IntFlat, IntNested]


@pytest.fixture
def db(weaviate_client: WeaviateClient) -> Iterator[WeaviateClient]:
    create_all(weaviate_client, MODELS)
    weavorm.configure(weaviate_client)
    yield weaviate_client
    weavorm.configure(None)


def _every(targets: list[IntTarget]) -> IntEvery:
    return IntEvery(
        title="before",
        count=1,
        ratio=0.5,
        flag=True,
        when=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
        ident=uuid.UUID(int=1),
        tags=["a", "b"],
        numbers=[1, 2],
        main=IntTag(label="m", weight=1),
        extra=[IntTag(label="x"), IntTag(label="y", weight=2)],
        place=GeoCoordinate(latitude=52.5, longitude=13.4),
        phone=PhoneNumber(number="030 1234567", default_country="DE"),
        one=targets[0],
        many=[targets[0], targets[1]],
        vector=[0.1, 0.2, 0.3],
    )


def test_rollback_restores_every_field_kind(db: WeaviateClient) -> None:
    targets = [IntTarget(name=n, vector=[1.0, 0.0, 0.0]) for n in ("t0", "t1", "t2")]
    with Session(db) as s:
        s.add_all(targets)
        s.add(_every(targets))
        s.add(IntNamed(title="n", vectors={"a": [1.0, 0.0], "b": [0.0, 1.0]}))
        s.commit()
    with Session(db) as s:
        obj = s.query(IntEvery).with_vector().get(title="before")
        named = s.query(IntNamed).with_vector().get(title="n")
        before = obj.model_dump()
        before_named = named.model_dump()
        one_id, many_ids = obj.one.id if obj.one else None, [r.id for r in obj.many]
        # change every field, in place where the value is mutable, by assignment otherwise
        obj.title = "after"
        obj.count = 2
        obj.ratio = 1.5
        obj.flag = False
        obj.when = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
        obj.ident = uuid.UUID(int=2)
        obj.tags.append("c")
        obj.numbers[0] = 99
        assert obj.main is not None
        obj.main.weight = 42
        obj.extra[0].label = "changed"
        obj.extra.append(IntTag(label="z"))
        obj.place = GeoCoordinate(latitude=0.0, longitude=0.0)
        obj.phone = None
        obj.one = Ref(targets[2].id, collection="IntTarget")
        obj.many.append(Ref(targets[2].id, collection="IntTarget"))
        assert obj.vector is not None
        obj.vector[0] = 9.0
        named.vectors["a"][0] = 5.0
        named.vectors["b"] = [7.0, 7.0]
        assert [id(o) for o in s.dirty] == [id(obj), id(named)]
        s.rollback()
        assert s.dirty == []
        assert obj.model_dump() == before
        assert named.model_dump() == before_named
        assert obj.one is not None and obj.one.id == one_id
        assert [r.id for r in obj.many] == many_ids
        assert isinstance(obj.tags, list) and isinstance(obj.extra[0], IntTag)
        # the restored values are live copies: changing them again is seen again
        obj.tags.append("again")
        assert s.dirty == [obj]
        s.rollback()
        assert obj.tags == ["a", "b"]
        # a rolled-back object is not written by the next commit
        s.commit()
    stored = IntEvery.objects.with_vector().get(title="before")
    assert stored.tags == ["a", "b"] and stored.numbers == [1, 2]
    assert stored.extra[0].label == "x" and stored.vector == pytest.approx([0.1, 0.2, 0.3])


def test_rollback_undeletes_and_drops_pending(db: WeaviateClient) -> None:
    IntFlat.objects.create(name="kept", tags=["x"])
    with Session(db) as s:
        kept = s.query(IntFlat).get(name="kept")
        s.delete(kept)
        kept.tags.append("y")
        new = IntFlat(name="new")
        s.add(new)
        s.rollback()
        assert s.deleted == [] and s.new == [] and s.dirty == []
        assert kept.tags == ["x"]
        s.commit()
    assert sorted(o.name for o in IntFlat.objects.all()) == ["kept"]


def test_refresh_copies_search_metadata_sync_and_async(
    db: WeaviateClient, async_weaviate_client: AsyncWeaviateClient
) -> None:
    import asyncio

    made = IntFlat.objects.create(name="fresh")
    with Session(db) as s:
        obj = s.query(IntFlat).get(name="fresh")
        obj.name = "local"
        s.refresh(obj)
        assert obj.name == "fresh" and s.dirty == []
        assert obj.meta.creation_time is not None

    async def go() -> None:
        async with AsyncSession(async_weaviate_client) as s:
            obj = IntFlat(id=made.id, name="local")
            s.add(obj)  # pending: refresh still reloads it from the server
            await s.refresh(obj)
            assert obj.name == "fresh"
            assert obj.meta.creation_time is not None
            assert obj.meta.last_update_time is not None

    asyncio.run(go())


def test_enum_and_literal_fields_filter_on_whole_values(db: WeaviateClient) -> None:
    props = {p["name"]: p for p in collection_config(IntTicket)["properties"]}
    assert props["status"]["tokenization"] == "field"
    assert props["kinds"]["tokenization"] == "field"
    stored = {p["name"]: p for p in db.collections.export_dict("IntTicket")["properties"]}
    assert stored["kind"]["tokenization"] == "field"
    IntTicket.objects.create(status=Status.OPEN, kind="feature request")
    IntTicket.objects.create(status=Status.CLOSED, kind="bug", kinds=[Status.OPEN])
    assert IntTicket.objects.filter(status=Status.OPEN).count() == 1
    assert IntTicket.objects.filter(status__in=[Status.OPEN, Status.CLOSED]).count() == 2
    assert IntTicket.objects.filter(kind="feature request").count() == 1
    assert IntTicket.objects.filter(kind="feature").count() == 0  # whole values, not words
    assert IntTicket.objects.filter(kinds__contains_any=[Status.OPEN]).count() == 1


def test_lookup_error_label_is_not_doubled() -> None:
    class IntWordy(Model):
        text: str = Field("", tokenization="word")

        class Meta:
            vectorizer = Vectorizer.none()
            collection = "IntWordy"

    with pytest.raises(errors.QueryError) as info:
        IntWordy.objects.filter(text__in=["a"]).explain()
    assert str(info.value).startswith("text__in:") and "__in__in" not in str(info.value)
    with pytest.raises(errors.QueryError) as info:
        IntWordy.objects.filter(text__gt="a").explain()
    assert str(info.value).startswith("text__gt:")


def test_queryset_index_misuse_is_typed(db: WeaviateClient) -> None:
    IntFlat.objects.create(name="only")
    qs = IntFlat.objects.all()
    for bad in ("a", 1.5, None, True, (1, 2)):
        with pytest.raises(errors.QueryError, match="allowed"):
            qs[bad]  # type: ignore[index]
    for bad_slice in (slice(-1, None), slice(None, -2), slice(0, 5, 2), slice("a", 2)):
        with pytest.raises(errors.QueryError):
            qs[bad_slice]
    with pytest.raises(errors.QueryError, match="order_by"):
        qs[-1]
    assert qs[0].name == "only"
    assert [o.name for o in qs[0:5]] == ["only"]
    with pytest.raises(IndexError):
        qs[3]


def _insert_raw(db: WeaviateClient, collection: str, props: dict[str, object]) -> uuid.UUID:
    return db.collections.get(collection).data.insert(props)


def test_missing_stored_fields_take_defaults_or_raise_typed(db: WeaviateClient) -> None:
    empty = _insert_raw(db, "IntMissing", {})
    got = IntFlat.objects.get(id=empty)
    assert (got.name, got.count, got.note, got.tags) == ("anonymous", 7, None, [])
    with pytest.raises(errors.StoredObjectError) as info:
        IntFlatRequired.objects.get(id=empty)
    assert info.value.collection == "IntMissing" and info.value.object_id == empty
    assert info.value.field == "name"
    assert "IntMissing" in str(info.value) and str(empty) in str(info.value)
    assert "name" in str(info.value)
    assert IntFlatOptional.objects.get(id=empty).name is None
    # a session loading such an object sees the defaults and nothing dirty
    with Session(db) as s:
        loaded = s.get(IntFlat, empty)
        assert loaded is not None and loaded.count == 7 and s.dirty == []


def test_missing_nested_fields_take_defaults_or_raise_typed(db: WeaviateClient) -> None:
    no_street = _insert_raw(
        db, "IntNestedMissing", {"home": {"city": "Oslo"}, "visits": [{"city": "Rome"}]}
    )
    got = IntNested.objects.get(id=no_street)
    assert got.name == "anonymous"
    assert got.home == IntAddress(city="Oslo", street="unknown")
    assert got.visits == [IntAddress(city="Rome", street="unknown")]
    no_city = _insert_raw(db, "IntNestedMissing", {"home": {"street": "Main"}})
    with pytest.raises(errors.StoredObjectError) as info:
        IntNested.objects.get(id=no_city)
    assert info.value.field == "home.city" and str(no_city) in str(info.value)
    no_home = _insert_raw(db, "IntNestedMissing", {"name": "x"})
    with pytest.raises(errors.StoredObjectError) as info:
        IntNestedRequired.objects.get(id=no_home)
    assert info.value.field == "home" and "IntNestedMissing" in str(info.value)
    assert IntNested.objects.get(id=no_home).home is None
