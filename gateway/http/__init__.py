"""aiohttp handlers: AS2 endpoint, REST API, health, metrics, dashboard."""
