pytest_plugins = ["weavorm.contrib.django.pytest_plugin"]
