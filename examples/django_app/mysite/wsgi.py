"""WSGI entry point: ``gunicorn --preload --workers 2 mysite.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
application = get_wsgi_application()

if os.environ.get("LIBRARY_WARM_CLIENT") == "1":
    # Under gunicorn --preload this runs in the master: the workers forked from it
    # each make their own client on first use (weavorm.contrib.django checks the pid).
    from weavorm.contrib.django import get_client

    get_client().is_ready()
