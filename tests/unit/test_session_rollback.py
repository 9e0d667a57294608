"""Session.rollback restores every field kind (pure, no server)."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel

from weavorm import Field, Model, Ref, Refs, Session
from weavorm.config import Vectorizer, Vectors
from weavorm.odm.types import GeoCoordinate, PhoneNumber


class RbPart(BaseModel):
    label: str
    size: int = 0


class RbTarget(Model):
    name: str = ""

    class Meta:
        vectorizer = Vectorizer.none()


class RbAll(Model):
    text: str = ""
    number: int = 0
    ratio: float = 0.0
    flag: bool = False
    when: dt.datetime | None = None
    ident: uuid.UUID | None = None
    tags: list[str] = Field(default_factory=list)
    numbers: list[int] = Field(default_factory=list)
    labels: set[str] = Field(default_factory=set)
    pair: tuple[int, ...] = ()
    part: RbPart | None = None
    parts: list[RbPart] = Field(default_factory=list)
    place: GeoCoordinate | None = None
    phone: PhoneNumber | None = None
    one: Ref[RbTarget] | None = None
    many: Refs[RbTarget] = Field(default_factory=list)

    class Meta:
        vectorizer = Vectorizer.none()


class RbNamed(Model):
    text: str = ""

    class Meta:
        vectors = (Vectors.self_provided("a"), Vectors.self_provided("b"))


def _loaded() -> tuple[RbAll, RbNamed, list[RbTarget]]:
    targets = [RbTarget(name=f"t{i}") for i in range(3)]
    obj = RbAll(
        text="a",
        number=1,
        ratio=0.5,
        flag=True,
        when=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
        ident=uuid.UUID(int=5),
        tags=["x", "y"],
        numbers=[1, 2],
        labels={"p"},
        pair=(1, 2),
        part=RbPart(label="p"),
        parts=[RbPart(label="q"), RbPart(label="r", size=2)],
        place=GeoCoordinate(latitude=1.0, longitude=2.0),
        phone=PhoneNumber(number="030 1234567", default_country="DE"),
        one=targets[0],
        many=[targets[0], targets[1]],
        vector=[0.1, 0.2],
    )
    named = RbNamed(text="n", vectors={"a": [1.0], "b": [[1.0, 2.0], [3.0, 4.0]]})
    return obj, named, targets


def test_rollback_restores_in_place_and_assigned_changes() -> None:
    obj, named, targets = _loaded()
    s = Session(None)  # type: ignore[arg-type]  # no I/O happens here
    s._weavorm_adopt([obj, named])
    before, before_named = obj.model_dump(), named.model_dump()
    one_obj = obj.one
    obj.text = "b"
    obj.number += 1
    obj.ratio = 9.5
    obj.flag = False
    obj.when = None
    obj.ident = uuid.UUID(int=6)
    obj.tags.append("z")
    obj.numbers.clear()
    obj.labels.add("q")
    obj.pair = (3,)
    assert obj.part is not None
    obj.part.size = 99
    obj.parts[1].label = "changed"
    obj.place = None
    obj.phone = PhoneNumber(number="+44 20 7946 0000")
    obj.one = Ref(targets[2].id, collection="RbTarget")
    obj.many.pop()
    assert obj.vector is not None
    obj.vector.append(0.3)
    named.vectors["a"][0] = 7.0
    named.vectors["b"][1][0] = 0.0
    assert [id(o) for o in s.dirty] == [id(obj), id(named)]
    s.rollback()
    assert s.dirty == []
    assert obj.model_dump() == before and named.model_dump() == before_named
    assert isinstance(obj.labels, set) and isinstance(obj.pair, tuple)
    assert isinstance(obj.tags, list) and isinstance(obj.parts[0], RbPart)
    assert obj.one is not None and obj.one.loaded and obj.one.obj is one_obj.obj  # type: ignore[union-attr]
    assert [r.id for r in obj.many] == [targets[0].id, targets[1].id]
    obj.tags.append("again")  # restored values are live copies, not the snapshot
    assert s.dirty == [obj]
    s.rollback()
    assert obj.tags == ["x", "y"] and s.dirty == []
