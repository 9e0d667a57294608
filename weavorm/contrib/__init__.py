"""Web framework integrations: ``weavorm.contrib.django``, ``.flask``, ``.fastapi``.

Each is imported on demand (``pip install "weavorm[django]"``, ``[flask]``,
``[fastapi]``); importing :mod:`weavorm` never imports a framework.
"""
