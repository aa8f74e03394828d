"""The partner registry: a folder of profiles, validated as a whole, and identity lookup.

Loading is all-or-nothing per folder: every file is checked and every problem is
reported (file and field path), and a folder with any problem yields no registry. A
running gateway calls :meth:`Registry.reload` (or :mod:`partners.watch`) after an edit:
the new profiles replace the old ones in one assignment only if the whole folder
validates, so a broken edit never takes a working partner offline.

Inbound messages are attributed to a partner by the identity they carry (ISA sender
and receiver, GS application ids, AS2-From/To, SFTP account, cXML credential). Each
identity (paired with the id of ours it is addressed to, see :mod:`partners.identities`)
belongs to exactly one profile; a second claim is a load error naming both files. An
unknown or paused partner is a typed exception carrying the negative acknowledgement to
send (see :mod:`partners.errors`).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from .errors import (
    AS2_UNKNOWN_TRADING_PARTNER,
    TA1_INVALID_SENDER_ID,
    TA1_UNKNOWN_RECEIVER_ID,
    PartnerPaused,
    ProfileError,
    RegistryError,
    UnknownPartner,
    display_path,
)
from .identities import IdentityIndex, claims_of
from .profile import Profile
from .refs import find_inline_secrets
from .xref import ItemXref, XrefError, load_xref
from .yamlfile import YamlError, read_yaml

__all__ = ["Registry", "default_folder", "load_profile", "check_path", "PROFILE_SUFFIXES"]

log = logging.getLogger(__name__)

PROFILE_SUFFIXES = (".yaml", ".yml")
_BUNDLED = Path(__file__).resolve().parents[1] / "samples" / "partners"


def default_folder() -> Path:
    """``$EDIGW_PARTNERS`` or the bundled ``samples/partners``."""
    env = os.environ.get("EDIGW_PARTNERS")
    return Path(env) if env else _BUNDLED


# --------------------------------------------------------------------------- one file


def _field(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for a bad mapping key: the key itself is named already
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: Any) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; unknown fields are not allowed)"
    if kind == "missing":
        return "required field is missing"
    return msg.removeprefix("Value error, ")


def load_profile(path: Path, root: Path) -> tuple[Profile | None, list[ProfileError]]:
    """Read and validate one profile file; the profile is None when there are errors."""
    name = display_path(path)
    try:
        data = read_yaml(path)
    except YamlError as exc:
        return None, [ProfileError(name, "", str(exc))]
    if not isinstance(data, dict):
        return None, [ProfileError(name, "", "a profile must be a YAML mapping (id:, name:, identities:, ...)")]

    errors = [ProfileError(name, where, msg) for where, msg in find_inline_secrets(data)]
    refused = {e.field for e in errors}
    context = {"base_dir": path.parent, "root": root, "source": path}
    try:
        profile = Profile.model_validate(data, context=context)
    except ValidationError as exc:
        for err in exc.errors():
            where = _field(err["loc"])
            if not any(where == r or where.startswith(r + ".") for r in refused):
                errors.append(ProfileError(name, where, _message(err)))
        return None, errors
    if errors:
        return None, errors
    errors = [ProfileError(name, where, msg) for where, msg in profile.problems()]
    if profile.id != path.stem:
        errors.append(ProfileError(name, "id", f"{profile.id!r} must match the file name {path.stem!r}"))
    if profile.rules.item_xref is not None:
        try:
            load_xref(profile.path(profile.rules.item_xref.file))
        except XrefError as exc:
            errors.append(ProfileError(name, "rules.item_xref.file", str(exc)))
    if profile.xml_mapping is not None:
        try:
            if not isinstance(read_yaml(profile.path(profile.xml_mapping)), dict):
                errors.append(ProfileError(name, "xml_mapping", "the mapping file must be a YAML mapping"))
        except YamlError as exc:
            errors.append(ProfileError(name, "xml_mapping", f"mapping file: {exc}"))
    return (None, errors) if errors else (profile, [])


# --------------------------------------------------------------------------- the folder


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """Everything derived from one consistent read of the folder (swapped as a whole)."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    identities: IdentityIndex = field(default_factory=IdentityIndex)
    xrefs: dict[str, ItemXref] = field(default_factory=dict)


def _profile_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in PROFILE_SUFFIXES and p.is_file())


