"""More ODM behaviour on the real server: tenants, consistency, renamed fields, value types,
multi-target references, schema errors."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pydantic
import pytest

import weavorm
from weavorm import Field, Model, Ref, Refs, Session, errors
from weavorm.config import MultiTenancy, Vectorizer
from weavorm.engine import WeaviateClient
from weavorm.odm import PhoneNumber
from weavorm.odm.types import Blob
from weavorm.schema import collection_config, create_all

pytestmark = pytest.mark.integration


class MoreTenantNote(Model):
    text: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()
        multi_tenancy = MultiTenancy(enabled=True, auto_tenant_creation=True)


class MorePerson(Model):
    full_name: str = Field(name="fullName", tokenization="field", description="a person")
    phone: PhoneNumber | None = None
    photo: Blob | None = None

    class Meta:
        vectorizer = Vectorizer.none()


class MoreCompany(Model):
    title: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class MoreLink(Model):
    label: str = Field(tokenization="field")
    target: Ref[MorePerson | MoreCompany] | None = None
    many: Refs[MorePerson] = Field(default_factory=list)

    class Meta:
        vectorizer = Vectorizer.none()


@pytest.fixture
def db(weaviate_client: WeaviateClient) -> Iterator[WeaviateClient]:
    create_all(weaviate_client, [MoreTenantNote, MorePerson, MoreCompany, MoreLink])
    weavorm.configure(weaviate_client)
    yield weaviate_client
    weavorm.configure(None)


def test_tenants_and_consistency(db: WeaviateClient) -> None:
    MoreTenantNote.objects.tenant("acme").create(text="a1")
    MoreTenantNote.objects.tenant("acme").create(text="a2")
    MoreTenantNote.objects.tenant("globex").create(text="g1")
    assert MoreTenantNote.objects.tenant("acme").count() == 2
    assert [n.text for n in MoreTenantNote.objects.tenant("globex")] == ["g1"]
    assert MoreTenantNote.objects.tenant("acme").consistency("QUORUM").filter(text="a1").exists()
    with pytest.raises(errors.ServerError):
        MoreTenantNote.objects.count()  # a multi-tenant collection needs a tenant
    with Session(db, tenant="globex", consistency="ALL") as s:
        s.add(MoreTenantNote(text="g2"))
        s.commit()
        assert s.query(MoreTenantNote).count() == 2
    with pytest.raises(errors.ConfigError):
        MoreTenantNote.objects.consistency("SOME")


def test_renamed_fields_and_value_types(db: WeaviateClient) -> None:
    stored = db.collections.export_dict("MorePerson")
    names = {p["name"] for p in stored["properties"]}
    assert names == {"fullName", "phone", "photo"}
    data = b"\x89PNG raw bytes"
    MorePerson.objects.create(
        full_name="Ada Lovelace",
        phone=PhoneNumber(number="020 7946 0000", default_country="GB"),
        photo=data,
    )
    person = MorePerson.objects.get(full_name="Ada Lovelace")
    assert person.photo == data
    assert person.phone is not None and person.phone.valid is True
    assert person.phone.country_code == 44
    raw = db.collections.get("MorePerson").query.fetch_objects(limit=1).objects[0]
    assert raw.properties["fullName"] == "Ada Lovelace"
    assert MorePerson(full_name="x", photo=base64.b64encode(b"hi").decode()).photo == b"hi"


def test_multi_target_references(db: WeaviateClient) -> None:
    ada = MorePerson.objects.create(full_name="Ada")
    acme = MoreCompany.objects.create(title="Acme")
    MoreLink.objects.bulk_create(
        [
            MoreLink(label="to-person", target=ada, many=[ada]),
            MoreLink(label="to-company", target=acme),
        ]
    )
    prop = next(p for p in collection_config(MoreLink)["properties"] if p["name"] == "target")
    assert sorted(prop["dataType"]) == ["MoreCompany", "MorePerson"]
    links = {link.label: link for link in MoreLink.objects.select_related("target", "many")}
    person_ref = links["to-person"].target
    company_ref = links["to-company"].target
    assert person_ref is not None and isinstance(person_ref.obj, MorePerson)
    assert person_ref.full_name == "Ada"
    assert company_ref is not None and isinstance(company_ref.obj, MoreCompany)
    assert company_ref.title == "Acme"
    assert [r.full_name for r in links["to-person"].many] == ["Ada"]
    assert MoreLink.objects.filter(target__title="Acme").get().label == "to-company"


def test_schema_errors_at_class_definition() -> None:
    with pytest.raises(errors.SchemaError, match="reserved"):

        class Bad(Model):
            vector: list[float]  # type: ignore[assignment]

    with pytest.raises(errors.SchemaError, match="unknown option"):

        class BadMeta(Model):
            class Meta:
                vectoriser = None

    class Strange(Model):
        data: dict[str, int]

    with pytest.raises(errors.SchemaError, match="cannot store"):
        collection_config(Strange)
    with pytest.raises(pydantic.ValidationError):
        MoreLink(label="x", target="not-a-uuid")
