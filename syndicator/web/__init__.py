"""HTTP serving: stored feeds with caching, the index page, OPML, health, metrics and
the admin API, under uvicorn. Everything arrives as values in a ``WebContext``."""
