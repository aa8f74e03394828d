"""The partner profile: one YAML file per trading partner, no code.

Schema rules that matter to a partner manager:

* unknown keys are errors (``extra="forbid"``), so a misspelled ``requre_signature``
  cannot silently fall back to a default;
* identifiers and versions are strings: unquoted ``version: 004010`` would be read by
  YAML as an octal number, so numbers there are refused with a hint to quote them;
* secrets and certificates are references (:class:`~partners.refs.SecretRef`); inline
  keys and passwords are refused before the schema even runs (see ``registry``);
* files a profile names (item cross-reference, XML mapping) are relative to the profile
  and must stay inside the partners folder.

Cross-field checks that need the whole profile (every inbound document has a route,
X12 needs our ISA id, ...) are in :meth:`Profile.problems` so each message can name
the field it is about.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .doctypes import DocumentType, document_type_of
from .refs import SecretRef, context_dirs, resolve_inside
from .routing import Routing

__all__ = [
    "Profile",
    "Status",
    "IsaId",
    "CxmlCredential",
    "Identities",
    "Mdn",
    "As2Transport",
    "SftpTransport",
    "CxmlTransport",
    "Transports",
    "DocumentSpec",
    "Delimiters",
    "Documents",
    "ItemXrefRule",
    "Qualifiers",
    "Rules",
    "ControlNumbers",
    "Reconciliation",
    "FIELD_PATH",
]

Status = Literal["testing", "live", "paused"]


def _no_numbers(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"must be a quoted string (YAML read the unquoted value as the number {value!r})")
    return value


def _number_to_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


#: Text that must be written as a string in YAML (identifiers, versions).
Text = Annotated[str, BeforeValidator(_no_numbers), BeforeValidator(_strip)]
As2Id = Annotated[Text, StringConstraints(pattern=r"^[\x21-\x7e](?:[\x20-\x7e]{0,126}[\x21-\x7e])?$", max_length=128)]
GsId = Annotated[Text, StringConstraints(min_length=2, max_length=15, pattern=r"^[\x20-\x7e]+$")]
UomCode = Annotated[Text, StringConstraints(pattern=r"^[A-Z0-9]{2}$")]
#: Dotted canonical field path; ``[]`` means "every element", e.g. ``lines[].item.vendor_part``.
FIELD_PATH = r"^[a-z_][a-z0-9_]*(\[\])?(\.[a-z_][a-z0-9_]*(\[\])?)*$"
FieldPath = Annotated[str, StringConstraints(pattern=FIELD_PATH)]
ItemField = Literal["buyer_part", "vendor_part", "upc", "gtin", "sku"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _profile_file(value: str, info: ValidationInfo) -> str:
    """Check a file path the profile names (relative, inside the partners folder, present)."""
    dirs = context_dirs(info)
    resolve_inside(value, *(dirs or (None, None)), must_exist=dirs is not None)
    return value


# --------------------------------------------------------------------------- identities


class IsaId(_Strict):
    """ISA05/ISA06 (or ISA07/ISA08): qualifier + id, compared without the space padding."""

    qualifier: Annotated[Text, StringConstraints(pattern=r"^[0-9A-Z]{2}$")]
    id: Annotated[Text, StringConstraints(min_length=1, max_length=15, pattern=r"^[\x20-\x7e]+$")]

    def key(self) -> tuple[str, str]:
        return self.qualifier, self.id

    def __str__(self) -> str:
        return f"{self.qualifier}:{self.id}"


class CxmlCredential(_Strict):
    """A cXML ``<Credential domain="NetworkID"><Identity>AN01...</Identity>``."""

    domain: Annotated[Text, StringConstraints(min_length=1, max_length=64)]
    identity: Annotated[Text, StringConstraints(min_length=1, max_length=128)]

    def key(self) -> tuple[str, str]:
        return self.domain.lower(), self.identity

    def __str__(self) -> str:
        return f"{self.domain}:{self.identity}"


class Identities(_Strict):
    """How inbound traffic is recognised as this partner's (each must be unique across profiles)."""

    isa: list[IsaId] = Field(default_factory=list)
    gs: list[GsId] = Field(default_factory=list)
    as2: list[As2Id] = Field(default_factory=list)
    sftp_account: Annotated[Text, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,64}$")] | None = None
    cxml: list[CxmlCredential] = Field(default_factory=list)

    @field_validator("as2", "gs", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _at_least_one(self) -> Identities:
        if not (self.isa or self.gs or self.as2 or self.sftp_account or self.cxml):
            raise ValueError("give at least one identity (isa, gs, as2, sftp_account or cxml)")
        return self


# --------------------------------------------------------------------------- transports


class Mdn(_Strict):
    """AS2 receipt settings: how the partner returns MDNs for what we send."""

    mode: Literal["sync", "async"] = "sync"
    async_url: HttpUrl | None = None
    #: ask for a signed MDN and treat an unsigned one as a failed delivery.
    require_signed: bool = True

    @model_validator(mode="after")
    def _async_needs_url(self) -> Mdn:
        if self.mode == "async" and self.async_url is None:
            raise ValueError("mode async needs async_url (where the partner posts MDNs)")
        if self.mode == "sync" and self.async_url is not None:
            raise ValueError("async_url is only used with mode: async")
        return self


class As2Transport(_Strict):
    url: HttpUrl
    #: our AS2 id towards this partner (AS2-To of inbound, AS2-From of outbound).
    our_id: As2Id
    partner_certificate: SecretRef
    our_key: SecretRef
    our_certificate: SecretRef | None = None
    signing: Literal["sha1", "sha256", "sha384", "sha512"] = "sha256"
    encryption: Literal["aes128", "aes192", "aes256", "3des"] = "aes256"
    compression: bool = False
    mdn: Mdn = Field(default_factory=Mdn)
    #: refuse inbound messages that are not signed / not encrypted.
    require_signature: bool = True
    require_encryption: bool = True
    timeout_seconds: Annotated[int, Field(ge=1, le=600)] = 60


class SftpTransport(_Strict):
    """We poll the partner's SFTP server and push to it."""

    host: Annotated[Text, StringConstraints(pattern=r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")]
    port: Annotated[int, Field(ge=1, le=65535)] = 22
    user: Annotated[Text, StringConstraints(min_length=1, max_length=64)]
    key: SecretRef
    #: pinned host key (``ssh-keygen -lf``): unknown host keys are never accepted.
    host_key_fingerprint: Annotated[str, StringConstraints(pattern=r"^SHA256:[A-Za-z0-9+/]{43}=?$")]
    inbound: Annotated[str, StringConstraints(min_length=1)]
    outbound: Annotated[str, StringConstraints(min_length=1)]
    archive: str | None = None
    poll_interval_seconds: Annotated[int, Field(ge=5, le=86400)] = 60
    #: files younger than this may still be being written; skip them this round.
    min_file_age_seconds: Annotated[int, Field(ge=0, le=86400)] = 30
    after_download: Literal["delete", "archive"] = "archive"

    @model_validator(mode="after")
    def _archive_folder(self) -> SftpTransport:
        if self.after_download == "archive" and not self.archive:
            raise ValueError("after_download: archive needs an archive folder")
        if len({self.inbound, self.outbound, self.archive or self.inbound}) < (3 if self.archive else 2):
            raise ValueError("inbound, outbound and archive must be different folders")
        return self


class CxmlTransport(_Strict):
    """cXML over HTTPS to a procurement network (shared-secret authenticated)."""

    url: HttpUrl
    shared_secret: SecretRef
    deployment_mode: Literal["production", "test"] = "production"

    def secret(self, home: Path | None = None) -> str:
        """The shared secret now, as text (KeyError/OSError/UnicodeDecodeError when unavailable)."""
        return self.shared_secret.read(home).decode("utf-8").strip()


class Transports(_Strict):
    as2: As2Transport | None = None
    sftp: SftpTransport | None = None
    cxml: CxmlTransport | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> Transports:
        if self.as2 is None and self.sftp is None and self.cxml is None:
            raise ValueError("configure at least one transport (as2, sftp or cxml)")
        return self

    def names(self) -> list[str]:
        return [n for n in ("as2", "sftp", "cxml") if getattr(self, n) is not None]


# --------------------------------------------------------------------------- documents

_X12_SET = re.compile(r"^\d{3}$")
_X12_VERSION = re.compile(r"^\d{6}[A-Z0-9]{0,6}$")
_CXML_VERSION = re.compile(r"^1\.2\.\d{3}$")


class DocumentSpec(_Strict):
    standard: Literal["x12", "cxml", "xml"] = "x12"
    transaction: Annotated[str, BeforeValidator(_number_to_text)]
    version: Text

    @model_validator(mode="after")
    def _per_standard(self) -> DocumentSpec:
        if self.standard == "x12":
            if not _X12_SET.match(self.transaction):
                raise ValueError(f"X12 transaction {self.transaction!r} must be a 3-digit set id such as 850")
            if not _X12_VERSION.match(self.version):
                raise ValueError(f"X12 version {self.version!r} must look like 004010 or 005010")
        elif self.standard == "cxml":
            if self.transaction not in _CXML_REQUESTS:
                raise ValueError(f"cXML transaction {self.transaction!r} must be one of {', '.join(_CXML_REQUESTS)}")
            if not _CXML_VERSION.match(self.version):
                raise ValueError(f"cXML version {self.version!r} must look like 1.2.069")
        return self

    @property
    def document_type(self) -> str | None:
        return document_type_of(self.transaction)

    def __str__(self) -> str:
        return f"{self.transaction}/{self.version}" if self.standard == "x12" else f"{self.transaction}"


_CXML_REQUESTS = ("OrderRequest", "ConfirmationRequest", "ShipNoticeRequest", "InvoiceDetailRequest")


class Delimiters(_Strict):
    """Separators of the X12 we send this partner (inbound ones are read from each ISA)."""

    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str | None = "^"
    suffix: Literal["", "\n", "\r\n"] = ""

    @model_validator(mode="after")
    def _distinct_single_chars(self) -> Delimiters:
        chars = {"element": self.element, "component": self.component, "segment": self.segment}
        if self.repetition is not None:
            chars["repetition"] = self.repetition
        for name, char in chars.items():
            if len(char) != 1 or char.isalnum() or char.isspace():
                raise ValueError(f"{name} {char!r} must be one punctuation character")
        if len(set(chars.values())) != len(chars):
            raise ValueError(f"delimiters must differ from each other: {chars}")
        return self


class Documents(_Strict):
    inbound: list[DocumentSpec] = Field(default_factory=list)
    outbound: list[DocumentSpec] = Field(default_factory=list)
    delimiters: Delimiters = Field(default_factory=Delimiters)
    #: functional acknowledgement we send for inbound X12 (and expect back for outbound).
    ack: Annotated[Literal["997", "999", "none"], BeforeValidator(_number_to_text)] = "997"
    ta1: bool = False
    #: refuse ISAs whose fixed-width fields are not padded (TA105 005-008...); set false
    #: for a partner whose software sends unpadded ISAs that are otherwise fine.
    strict_isa: bool = True
    #: alert when the partner's 997/999 for our outbound is this late.
    expect_ack_within_minutes: Annotated[int, Field(ge=1, le=10080)] | None = None
    #: alert when the partner's 855 for an order we sent is this late.
    expect_855_within_hours: Annotated[int, Field(ge=1, le=720)] | None = None
    #: alert when nothing has arrived from the partner for this long (``gateway.alerts``).
    silent_alert_hours: Annotated[int, Field(ge=1, le=8760)] | None = None

    @model_validator(mode="after")
    def _no_duplicates(self) -> Documents:
        for direction in ("inbound", "outbound"):
            seen: set[tuple[str, str, str]] = set()
            for spec in getattr(self, direction):
                key = (spec.standard, spec.transaction, spec.version)
                if key in seen:
                    raise ValueError(f"{direction} lists {spec} twice")
                seen.add(key)
        if not (self.inbound or self.outbound):
            raise ValueError("list at least one inbound or outbound document")
        return self

    def accepts_cxml(self, request: str) -> bool:
        """The partner may send us this cXML request (``OrderRequest``, ...): it is listed inbound."""
        return any(s.standard == "cxml" and s.transaction == request for s in self.inbound)

    def x12_agreement(self) -> dict[str, frozenset[str]]:
        """X12 set id -> the versions (GS08 prefixes) the partner may send it in.

        The inbound documents as listed; acknowledgements (997, 999) in any X12 version
        of the agreement, since they answer what we send.
        """
        agreed: dict[str, set[str]] = {}
        for spec in self.inbound:
            if spec.standard == "x12":
                agreed.setdefault(spec.transaction, set()).add(spec.version)
        versions = {s.version for s in (*self.inbound, *self.outbound) if s.standard == "x12"}
        for ack in ("997", "999"):
            agreed.setdefault(ack, set()).update(versions)
        return {set_id: frozenset(v) for set_id, v in agreed.items()}


# --------------------------------------------------------------------------- rules


class ItemXrefRule(_Strict):
    file: Annotated[str, BeforeValidator(_profile_file)]
    #: an item the table does not know is a rule failure (otherwise it passes unchanged).
    required: bool = False


class Qualifiers(_Strict):
    #: partner's party id qualifier (N103) -> ours, e.g. {"92": "ZZ"}.
    party_id: dict[Text, Text] = Field(default_factory=dict)
    #: item id qualifier the partner uses (kept in ``other_ids``) -> canonical item field.
    item_id: dict[Text, ItemField] = Field(default_factory=dict)


class Rules(_Strict):
    """Rule *definitions*; ``translators.rules`` applies them to canonical documents."""

    required: dict[DocumentType, list[FieldPath]] = Field(default_factory=dict)
    #: partner's unit of measure -> ours, e.g. {"CA": "CS"}.
    uom: dict[UomCode, UomCode] = Field(default_factory=dict)
    qualifiers: Qualifiers = Field(default_factory=Qualifiers)
    item_xref: ItemXrefRule | None = None
    #: values set where the document has none, e.g. {order: {currency: USD, ship_to: {...}}}.
    defaults: dict[DocumentType, dict[FieldPath, Any]] = Field(default_factory=dict)
    #: every SSCC (packs), GTIN and UPC (items) must carry its right GS1 check digit, in
    #: what the partner sends and in what we send it (retail ASN compliance).
    gs1_check_digits: bool = False


# --------------------------------------------------------------------------- the profile


class Reconciliation(_Strict):
    """Three-way match tolerances (``gateway.reconcile``); a line within every tolerance is "matched".

    Quantities may differ by ``quantity_pct`` percent of the ordered quantity; a unit
    price passes when it is within ``price_abs`` OR within ``price_pct`` percent of the
    ordered price (the larger allowance wins, as AP departments usually set it).
    """

    quantity_pct: Annotated[Decimal, Field(ge=0, le=100)] = Decimal("0")
    price_abs: Annotated[Decimal, Field(ge=0)] = Decimal("0.01")
    price_pct: Annotated[Decimal, Field(ge=0, le=100)] = Decimal("0")


class ControlNumbers(_Strict):
    """Our side of the envelopes for this partner, and where numbering starts."""

    start: Annotated[int, Field(ge=1, le=999_999_999)] = 1
    our_isa: IsaId | None = None
    our_gs: GsId | None = None


class Profile(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    status: Status = "testing"
    identities: Identities
    transports: Transports
    documents: Documents
    rules: Rules = Field(default_factory=Rules)
    routing: Routing = Field(default_factory=Routing)
    control_numbers: ControlNumbers = Field(default_factory=ControlNumbers)
    reconciliation: Reconciliation = Field(default_factory=Reconciliation)
    #: mapping YAML for this partner's own XML format (relative to the profile).
    xml_mapping: Annotated[str, BeforeValidator(_profile_file)] | None = None

    _source: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _remember_source(self, info: ValidationInfo) -> Profile:
        source = (info.context or {}).get("source")
        self._source = Path(source) if source else None
        return self

    @property
    def source(self) -> Path | None:
        """The YAML file this profile was read from (None when built in code)."""
        return self._source

    def path(self, relative: str) -> Path:
        """A file the profile names (``rules.item_xref.file``, ``xml_mapping``) as a usable path."""
        base = self._source.parent if self._source else Path.cwd()
        return (base / relative).resolve()

    @property
    def samples_dir(self) -> Path | None:
        """``<partners folder>/<id>/samples``: sample files for ``edigw partners test``."""
        return self._source.parent / self.id / "samples" if self._source else None

    def sinks_for(self, document_type: str) -> tuple[str, ...]:
        """Sinks receiving ``document_type`` from this partner (:class:`~partners.errors.NoRoute` if none)."""
        return self.routing.sinks_for(document_type, self.id)

    def problems(self) -> list[tuple[str, str]]:
        """Cross-field problems as (field path, message); empty when consistent."""
        out: list[tuple[str, str]] = []
        inbound_types: set[str] = set()
        for direction in ("inbound", "outbound"):
            for i, spec in enumerate(getattr(self.documents, direction)):
                where = f"documents.{direction}[{i}]"
                if spec.standard == "x12" and not self.identities.isa:
                    out.append((where, f"X12 {spec} needs identities.isa"))
                if spec.standard == "cxml" and not self.identities.cxml:
                    out.append((where, f"cXML {spec} needs identities.cxml"))
                if spec.standard == "xml" and self.xml_mapping is None:
                    out.append((where, f"partner XML {spec.transaction} needs xml_mapping"))
                if direction == "inbound" and spec.document_type:
                    inbound_types.add(spec.document_type)
                    if not self.routing.has_route(spec.document_type):
                        out.append((where, f"no route for {spec.document_type!r} and no routing.default"))
        for doc_type in sorted(self.routing.routed_types() - inbound_types):
            out.append((f"routing.{doc_type}", f"partner sends no {doc_type!r} documents (see documents.inbound)"))
        outbound_x12 = [d.version for d in self.documents.outbound if d.standard == "x12"]
        explicit = "repetition" in self.documents.delimiters.model_fields_set
        if explicit and self.documents.delimiters.repetition and outbound_x12 and max(outbound_x12) < "004020":
            out.append(("documents.delimiters.repetition", "X12 before 004020 has no repetition separator: use null"))
        if self.identities.isa and self.control_numbers.our_isa is None:
            out.append(("control_numbers.our_isa", "required with identities.isa (our ISA id towards this partner)"))
        if self.identities.as2 and self.transports.as2 is None:
            out.append(("transports.as2", "required with identities.as2"))
        if self.transports.as2 is not None and not self.identities.as2:
            out.append(("identities.as2", "required with transports.as2 (the partner's AS2-From)"))
        if self.transports.cxml is not None and not self.identities.cxml:
            out.append(("identities.cxml", "required with transports.cxml"))
        return out

    def summary(self) -> dict[str, str]:
        """One row for ``edigw partners list``."""
        docs_in = ", ".join(str(d) for d in self.documents.inbound)
        docs_out = ", ".join(str(d) for d in self.documents.outbound)
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "transports": ", ".join(self.transports.names()),
            "documents": f"in: {docs_in or '-'}; out: {docs_out or '-'}",
        }
