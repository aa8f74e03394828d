"""Partner profiles -> the key and partner callbacks the AS2 layer asks for.

``edi.as2`` knows nothing of profiles; this adapter answers its two questions
(``find_our_key(as2_to)``, ``find_partner(as2_from)``) from the registry, reading key
files through the profile's references. Keys are cached by file path and modification
time so a rotated certificate is picked up without a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar

from cryptography import x509

from edi.as2 import LocalIdentity, Partner, UnknownTradingPartner, load_certificate_pem, load_private_key_pem
from partners.errors import PartnerNotAccepted
from partners.profile import Profile
from partners.refs import SecretRef
from partners.registry import Registry

__all__ = ["As2Directory"]

T = TypeVar("T")


class As2Directory:
    def __init__(self, registry: Registry, home: Path) -> None:
        self._registry = registry
        self._home = home
        self._cache: dict[tuple[str, float], Any] = {}
        self._lock = Lock()

    # -- lookups -------------------------------------------------------------------
    def profile_for(self, as2_from: str, as2_to: str) -> Profile:
        """The partner sending as ``as2_from`` to our ``as2_to``; UnknownTradingPartner if none."""
        try:
            profile = self._registry.resolve_as2(as2_from, as2_to)
        except PartnerNotAccepted as exc:
            error = UnknownTradingPartner(str(exc))
            if exc.as2_disposition:  # the registry knows the precise modifier (paused, wrong AS2-To...)
                error.modifier = exc.as2_disposition
            raise error from exc
        if profile.transports.as2 is None:
            raise UnknownTradingPartner(f"partner {profile.id!r} has no AS2 transport")
        return profile

    def find_our_key(self, as2_to: str) -> LocalIdentity:
        for profile in self._registry:
            as2 = profile.transports.as2
            if as2 is not None and as2.our_id == as2_to:
                return self.local_identity(profile)
        raise UnknownTradingPartner(f"{as2_to!r} is not one of our AS2 identities")

    def find_partner(self, as2_from: str, as2_to: str | None = None) -> Partner:
        profile = self._by_as2_from(as2_from, as2_to)
        as2 = profile.transports.as2
        assert as2 is not None
        cert = self._certificate(as2.partner_certificate)
        return Partner(
            as2_id=as2_from,
            verify_certificates=(cert,),
            encryption_certificate=cert,
            require_signature=as2.require_signature,
            require_encryption=as2.require_encryption,
        )

    def local_identity(self, profile: Profile) -> LocalIdentity:
        as2 = profile.transports.as2
        assert as2 is not None
        key = self._load(as2.our_key, load_private_key_pem)
        cert_ref = as2.our_certificate
        if cert_ref is None:
            raise UnknownTradingPartner(f"partner {profile.id!r}: our_certificate is not configured")
        return LocalIdentity(as2.our_id, key, self._certificate(cert_ref))

    # -- helpers -------------------------------------------------------------------
    def _by_as2_from(self, as2_from: str, as2_to: str | None) -> Profile:
        if as2_to is not None:
            return self.profile_for(as2_from, as2_to)
        for profile in self._registry:
            if as2_from in profile.identities.as2 and profile.transports.as2 is not None:
                return profile
        raise UnknownTradingPartner(f"no partner with AS2 id {as2_from!r}")

    def _certificate(self, ref: SecretRef) -> x509.Certificate:
        return self._load(ref, load_certificate_pem)

    def _load(self, ref: SecretRef, parse: Callable[[bytes], T]) -> T:
        path = ref.location(self._home)
        if path is None:  # environment variable: cheap to read every time
            return parse(ref.read(self._home))
        try:
            mtime = path.stat().st_mtime
        except OSError as exc:
            raise UnknownTradingPartner(f"key file {path.name} is missing") from exc
        key = (str(path), mtime)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = parse(path.read_bytes())
            return self._cache[key]  # type: ignore[no-any-return]
