"""``python -m weavorm``: the weavorm command line."""

from weavorm.cli import main

raise SystemExit(main())
