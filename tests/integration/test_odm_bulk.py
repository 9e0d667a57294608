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
MATCHES = 10_050


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


def test_update_and_delete_reach_every_match_of_25000(db: WeaviateClient) -> None:
    # 10,050 "big" objects: past one request's 10,000, so update() walks all 25,050 by
    # id (each update is a REST merge, ~3 ms on the server, hence not 25,000 of them)
    rows: list[dict[str, object]] = [{"group": "big", "n": i} for i in range(MATCHES)]
    rows += [{"group": "small", "n": i} for i in range(BIG + 50 - MATCHES)]
    _insert(db, "BulkItem", rows)
    big = BulkItem.objects.filter(group="big")
    assert big.count() == MATCHES
    assert big.update(flag=True) == MATCHES
    assert BulkItem.objects.filter(flag=True).count() == MATCHES
    assert BulkItem.objects.filter(group="small", flag=True).count() == 0
    assert BulkItem.objects.filter(group="small", n__lt=50).update(n=-1) == 50  # one listing
    assert BulkItem.objects.filter(n=-1).count() == 50
    everything = BulkItem.objects.all()
    dry = everything.delete(dry_run=True)
    assert dry.matches == BIG + 50 and dry.successful == BIG + 50
    assert BulkItem.objects.count() == BIG + 50
    done = BulkItem.objects.filter(group="small").delete()  # server-side, 3 rounds
    small = BIG + 50 - MATCHES
    assert (done.matches, done.successful, done.failed) == (small, small, 0)
    assert BulkItem.objects.count() == MATCHES
    assert everything.delete().successful == MATCHES
    assert BulkItem.objects.count() == 0


def test_update_walks_pages_with_and_without_filter(
    db: WeaviateClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weavorm.odm import bulk

    # the same walk as past 10,000 objects, at a small scale: 250 objects, "at most
    # 100 per listing", pages of 30
    monkeypatch.setattr(bulk, "MAX_RESULTS", 100)
    monkeypatch.setattr(bulk, "PAGE", 30)
    _insert(db, "BulkItem", [{"group": "odd" if i % 2 else "even", "n": i} for i in range(250)])
    assert BulkItem.objects.filter(group="odd").update(flag=True) == 125
    assert BulkItem.objects.filter(flag=True).count() == 125
    assert BulkItem.objects.filter(group="even", flag=True).count() == 0
    assert BulkItem.objects.all().update(n=1) == 250
    assert BulkItem.objects.filter(n=1).count() == 250
    done = BulkItem.objects.filter(group="odd").delete()
    assert done.successful == 125 and BulkItem.objects.count() == 125


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
