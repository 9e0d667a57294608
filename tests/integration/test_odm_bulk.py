"""Issue 10: ``QuerySet.update()`` / ``delete()`` act on every match past 10,000 objects."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import weavorm
from weavorm import Field, Model, errors
from weavorm.config import Vectorizer
from weavorm.engine import WeaviateClient
from weavorm.engine.types import DataObject
from weavorm.schema import create_all

pytestmark = pytest.mark.integration

BIG = 25_000


class BulkItem(Model):
    group: str = Field(tokenization="field")
    n: int = 0
    flag: bool = False

    class Meta:
        vectorizer = Vectorizer.none()


class BulkHooked(Model):
    n: int = 0

    class Meta:
        vectorizer = Vectorizer.none()

    def pre_delete(self) -> None:
        DELETED.append(self.n)


DELETED: list[int] = []


@pytest.fixture
def db(weaviate_client: WeaviateClient) -> Iterator[WeaviateClient]:
    create_all(weaviate_client, [BulkItem, BulkHooked])
    weavorm.configure(weaviate_client)
    yield weaviate_client
    weavorm.configure(None)


def _insert(db: WeaviateClient, collection: str, rows: list[dict[str, object]]) -> None:
    result = db.collections.get(collection).data.insert_many(
        [DataObject(properties=r) for r in rows]
    )
    assert not result.has_errors


def test_update_and_delete_reach_all_25000_matches(db: WeaviateClient) -> None:
    rows: list[dict[str, object]] = [{"group": "big", "n": i} for i in range(BIG)]
    rows += [{"group": "small", "n": i} for i in range(50)]
    _insert(db, "BulkItem", rows)
    big = BulkItem.objects.filter(group="big")
    assert big.count() == BIG
    assert big.update(flag=True) == BIG  # past 10,000: walks the collection by id
    assert BulkItem.objects.filter(flag=True).count() == BIG
    assert BulkItem.objects.filter(group="small", flag=True).count() == 0
    assert BulkItem.objects.filter(group="small").update(n=7) == 50  # the one-listing path
    assert BulkItem.objects.filter(n=7).count() == 50 + 1
    dry = big.delete(dry_run=True)
    assert dry.matches == BIG and dry.successful == BIG
    assert BulkItem.objects.count() == BIG + 50
    done = big.delete()
    assert (done.matches, done.successful, done.failed) == (BIG, BIG, 0)
    assert BulkItem.objects.count() == 50
    assert BulkItem.objects.all().update(flag=False) == 50
    assert BulkItem.objects.all().delete().successful == 50


def test_delete_with_hooks_lists_every_match(db: WeaviateClient) -> None:
    DELETED.clear()
    count = 10_050
    _insert(db, "BulkHooked", [{"n": i} for i in range(count)])
    done = BulkHooked.objects.all().delete()
    assert done.successful == count and done.matches == count
    assert sorted(DELETED) == list(range(count))  # each hook ran once
    assert BulkHooked.objects.count() == 0


def test_a_search_past_the_maximum_is_refused_not_cut(db: WeaviateClient) -> None:
    _insert(db, "BulkItem", [{"group": "g", "n": i} for i in range(10_001)])
    with pytest.raises(errors.QueryError, match="nothing was changed"):
        BulkItem.objects.bm25("g", properties=["group"]).update(flag=True)
    assert BulkItem.objects.filter(flag=True).count() == 0
    # a slice is exact
    assert BulkItem.objects.bm25("g", properties=["group"])[:10].update(flag=True) == 10
    assert BulkItem.objects.filter(flag=True).count() == 10
    # a search delete repeats until nothing matches
    assert BulkItem.objects.bm25("g", properties=["group"]).delete().successful == 10_001