def _build(folder: Path) -> tuple[_Snapshot | None, list[ProfileError]]:
    if not folder.is_dir():
        return None, [ProfileError(display_path(folder), "", "partners folder not found")]
    root = folder.resolve()
    errors: list[ProfileError] = []
    loaded: list[tuple[Path, Profile]] = []
    for path in _profile_files(folder):
        profile, errs = load_profile(path, root)
        errors.extend(errs)
        if profile is not None:
            loaded.append((path, profile))

    snap = _Snapshot()
    files: dict[str, Path] = {}
    for path, profile in loaded:
        name = display_path(path)
        if profile.id in files:
            other = display_path(files[profile.id])
            errors.append(ProfileError(name, "id", f"{profile.id!r} is also defined in {other}"))
            continue
        files[profile.id] = path
        snap.profiles[profile.id] = profile
        for claim in claims_of(profile):
            other = snap.identities.claim(claim, profile.id, f"{name} ({claim.where})")
            if other is not None:
                message = f"{claim.kind} identity {claim.shown} is also claimed by {other}"
                errors.append(ProfileError(name, claim.where, message))
        if profile.rules.item_xref is not None:
            try:
                snap.xrefs[profile.id] = load_xref(profile.path(profile.rules.item_xref.file))
            except XrefError as exc:  # changed since load_profile read it
                errors.append(ProfileError(name, "rules.item_xref.file", str(exc)))
    return (None, errors) if errors else (snap, [])


def check_path(path: Path) -> tuple[list[Profile], list[ProfileError]]:
    """Validate a folder, or one profile file together with its folder.

    A single file is checked against its neighbours (identity collisions need them) but
    only its own problems are reported: a draft must not fail because of another file.
    """
    if not path.is_file():
        snap, errors = _build(path)
        return (list(snap.profiles.values()) if snap else []), errors
    if path.suffix not in PROFILE_SUFFIXES:
        return [], [ProfileError(display_path(path), "", f"a profile file must end in {' or '.join(PROFILE_SUFFIXES)}")]
    profile, errors = load_profile(path, path.parent.resolve())
    if profile is None:
        return [], errors
    _, folder_errors = _build(path.parent)
    errors = [e for e in folder_errors if e.file == display_path(path)]
    return ([] if errors else [profile]), errors


