"""Testing helpers for weavorm: local inference services and the pytest plugin."""
