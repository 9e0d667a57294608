"""Settings of the weavorm Django example: Weaviate is the only data store."""

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "weavorm-example-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "mysite.urls"
WSGI_APPLICATION = "mysite.wsgi.application"
USE_TZ = True

INSTALLED_APPS = [
    "weavorm.contrib.django",
    "library",
]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES: dict[str, dict[str, str]] = {}  # no SQL database at all
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]

# URL / GRPC_URL / API_KEY left out: they come from WEAVIATE_URL, WEAVIATE_GRPC_URL and
# WEAVIATE_API_KEY (then http://localhost:8080).
WEAVORM = {
    "default": {
        "TIMEOUT": 30,
        "HEADERS": {"X-Example": "django"},
    },
}
TEST_RUNNER = "weavorm.contrib.django.testing.WeavormTestRunner"
