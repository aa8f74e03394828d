"""Errors of the partners layer.

Two families:

* configuration problems (:class:`ProfileError` collected into :class:`RegistryError`):
  each names the profile file and the field path, so a partner manager can fix the YAML
  without reading code;
* resolution outcomes (:class:`UnknownPartner`, :class:`PartnerPaused`, :class:`NoRoute`):
  typed so the gateway answers precisely. They carry the negative acknowledgement they
  map to (TA1 note code, AS2 MDN disposition modifier), so the ack writer never guesses.

Hierarchy::

    PartnerError
    +-- RegistryError            (one or more ProfileError)
    +-- PartnerNotAccepted
    |   +-- UnknownPartner
    |   +-- PartnerPaused
    +-- NoRoute
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "PartnerError",
    "ProfileError",
    "RegistryError",
    "PartnerNotAccepted",
    "UnknownPartner",
    "PartnerPaused",
    "NoRoute",
    "display_path",
]

#: TA105 note codes (X12 TA1, see ``edi.x12.errors.TA1_CODES``) for identity problems.
TA1_INVALID_SENDER_ID = "006"
TA1_UNKNOWN_RECEIVER_ID = "009"
#: MDN modifier for an AS2-From/AS2-To we do not trade with; the same string as
#: ``edi.as2.errors.UnknownTradingPartner.modifier`` (a test keeps them equal; importing
#: ``edi.as2`` here would load the whole crypto stack just for one constant).
AS2_UNKNOWN_TRADING_PARTNER = "unknown-trading-partner"


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it (short messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class PartnerError(Exception):
    """Base of every error raised by the partners layer."""


@dataclass(frozen=True, slots=True)
class ProfileError:
    """One problem in one profile file: ``file: field.path: message``."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}" if self.field else f"{self.file}: {self.message}"


class RegistryError(PartnerError):
    """The profile folder did not validate; ``errors`` lists every problem found."""

    def __init__(self, errors: list[ProfileError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors) or "invalid partner profiles")


class PartnerNotAccepted(PartnerError):
    """An inbound message whose partner may not trade now; the hints say how to refuse it.

    ``ta1_code`` is a TA105 note code (None when the identity was not from an ISA),
    ``as2_disposition`` the MDN ``error:`` modifier for AS2.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        value: str,
        ta1_code: str | None = None,
        as2_disposition: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind  # "isa_sender", "isa_receiver", "gs_sender", "as2_from", "sftp_account", ...
        self.value = value
        self.ta1_code = ta1_code
        self.as2_disposition = as2_disposition


class UnknownPartner(PartnerNotAccepted):
    """No profile claims this identity (or the receiver is not us for that partner)."""


class PartnerPaused(PartnerNotAccepted):
    """The partner is known but its profile says ``status: paused``."""

    def __init__(self, message: str, *, partner_id: str, **kwargs: str | None) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.partner_id = partner_id


class NoRoute(PartnerError):
    """A document type with neither its own route nor a default route."""

    def __init__(self, partner_id: str, document_type: str) -> None:
        super().__init__(f"partner {partner_id!r}: no route for document type {document_type!r} and no default route")
        self.partner_id = partner_id
        self.document_type = document_type
