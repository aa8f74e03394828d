"""``edigw tokens create [--partner ID] [--name NAME]``: print a new API token once."""

from __future__ import annotations

import sys

from gateway.settings import Settings
from gateway.store import create_token, init_db, make_engine, make_sessionmaker, transaction

__all__ = ["create"]


def create(partner: str | None, name: str | None) -> int:
    settings = Settings.from_env()
    settings.home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    init_db(engine)
    if partner is not None:
        from partners.registry import Registry

        if partner not in Registry.load(settings.partners_dir):
            print(f"edigw tokens create: no partner {partner!r} in {settings.partners_dir}", file=sys.stderr)
            return 2
    with transaction(make_sessionmaker(engine)) as session:
        issued = create_token(session, name or (f"partner:{partner}" if partner else "operator"), partner)
    engine.dispose()
    print(issued.token)
    scope = f"partner {partner}" if partner else "operator (all partners)"
    print(f"edigw: token {issued.record.id} for {scope}; it is shown only once", file=sys.stderr)
    return 0
