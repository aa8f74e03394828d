"""Profile validation: every bad field gives one message naming the file and the field path."""

from __future__ import annotations

from pathlib import Path

import pytest

from partners.refs import SecretRef
from partners.registry import check_path
from tests.unit.test_partners_support import DELETE, copy_samples, edited, read, write

PEM_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn\n-----END RSA PRIVATE KEY-----\n"

# (partner, field to edit, new value, field the message must name, text the message must contain)
BAD_FIELDS = [
    ("bigbox", "id", "BigBox", "id", "pattern"),
    ("bigbox", "id", "bigbox2", "id", "must match the file name"),
    ("bigbox", "name", DELETE, "name", "required field is missing"),
    ("bigbox", "status", "active", "status", "'testing', 'live' or 'paused'"),
    ("bigbox", "colour", "blue", "colour", "unknown field"),
    ("bigbox", "identities", {}, "identities", "at least one identity"),
    ("bigbox", "identities.isa[0].qualifier", "Z", "identities.isa[0].qualifier", "pattern"),
    ("bigbox", "identities.isa[0].id", "X" * 16, "identities.isa[0].id", "at most 15"),
    ("bigbox", "identities.isa[0].id", 12345, "identities.isa[0].id", "quoted string"),
    ("bigbox", "identities.as2", [], "identities.as2", "required with transports.as2"),
    ("bigbox", "transports", {}, "transports", "at least one transport"),
    ("bigbox", "transports.as2.url", "not a url", "transports.as2.url", "URL"),
    ("bigbox", "transports.as2.requre_signature", True, "transports.as2.requre_signature", "unknown field"),
    ("bigbox", "transports.as2.signing", "md5", "transports.as2.signing", "'sha256'"),
    ("bigbox", "transports.as2.encryption", "des", "transports.as2.encryption", "'aes256'"),
    ("bigbox", "transports.as2.mdn", {"mode": "async"}, "transports.as2.mdn", "async_url"),
    ("bigbox", "transports.as2.mdn", {"async_url": "https://x.example/mdn"}, "transports.as2.mdn", "mode: async"),
    ("bigbox", "transports.as2.partner_certificate", "MIIC...", "transports.as2.partner_certificate", "reference"),
    ("bigbox", "transports.as2.our_key", {"file": "/etc/ssl/our.key"}, "transports.as2.our_key", "absolute path"),
    ("bigbox", "transports.as2.our_key", {"file": "../keys/our.key"}, "transports.as2.our_key", "leaves the partners"),
    ("bigbox", "transports.as2.our_key", {"file": "${HOME}/our.key"}, "transports.as2.our_key", "only ${EDIGW_HOME}"),
    ("bigbox", "transports.as2.our_key", {"file": "${EDIGW_HOME}/../x"}, "transports.as2.our_key", "without '..'"),
    ("bigbox", "transports.as2.our_key", {"env": "1BAD"}, "transports.as2.our_key", "environment variable"),
    ("bigbox", "transports.as2.our_key", {"env": "A", "file": "b"}, "transports.as2.our_key", "exactly one"),
    ("bigbox", "transports.as2.our_key", {"path": "x"}, "transports.as2.our_key.path", "unknown field"),
    ("bigbox", "documents.inbound[0].version", 4010, "documents.inbound[0].version", "quoted string"),
    ("bigbox", "documents.inbound[0].version", "4010", "documents.inbound[0]", "004010"),
    ("bigbox", "documents.inbound[0].transaction", "85", "documents.inbound[0]", "3-digit"),
    ("bigbox", "documents.outbound[1]", {"transaction": "855", "version": "004010"}, "documents", "twice"),
    ("bigbox", "documents.ack", "998", "documents.ack", "'997'"),
    ("bigbox", "documents.delimiters.element", "~", "documents.delimiters", "differ"),
    ("bigbox", "documents.delimiters.segment", "ab", "documents.delimiters", "one punctuation character"),
    ("bigbox", "documents.delimiters.repetition", "^", "documents.delimiters.repetition", "use null"),
    ("bigbox", "documents.delimiters.suffix", "\t", "documents.delimiters.suffix", "Input should be"),
    ("bigbox", "documents.expect_ack_within_minutes", 0, "documents.expect_ack_within_minutes", "equal to 1"),
    ("bigbox", "rules.uom", {"CASE": "CS"}, "rules.uom.CASE", "pattern"),
    ("bigbox", "rules.required", {"order": ["lines[.item"]}, "rules.required.order[0]", "pattern"),
    ("bigbox", "rules.required", {"quote": ["po_number"]}, "rules.required.quote", "'order'"),
    ("bigbox", "rules.qualifiers.item_id", {"MG": "part"}, "rules.qualifiers.item_id.MG", "'vendor_part'"),
    ("bigbox", "rules.item_xref.file", "bigbox/missing.csv", "rules.item_xref.file", "not found"),
    ("bigbox", "rules.item_xref.file", "/etc/passwd", "rules.item_xref.file", "absolute path"),
    ("bigbox", "rules.item_xref.file", "../../etc/passwd", "rules.item_xref.file", "leaves the partners folder"),
    ("bigbox", "routing", {"order": ["erp"], "850": ["wms"]}, "routing", "both name document type 'order'"),
    ("bigbox", "routing", {"order": []}, "routing", "lists no sinks"),
    ("bigbox", "routing", {"order": ["erp", "erp"]}, "routing", "more than once"),
    ("bigbox", "routing", {"quote": ["erp"]}, "routing", "unknown document type"),
    ("bigbox", "routing", {"order": ["ERP"]}, "routing.order[0]", "pattern"),
    ("bigbox", "routing", {"invoice": ["erp"]}, "documents.inbound[0]", "no route for 'order'"),
    ("bigbox", "routing", {"order": ["erp"], "invoice": ["erp"]}, "routing.invoice", "sends no 'invoice'"),
    ("bigbox", "control_numbers.our_isa", DELETE, "control_numbers.our_isa", "required with identities.isa"),
    ("bigbox", "control_numbers.start", 0, "control_numbers.start", "equal to 1"),
    ("bigbox", "xml_mapping", "bigbox/mapping.yaml", "xml_mapping", "not found"),
    ("northwind-dist", "transports.sftp.host_key_fingerprint", "MD5:aa:bb", "transports.sftp.host_key_fingerprint", ""),
    ("northwind-dist", "transports.sftp.port", 70000, "transports.sftp.port", "less than or equal to 65535"),
    ("northwind-dist", "transports.sftp.archive", DELETE, "transports.sftp", "archive folder"),
    ("northwind-dist", "transports.sftp.outbound", "/to_supplier", "transports.sftp", "different folders"),
    ("northwind-dist", "transports.sftp.after_download", "keep", "transports.sftp.after_download", "'delete'"),
    ("northwind-dist", "transports.sftp.min_file_age_seconds", -1, "transports.sftp.min_file_age_seconds", "to 0"),
    ("acme-supply", "documents.inbound[0].transaction", "Confirmation", "documents.inbound[0]", "cXML transaction"),
    ("acme-supply", "documents.inbound[0].version", "1.2", "documents.inbound[0]", "1.2.069"),
    ("acme-supply", "identities", {"sftp_account": "acme"}, "identities.cxml", "required with transports.cxml"),
    ("acme-supply", "transports.cxml.deployment_mode", "prod", "transports.cxml.deployment_mode", "'production'"),
]


