"""The retry policy, re-exported for the protocol and transport layers.

The definition is public and lives in :mod:`weavorm.engine.retry`.
"""

from weavorm.engine.retry import RetryPolicy

__all__ = ["RetryPolicy"]
