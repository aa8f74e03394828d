"""Simulators, the parts without sockets: GS1 codes, auth checks, fault plans, documents, X12, acks."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from edi.x12.control import InMemoryAllocator
from edi.x12.parse import parse
from edi.x12.validate import validate
from samples.simulators.as2_peer import as2_endpoint
from samples.simulators.auth import AuthConfig, authorized, hmac_signature
from samples.simulators.erp import invoice_for, po_ack_for, posting_status
from samples.simulators.faults import Faults
from samples.simulators.gs1 import check_digit, sscc18, valid_sscc
from samples.simulators.partner import acks_for, describe
from samples.simulators.wms import WmsConfig, ship_notice_for
from samples.simulators.x12gen import CATALOG, Line850, drop_sftp, make_850
from tasks.sinks import HttpJsonSink, SinkConfig
from tests.conftest import SAMPLES
from translators.canonical import Invoice, Order, PoAck, ShipNotice
from translators.translate import translate_bytes

TODAY = dt.date(2026, 2, 2)


def golden_order() -> Order:
    [entry] = json.loads((SAMPLES / "x12/850/bigbox_4010_standalone.canonical.json").read_text())
    return Order.model_validate(entry["document"])


# -- GS1 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "digit"),
    [("10614141123456789", "7"), ("629104150021", "3"), ("03600029145", "2"), ("00000000000000000", "0")],
)
def test_gs1_check_digit_matches_published_examples(data: str, digit: str) -> None:
    assert check_digit(data) == digit


def test_sscc18_is_18_digits_with_a_valid_check_digit() -> None:
    code = sscc18("0614141", 123456789, extension=1)
    assert code == "106141411234567897"
    assert valid_sscc(code) and not valid_sscc(code[:-1] + "8")
    with pytest.raises(ValueError):
        sscc18("0614141", 10**9)  # 9 serial digits fit a 7-digit prefix, 10 do not


# -- auth: the headers the gateway's own sink connector writes are accepted -------------


def sink(auth: dict[str, object], **extra: object) -> HttpJsonSink:
    config = SinkConfig.model_validate(
        {"name": "s", "base_url": "http://127.0.0.1:1", "paths": {"order": "/o"}, "auth": auth, **extra}
    )
    return HttpJsonSink(config)


@pytest.mark.parametrize(
    ("sink_auth", "ours", "wrong"),
    [
        (
            {"type": "bearer", "token": {"env": "SIM_SECRET"}},
            AuthConfig(type="bearer", token="s3cret"),
            AuthConfig(type="bearer", token="other"),
        ),
        (
            {"type": "hmac", "secret": {"env": "SIM_SECRET"}},
            AuthConfig(type="hmac", secret="s3cret"),
            AuthConfig(type="hmac", secret="other"),
        ),
        (
            {"type": "basic", "username": "edigw", "password": {"env": "SIM_SECRET"}},
            AuthConfig(type="basic", password="s3cret"),
            AuthConfig(type="basic", username="someone", password="s3cret"),
        ),
    ],
    ids=["bearer", "hmac", "basic"],
)
def test_auth_accepts_the_gateway_sink_headers_and_refuses_other_credentials(
    monkeypatch: pytest.MonkeyPatch, sink_auth: dict[str, object], ours: AuthConfig, wrong: AuthConfig
) -> None:
    monkeypatch.setenv("SIM_SECRET", "s3cret")
    connector = sink(sink_auth)
    body = connector.body_for("order", {"po_number": "1"}, "bigbox")
    headers = connector.headers_for(body, "key-1", "corr-1")
    assert authorized(ours, headers, body)
    assert not authorized(wrong, headers, body)
    assert not authorized(ours, {}, body)


def test_hmac_refuses_a_changed_body_and_a_stale_timestamp() -> None:
    auth = AuthConfig(type="hmac", secret="k")
    stamp = "1700000000"
    headers = {"X-Edigw-Timestamp": stamp, "X-Edigw-Signature": hmac_signature("k", stamp, b"{}")}
    assert authorized(auth, headers, b"{}", now=1700000010)
    assert not authorized(auth, headers, b'{"a":1}', now=1700000010)
    assert not authorized(auth, headers, b"{}", now=1700000000 + 301)


def test_basic_auth_garbage_is_refused_not_an_error() -> None:
    auth = AuthConfig(type="basic", password="p")
    assert not authorized(auth, {"Authorization": "Basic !!!"}, b"")
    good = base64.b64encode(b"edigw:p").decode()
    assert authorized(auth, {"Authorization": f"Basic {good}"}, b"")


def test_auth_config_needs_its_secret() -> None:
    with pytest.raises(ValidationError):
        AuthConfig(type="hmac")


# -- fault plans ----------------------------------------------------------------------


def test_faults_are_taken_in_order_and_counted_down() -> None:
    faults = Faults().merged({"fail_next": 1, "throttle_next": 1, "drop_next": 1, "timeout_next": 1})
    assert [faults.take() for _ in range(5)] == ["drop", "timeout", "throttle", "fail", None]


def test_fault_changes_are_validated() -> None:
    with pytest.raises(ValidationError):
        Faults().merged({"fail_nxt": 1})
    with pytest.raises(ValidationError):
        Faults().merged({"fail_status": 200})
    assert Faults().merged({"latency": 0.5}).fail_next == 0


# -- business documents the simulators send back ----------------------------------------


def test_po_ack_accepts_every_line_as_ordered() -> None:
    order = golden_order()
    ack = PoAck.model_validate(po_ack_for(order, TODAY).dump())
    assert ack.po_number == order.po_number and ack.ack_type == "accepted" and ack.ack_date == TODAY
    assert [(x.line_number, x.quantity, x.unit_price, x.item) for x in ack.lines] == [
        (x.line_number, x.quantity, x.unit_price, x.item) for x in order.lines
    ]
    assert {x.status for x in ack.lines} == {"accepted"}


def test_invoice_bills_the_order_and_posts_cleanly() -> None:
    order = golden_order()
    invoice = Invoice.model_validate(invoice_for(order, TODAY).dump())
    assert invoice.invoice_number == f"INV-{order.po_number}" and invoice.po_number == order.po_number
    assert invoice.total_amount == sum(x.quantity * x.unit_price for x in order.lines)  # type: ignore[operator]
    assert invoice.total_amount == order.total_amount == Decimal(1849)
    assert posting_status(invoice)["status"] == "posted"
    wrong = invoice.model_copy(update={"total_amount": Decimal(1)})
    assert posting_status(wrong)["status"] == "exception"


def test_ship_notice_ships_everything_on_one_pallet_with_a_real_sscc() -> None:
    order = golden_order()
    notice = ShipNotice.model_validate(ship_notice_for(order, WmsConfig(), 42, TODAY).dump())
    [shipped] = notice.orders
    [pack] = shipped.packs
    assert shipped.po_number == order.po_number
    assert pack.sscc and valid_sscc(pack.sscc)
    assert [(i.line_number, i.quantity_shipped, i.uom) for i in pack.items] == [
        (x.line_number, x.quantity, x.uom) for x in order.lines
    ]
    assert notice.carrier_scac == "UPSN" and notice.tracking_number and notice.bill_of_lading
    assert notice.ship_to == order.ship_to


# -- X12 the partner sends --------------------------------------------------------------


@pytest.mark.parametrize("version", ["004010", "005010"])
def test_generated_850_validates_and_translates(version: str) -> None:
    data = make_850("PO-GEN-1", 6, version=version, control_number=77)
    [result] = validate(data)
    assert result.status == "A" and [g.status for g in result.groups] == ["A"]
    [ic] = parse(data)
    assert ic.control_number == "000000077" and ic.groups[0].control_number == "77"
    translated = translate_bytes(data)
    assert not translated.errors
    [doc] = translated.documents
    order = doc.document
    assert isinstance(order, Order) and order.po_number == "PO-GEN-1" and len(order.lines) == 6
    assert order.total_amount == sum(CATALOG[i % 4].amount for i in range(6))


def test_generated_850_takes_explicit_lines() -> None:
    line = Line850("1", "V1", "012345678905", "THING", Decimal(3), Decimal("2.25"), "CS")
    [doc] = translate_bytes(make_850("PO-X", [line, line])).documents
    assert [(x.quantity, x.uom, x.unit_price) for x in doc.document.lines] == [(3, "CS", Decimal("2.25"))] * 2  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        make_850("PO-X", [])


def test_catalog_items_are_in_bigbox_item_xref() -> None:
    with (SAMPLES / "partners/bigbox/items.csv").open(newline="") as fh:
        known = {row["buyer_part"]: row for row in csv.DictReader(fh)}
    for line in CATALOG:
        assert known[line.buyer_part]["vendor_part"] == line.vendor_part
        assert known[line.buyer_part]["upc"] == line.upc


def test_drop_sftp_renames_a_complete_file_into_place(tmp_path: Path) -> None:
    path = drop_sftp(tmp_path / "in", b"ISA...", "po-1.edi")
    assert path.read_bytes() == b"ISA..." and sorted(p.name for p in path.parent.iterdir()) == ["po-1.edi"]
    for bad in ("../x.edi", ".hidden", "a/b", ""):
        with pytest.raises(ValueError):
            drop_sftp(tmp_path, b"", bad)


# -- acks the partner sends back ----------------------------------------------------------


def test_partner_answers_an_855_with_an_accepting_997() -> None:
    received = (SAMPLES / "x12/855/acme_4010_accepted.edi").read_bytes()
    [ic_info] = describe(received)
    [(ack, control, acknowledges)] = acks_for(received, InMemoryAllocator(5))
    assert acknowledges == ic_info["interchange_control"] and control == "000000005"
    [ic] = parse(ack)
    [group] = ic.groups
    [ts] = group.sets
    assert group.functional_id == "FA" and ts.id == "997"
    segments = {seg[0]: seg for seg in ts.segments}
    assert segments["AK1"][1:3] == ["PR", ic_info["sets"][0]["group"]]
    assert segments["AK2"][1:3] == ["855", ic_info["sets"][0]["control"]]
    assert segments["AK9"][1] == "A"
    assert ic.sender_id == parse(received)[0].receiver_id  # the 997 goes back the other way


def test_partner_never_acknowledges_an_acknowledgement() -> None:
    ack = (SAMPLES / "x12/ack/accepted_850.997.edi").read_bytes()
    assert acks_for(ack, InMemoryAllocator()) == []


def test_as2_endpoint_appends_the_path_only_to_a_base_url() -> None:
    assert as2_endpoint("http://127.0.0.1:8080") == "http://127.0.0.1:8080/as2"
    assert as2_endpoint("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/as2"
    assert as2_endpoint("http://h:1/as2/receive") == "http://h:1/as2/receive"


def test_command_line_builds_each_simulator_config_from_flags() -> None:
    from samples.simulators.__main__ import _configs, _parser

    flags = ["--gateway-url", "http://127.0.0.1:1", "--erp-token", "t", "--delay", "2", "--faults", '{"fail_next": 1}']
    args = _parser().parse_args(["erp", *flags])
    configs = _configs(args)
    assert configs.erp.auth.token == "t" and configs.erp.gateway is not None
    assert (configs.erp.ack_delay, configs.erp.invoice_delay, configs.wms.ship_delay) == (2, 6, 4)
    assert configs.shop.faults.fail_next == 1 and configs.partner.gateway_url == "http://127.0.0.1:1"
    assert _configs(_parser().parse_args(["shop"])).erp.gateway is None
