"""Collection aliases: ``client.aliases`` (Weaviate 1.32+).

Example::

    client.aliases.create("Articles", "ArticleV1")
    client.collections.get("Articles")          # reaches ArticleV1
    client.aliases.update("Articles", "ArticleV2")  # atomic switch
"""

from __future__ import annotations

from weavorm.engine._protocol import aliases as ops
from weavorm.engine._protocol.aliases import AliasReturn
from weavorm.engine._transport.driver import AsyncDriver

__all__ = ["AliasReturn", "AsyncAliasesNamespace"]


class AsyncAliasesNamespace:
    """Second names for collections (``client.aliases``)."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    async def list_all(self, *, collection: str | None = None) -> dict[str, AliasReturn]:
        """Every alias, by name.

        Args:
            collection: Only the aliases of this collection.
        """
        return await self._driver.run(ops.list_all(collection=collection))

    async def get(self, alias_name: str) -> AliasReturn | None:
        """An alias.

        Args:
            alias_name: The alias.

        Returns:
            The alias and its collection, or None when there is none.
        """
        return await self._driver.run(ops.get(alias_name))

    async def exists(self, alias_name: str) -> bool:
        """Whether an alias exists.

        Args:
            alias_name: The alias.
        """
        return await self._driver.run(ops.exists(alias_name))

    async def create(self, alias_name: str, target_collection: str) -> None:
        """Create an alias.

        Args:
            alias_name: The new name (it must not be a collection's or alias's name).
            target_collection: The collection it points to.

        Raises:
            UnprocessableError: the name is taken or the collection does not exist.
        """
        await self._driver.run(ops.create(alias_name, target_collection))

    async def update(self, alias_name: str, new_target_collection: str) -> bool:
        """Point an alias at another collection (atomically).

        Args:
            alias_name: The alias.
            new_target_collection: The collection it points to from now on.

        Returns:
            False when there is no such alias.
        """
        return await self._driver.run(ops.update(alias_name, new_target_collection))

    async def delete(self, alias_name: str) -> bool:
        """Delete an alias (its collection stays).

        Args:
            alias_name: The alias.

        Returns:
            False when there was no such alias.
        """
        return await self._driver.run(ops.delete(alias_name))
