"""Which profile owns an inbound identity: (their id, our id) pairs per identity kind.

A partner is recognised by who sends *and* to whom: a retailer that trades with two of
our business units (two ISA receiver ids, two AS2-To ids) is two profiles with the same
sender id. So a claim is a (sender, receiver) pair, where receiver ``None`` means "any
of ours" (a GS profile without ``control_numbers.our_gs``, an SFTP account, a cXML
credential). Two claims collide when their senders are equal and their receivers are
equal or either is ``None``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field

from .profile import Profile

__all__ = ["Claim", "IdentityIndex", "claims_of"]


@dataclass(frozen=True, slots=True)
class Claim:
    kind: str  # "isa" | "gs" | "as2" | "sftp" | "cxml"
    sender: Hashable
    receiver: Hashable | None
    shown: str  # for messages, e.g. "'ZZ:BIGBOXSTORES' (to ZZ:EDIGW)"
    where: str  # field path in the profile, e.g. "identities.isa[0]"


def claims_of(profile: Profile) -> Iterator[Claim]:
    """Every identity ``profile`` claims, paired with our id it is addressed to."""
    ids, ours = profile.identities, profile.control_numbers
    as2 = profile.transports.as2

    def shown(sender: object, receiver: object | None) -> str:
        return f"'{sender}' (to {receiver})" if receiver else f"'{sender}'"

    for i, isa in enumerate(ids.isa):
        our_isa = ours.our_isa.key() if ours.our_isa else None
        yield Claim("isa", isa.key(), our_isa, shown(isa, ours.our_isa), f"identities.isa[{i}]")
    for i, gs in enumerate(ids.gs):
        yield Claim("gs", gs, ours.our_gs, shown(gs, ours.our_gs), f"identities.gs[{i}]")
    for i, as2_id in enumerate(ids.as2):
        our_as2 = as2.our_id if as2 else None
        yield Claim("as2", as2_id, our_as2, shown(as2_id, our_as2), f"identities.as2[{i}]")
    if ids.sftp_account:
        yield Claim("sftp", ids.sftp_account, None, shown(ids.sftp_account, None), "identities.sftp_account")
    for i, cred in enumerate(ids.cxml):
        yield Claim("cxml", cred.key(), None, shown(cred, None), f"identities.cxml[{i}]")


@dataclass
class _Owner:
    partner_id: str
    origin: str  # "file (field path)" of the claim, for collision messages


@dataclass
class IdentityIndex:
    _by_sender: dict[tuple[str, Hashable], dict[Hashable | None, _Owner]] = field(default_factory=dict)

    def claim(self, claim: Claim, partner_id: str, origin: str) -> str | None:
        """Record ``claim``; on a collision record nothing and return the other claim's origin."""
        receivers = self._by_sender.setdefault((claim.kind, claim.sender), {})
        clash = receivers.get(claim.receiver) or receivers.get(None)
        if clash is None and claim.receiver is None and receivers:
            clash = next(iter(receivers.values()))
        if clash is not None:
            return clash.origin
        receivers[claim.receiver] = _Owner(partner_id, origin)
        return None

    def knows(self, kind: str, sender: Hashable) -> bool:
        return bool(self._by_sender.get((kind, sender)))

    def find(self, kind: str, sender: Hashable, receiver: Hashable | None) -> str | None:
        """Partner id for the pair; with ``receiver=None`` only when the sender is unambiguous."""
        receivers = self._by_sender.get((kind, sender), {})
        if receiver is None:
            return next(iter(receivers.values())).partner_id if len(receivers) == 1 else None
        owner = receivers.get(receiver) or receivers.get(None)
        return owner.partner_id if owner else None
