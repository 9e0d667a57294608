"""``collection.generate``: retrieval-augmented generation on top of every search.

Each method runs the search of the same name in ``collection.query`` and asks the
collection's generative module (or ``generative_provider=`` for this call) to
answer ``single_prompt`` for each object and/or ``grouped_task`` once::

    result = articles.generate.near_text(
        "vector databases", limit=3,
        single_prompt="Summarise in one line: {title}",
        grouped_task="What do these articles have in common?",
    )
    result.objects[0].generated      # per object
    result.generative.text           # grouped (also result.generated)

Errors: the server fails the whole search when the module fails (provider
unreachable, unknown model, ...); that raises
:class:`~weavorm.errors.UnprocessableError` carrying the server's message. Nothing is
reported per object.
"""

from __future__ import annotations

from weavorm.engine._facade import async_method, facade
from weavorm.engine._protocol import generate as ops
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._transport.driver import AsyncDriver

__all__ = ["AsyncGenerateNamespace"]


@facade
class AsyncGenerateNamespace:
    """Retrieval-augmented generation on top of every search.

    Methods: ``fetch_objects``, ``fetch_objects_by_ids``, ``near_vector``, ``near_text``,
    ``near_object``, ``near_image``, ``near_media``, ``bm25``, ``hybrid``.
    """

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx

    fetch_objects = async_method(ops.fetch_objects)
    fetch_objects_by_ids = async_method(ops.fetch_objects_by_ids)
    near_vector = async_method(ops.near_vector)
    near_text = async_method(ops.near_text)
    near_object = async_method(ops.near_object)
    near_image = async_method(ops.near_image)
    near_media = async_method(ops.near_media)
    bm25 = async_method(ops.bm25)
    hybrid = async_method(ops.hybrid)