def _ids(case: tuple) -> str:
    return f"{case[0]}:{case[1]}={str(case[2])[:20]}"


@pytest.mark.parametrize("partner,field,value,named,text", BAD_FIELDS, ids=[_ids(c) for c in BAD_FIELDS])
def test_bad_field_is_named_with_file_and_path(tmp_path: Path, partner, field, value, named, text) -> None:
    folder = copy_samples(tmp_path)
    path = write(folder, partner, edited(read(folder, partner), field, value))

    profiles, errors = check_path(folder)

    assert profiles == []
    assert errors, "expected a validation error"
    mine = [e for e in errors if e.field == named]
    assert mine, f"no error names {named!r}: {[str(e) for e in errors]}"
    assert any(text in e.message for e in mine), [str(e) for e in mine]
    assert all(e.file.endswith(path.name) for e in errors)
    assert str(mine[0]).startswith(f"{mine[0].file}: {named}: ")


def test_samples_are_valid() -> None:
    profiles, errors = check_path(Path(__file__).resolve().parents[2] / "samples" / "partners")
    assert errors == []
    assert {p.id for p in profiles} >= {"bigbox", "northwind-dist", "acme-supply"}


@pytest.mark.parametrize(
    "field,value",
    [
        ("transports.sftp.password", "hunter2"),
        ("transports.sftp.key", "hunter2"),
        ("transports.sftp.key", PEM_KEY),
        ("transports.sftp.api_token", "abc123"),
        ("name", PEM_KEY),
        ("notes", ["ok", PEM_KEY]),
    ],
)
def test_inline_secrets_are_refused(tmp_path: Path, field: str, value) -> None:
    folder = copy_samples(tmp_path)
    write(folder, "northwind-dist", edited(read(folder, "northwind-dist"), field, value))

    _, errors = check_path(folder)

    refused = [e for e in errors if "refused" in e.message]
    assert len(refused) == 1, [str(e) for e in errors]
    assert refused[0].field.startswith(field)
    assert "{env: NAME}" in refused[0].message or "{file: PATH}" in refused[0].message
    if value == PEM_KEY or isinstance(value, list):
        assert "private key" in refused[0].message
    # the refusal replaces, not adds to, the schema message for the same field
    assert not [e for e in errors if e.field == refused[0].field and e is not refused[0]]


