"""What a running gateway holds: settings, database, partner registry, AS2 identities.

One object built at startup (``Runtime.open``) and passed down explicitly; the aiohttp
app keeps it under a typed ``AppKey``. Nothing here is a module-level global.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from gateway.as2_directory import As2Directory
from gateway.keys import KeyPair, ensure_identities
from gateway.settings import Settings
from gateway.store import init_db, make_engine, make_sessionmaker
from partners.registry import Registry

__all__ = ["Runtime", "as2_ids"]


def as2_ids(registry: Registry) -> list[str]:
    """Every AS2 identity the profiles name: ours (per partner) and the partners'."""
    ids: list[str] = []
    for profile in registry:
        as2 = profile.transports.as2
        if as2 is not None:
            ids.append(as2.our_id)
        ids.extend(profile.identities.as2)
    return ids


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    registry: Registry
    as2: As2Directory
    generated_keys: list[KeyPair] = field(default_factory=list)
    #: Called after a commit that queued work, so the outbox relay publishes it at once.
    wake_relay: Callable[[], None] = lambda: None

    @classmethod
    def open(cls, settings: Settings, *, registry: Registry | None = None, generate_keys: bool = True) -> Runtime:
        """Create ``EDIGW_HOME``, migrate the database, load partners, make test keys if missing."""
        settings.home.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.database_url)
        init_db(engine)
        registry = registry or Registry.load(settings.partners_dir)
        keys = ensure_identities(settings.keys_dir, as2_ids(registry)) if generate_keys else []
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_sessionmaker(engine),
            registry=registry,
            as2=As2Directory(registry, settings.home),
            generated_keys=keys,
        )

    def close(self) -> None:
        self.engine.dispose()
