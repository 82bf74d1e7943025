"""Allow `python -m search`."""

from search.cli import main

raise SystemExit(main())