def test_secret_never_echoed(tmp_path: Path) -> None:
    folder = copy_samples(tmp_path)
    write(folder, "northwind-dist", edited(read(folder, "northwind-dist"), "transports.sftp.password", "hunter2"))
    _, errors = check_path(folder)
    assert "hunter2" not in "\n".join(str(e) for e in errors)


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    folder = copy_samples(tmp_path)
    path = folder / "bigbox.yaml"
    path.write_text(path.read_text() + "\nrouting:\n  order: [wms]\n")
    _, errors = check_path(folder)
    assert len(errors) == 1
    assert "duplicate key 'routing'" in errors[0].message and errors[0].file.endswith("bigbox.yaml")


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    folder = copy_samples(tmp_path)
    (folder / "broken.yaml").write_text("id: broken\nname: [unclosed\n")
    _, errors = check_path(folder)
    assert [e.file.endswith("broken.yaml") for e in errors] == [True]
    assert "line" in errors[0].message


def test_not_a_mapping(tmp_path: Path) -> None:
    folder = copy_samples(tmp_path)
    (folder / "list.yaml").write_text("- a\n- b\n")
    _, errors = check_path(folder)
    assert "must be a YAML mapping" in errors[0].message


def test_single_file_reports_only_its_own_problems(tmp_path: Path) -> None:
    folder = copy_samples(tmp_path)
    write(folder, "bigbox", edited(read(folder, "bigbox"), "status", "bogus"))
    profiles, errors = check_path(folder / "northwind-dist.yaml")
    assert errors == [] and [p.id for p in profiles] == ["northwind-dist"]
    profiles, errors = check_path(folder / "bigbox.yaml")
    assert profiles == [] and errors[0].field == "status"


def test_paths_resolve_relative_to_profile(tmp_path: Path) -> None:
    folder = copy_samples(tmp_path)
    profiles, _ = check_path(folder)
    bigbox = next(p for p in profiles if p.id == "bigbox")
    assert bigbox.path(bigbox.rules.item_xref.file) == (folder / "bigbox" / "items.csv").resolve()
    assert bigbox.samples_dir == folder / "bigbox" / "samples"


def test_secret_refs_expand_edigw_home_at_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = copy_samples(tmp_path)
    profiles, _ = check_path(folder)
    as2 = next(p for p in profiles if p.id == "bigbox").transports.as2
    assert as2 is not None
    monkeypatch.setenv("EDIGW_HOME", str(tmp_path / "home"))
    assert as2.partner_certificate.location() == tmp_path / "home" / "keys" / "BIGBOX-AS2.crt"
    (tmp_path / "home" / "keys").mkdir(parents=True)
    (tmp_path / "home" / "keys" / "BIGBOX-AS2.crt").write_bytes(b"cert")
    assert as2.partner_certificate.read() == b"cert"


def test_env_secret_ref_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    ref = SecretRef.model_validate({"env": "ACME_SECRET"})
    monkeypatch.setenv("ACME_SECRET", "s3cret")
    assert ref.read() == b"s3cret" and ref.location() is None and str(ref) == "env:ACME_SECRET"


@pytest.mark.parametrize(
    "csv,text",
    [
        ("buyer_part,price\n1,2\n", "unknown column 'price'"),
        ("vendor_part,sku\nA,B\n", "header needs buyer_part"),
        ("buyer_part,vendor_part\n1,A\n2,A\n", "line 3: vendor_part 'A' already on line 2"),
        ("buyer_part,vendor_part\n,A\n", "line 2: buyer_part is empty"),
    ],
)
def test_bad_item_xref_csv(tmp_path: Path, csv: str, text: str) -> None:
    folder = copy_samples(tmp_path)
    (folder / "bigbox" / "items.csv").write_text(csv)
    _, errors = check_path(folder)
    assert [(e.field, text in e.message) for e in errors] == [("rules.item_xref.file", True)], errors


def test_xml_mapping_reference(tmp_path: Path) -> None:
    folder = copy_samples(tmp_path)
    (folder / "acme-supply" / "orders-mapping.yaml").write_text("root: Order\nfields: {po_number: '@id'}\n")
    data = edited(read(folder, "acme-supply"), "xml_mapping", "acme-supply/orders-mapping.yaml")
    write(folder, "acme-supply", data)
    profiles, errors = check_path(folder)
    assert errors == []
    acme = next(p for p in profiles if p.id == "acme-supply")
    assert acme.path(acme.xml_mapping) == (folder / "acme-supply" / "orders-mapping.yaml").resolve()
    (folder / "acme-supply" / "orders-mapping.yaml").write_text("- not a mapping\n")
    _, errors = check_path(folder)
    assert [(e.field, e.message) for e in errors] == [("xml_mapping", "the mapping file must be a YAML mapping")]