class Registry:
    """Profiles of one folder plus identity indexes; safe to read while another thread reloads."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()
        self._snapshot = _Snapshot()
        self._reload_lock = threading.Lock()

    @classmethod
    def load(cls, folder: Path | None = None) -> Registry:
        """A registry of ``folder``; :class:`RegistryError` listing every problem if any."""
        registry = cls(folder)
        errors = registry.reload()
        if errors:
            raise RegistryError(errors)
        return registry

    def reload(self) -> list[ProfileError]:
        """Re-read the folder; swap in the result only if all of it validates.

        Returns the problems (empty on success). On failure the previous profiles stay
        in service and the problems are logged.
        """
        with self._reload_lock:
            snap, errors = _build(self.folder)
            if snap is None:
                for error in errors:
                    log.error("partner profiles not reloaded: %s", error)
                return errors
            self._snapshot = snap
            log.info("partner profiles loaded from %s: %s", self.folder, ", ".join(snap.profiles) or "none")
            return []

    # ------------------------------------------------------------------ access

    @property
    def profiles(self) -> MappingProxyType[str, Profile]:
        return MappingProxyType(self._snapshot.profiles)

    def __iter__(self) -> Iterator[Profile]:
        return iter(list(self._snapshot.profiles.values()))

    def __len__(self) -> int:
        return len(self._snapshot.profiles)

    def __contains__(self, partner_id: object) -> bool:
        return partner_id in self._snapshot.profiles

    def get(self, partner_id: str) -> Profile:
        """The profile ``partner_id`` whatever its status; :class:`UnknownPartner` if absent."""
        profile = self._snapshot.profiles.get(partner_id)
        if profile is None:
            raise UnknownPartner(f"no partner profile {partner_id!r}", kind="partner_id", value=partner_id)
        return profile

    def xref(self, partner_id: str) -> ItemXref | None:
        """The partner's item cross-reference table (loaded once per file version)."""
        return self._snapshot.xrefs.get(partner_id)

    # ------------------------------------------------------------------ resolution

    def _active(self, snap: _Snapshot, partner_id: str, kind: str, value: str, **hints: str | None) -> Profile:
        profile = snap.profiles[partner_id]
        if profile.status == "paused":
            message = f"partner {partner_id!r} is paused"
            raise PartnerPaused(message, partner_id=partner_id, kind=kind, value=value, **hints)
        return profile

    def resolve_isa(self, sender_qualifier: str, sender_id: str, receiver_qualifier: str, receiver_id: str) -> Profile:
        """Partner of an interchange (ISA05/06 sender, ISA07/08 receiver; padding ignored).

        Unknown sender: TA1 ``006``; known sender but not to this receiver: TA1 ``009``.
        """
        snap = self._snapshot
        sender = (sender_qualifier.strip(), sender_id.strip())
        receiver = (receiver_qualifier.strip(), receiver_id.strip())
        shown_sender, shown_receiver = ":".join(sender), ":".join(receiver)
        if not snap.identities.knows("isa", sender):
            message = f"unknown interchange sender {shown_sender}"
            raise UnknownPartner(message, kind="isa_sender", value=shown_sender, ta1_code=TA1_INVALID_SENDER_ID)
        partner_id = snap.identities.find("isa", sender, receiver)
        if partner_id is None:
            message = f"no partner sends as {shown_sender} to receiver {shown_receiver}"
            raise UnknownPartner(message, kind="isa_receiver", value=shown_receiver, ta1_code=TA1_UNKNOWN_RECEIVER_ID)
        return self._active(snap, partner_id, "isa_sender", shown_sender, ta1_code=TA1_INVALID_SENDER_ID)

    def resolve_gs(self, application_sender: str, application_receiver: str | None = None) -> Profile:
        """Partner of a functional group (GS02, and GS03 when the sender trades with several of our ids)."""
        snap = self._snapshot
        sender = application_sender.strip()
        receiver = application_receiver.strip() if application_receiver is not None else None
        if not snap.identities.knows("gs", sender):
            raise UnknownPartner(f"unknown application sender {sender!r}", kind="gs_sender", value=sender)
        partner_id = snap.identities.find("gs", sender, receiver)
        if partner_id is None:
            message = f"no partner sends as {sender!r} to application receiver {receiver!r}"
            raise UnknownPartner(message, kind="gs_receiver", value=receiver or "")
        return self._active(snap, partner_id, "gs_sender", sender)

    def resolve_as2(self, as2_from: str, as2_to: str) -> Profile:
        """Partner of an AS2 message; ``as2_disposition`` of a refusal is ``unknown-trading-partner``."""
        snap = self._snapshot
        sender, receiver = _unquote(as2_from), _unquote(as2_to)
        hint = {"as2_disposition": AS2_UNKNOWN_TRADING_PARTNER}
        if not snap.identities.knows("as2", sender):
            raise UnknownPartner(f"unknown AS2-From {sender!r}", kind="as2_from", value=sender, **hint)
        partner_id = snap.identities.find("as2", sender, receiver)
        if partner_id is None:
            message = f"no partner sends as AS2-From {sender!r} to AS2-To {receiver!r}"
            raise UnknownPartner(message, kind="as2_to", value=receiver, **hint)
        return self._active(snap, partner_id, "as2_from", sender, **hint)

    def resolve_sftp(self, account: str) -> Profile:
        """Partner owning an SFTP account on our server."""
        snap = self._snapshot
        partner_id = snap.identities.find("sftp", account, None)
        if partner_id is None:
            raise UnknownPartner(f"unknown SFTP account {account!r}", kind="sftp_account", value=account)
        return self._active(snap, partner_id, "sftp_account", account)

    def resolve_cxml(self, domain: str, identity: str) -> Profile:
        """Partner of a cXML document by its From credential (domain is case-insensitive)."""
        snap = self._snapshot
        shown = f"{domain.strip()}:{identity.strip()}"
        partner_id = snap.identities.find("cxml", (domain.strip().lower(), identity.strip()), None)
        if partner_id is None:
            raise UnknownPartner(f"unknown cXML credential {shown}", kind="cxml_from", value=shown)
        return self._active(snap, partner_id, "cxml_from", shown)


def _unquote(value: str) -> str:
    """AS2 ids with spaces travel quoted in headers (RFC 4130 section 6.2)."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('\\"', '"')
    return value
