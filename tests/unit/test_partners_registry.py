"""Registry: loading a folder, identity collisions, resolution of inbound messages, hot reload."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from partners.errors import AS2_UNKNOWN_TRADING_PARTNER, NoRoute, PartnerPaused, RegistryError, UnknownPartner
from partners.registry import Registry, default_folder
from partners.watch import FolderWatcher, watch, watch_async
from tests.unit.test_partners_support import SAMPLE_PARTNERS, copy_samples, edited, read, write


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_samples(tmp_path)


@pytest.fixture
def registry(folder: Path) -> Registry:
    return Registry.load(folder)


def test_default_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EDIGW_PARTNERS", raising=False)
    assert default_folder() == SAMPLE_PARTNERS
    monkeypatch.setenv("EDIGW_PARTNERS", str(tmp_path))
    assert default_folder() == tmp_path
    assert Registry().folder == tmp_path


def test_loads_samples(registry: Registry) -> None:
    assert {"bigbox", "northwind-dist", "acme-supply"} <= set(registry.profiles)
    assert "bigbox" in registry and len(registry) == len(list(registry))
    assert registry.get("bigbox").name == "BigBox Stores Inc."
    assert len(registry.xref("bigbox") or ()) == 4


# --------------------------------------------------------------------------- collisions

CLAIMS = [
    ("identities.isa", [{"qualifier": "ZZ", "id": "BIGBOXSTORES"}], "isa identity 'ZZ:BIGBOXSTORES'"),
    ("identities.gs", ["BIGBOXSTORES"], "gs identity 'BIGBOXSTORES'"),
    ("identities.as2", ["BIGBOX-AS2"], "as2 identity 'BIGBOX-AS2'"),
    ("identities.sftp_account", "northwind", "sftp identity 'northwind'"),
    ("identities.cxml", [{"domain": "networkid", "identity": "AN01000123456"}], "cxml identity"),
]


@pytest.mark.parametrize("field,value,text", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_two_profiles_claiming_one_identity_is_a_load_error(folder: Path, field: str, value, text: str) -> None:
    data = edited(read(folder, "bigbox"), "id", "copycat")
    own = {"isa": [{"qualifier": "ZZ", "id": "COPYCAT"}], "gs": ["COPYCAT"], "as2": ["COPYCAT-AS2"]}
    write(folder, "copycat", edited(edited(data, "identities", own), field, value))

    with pytest.raises(RegistryError) as info:
        Registry.load(folder)

    (error,) = info.value.errors
    assert error.field.startswith(field) or error.field.startswith("identities.")
    assert text in error.message and "also claimed by" in error.message
    files = {Path(error.file).name, Path(error.message.split("also claimed by ")[1].split(" (")[0]).name}
    assert "copycat.yaml" in files and len(files) == 2  # both files are named


def test_same_id_in_yaml_and_yml(folder: Path) -> None:
    (folder / "bigbox.yml").write_text((folder / "bigbox.yaml").read_text())
    with pytest.raises(RegistryError) as info:
        Registry.load(folder)
    messages = [str(e) for e in info.value.errors]
    assert any("bigbox.yml: id: 'bigbox' is also defined in" in m and "bigbox.yaml" in m for m in messages)


def test_missing_folder() -> None:
    with pytest.raises(RegistryError, match="partners folder not found"):
        Registry.load(Path("/nonexistent/partners"))


def test_same_sender_to_two_of_our_ids_is_two_partners(folder: Path) -> None:
    data = edited(read(folder, "bigbox"), "id", "bigbox-west")
    data = edited(data, "control_numbers.our_isa", {"qualifier": "ZZ", "id": "EDIGWWEST"})
    data = edited(data, "control_numbers.our_gs", "EDIGWWEST")
    write(folder, "bigbox-west", edited(data, "transports.as2.our_id", "EDIGW-WEST"))
    registry = Registry.load(folder)
    assert registry.resolve_isa("ZZ", "BIGBOXSTORES", "ZZ", "EDIGWWEST").id == "bigbox-west"
    assert registry.resolve_isa("ZZ", "BIGBOXSTORES", "ZZ", "EDIGW").id == "bigbox"
    assert registry.resolve_as2("BIGBOX-AS2", "EDIGW-WEST").id == "bigbox-west"
    assert registry.resolve_gs("BIGBOXSTORES", "EDIGW").id == "bigbox"
    with pytest.raises(UnknownPartner) as info:
        registry.resolve_gs("BIGBOXSTORES")  # which of the two? GS03 is needed
    assert info.value.kind == "gs_receiver"


def test_any_receiver_claim_collides_with_a_specific_one(folder: Path) -> None:
    data = edited(read(folder, "bigbox"), "id", "bigbox-any")
    data = edited(data, "identities", {"isa": [{"qualifier": "ZZ", "id": "BIGBOXOTHER"}], "gs": ["BIGBOXSTORES"]})
    data = edited(data, "transports", {"sftp": read(folder, "northwind-dist")["transports"]["sftp"]})
    data = edited(data, "documents", {"inbound": [{"transaction": "850", "version": "004010"}]})
    data = edited(data, "control_numbers", {"our_isa": {"qualifier": "ZZ", "id": "EDIGW"}})  # no our_gs: any
    write(folder, "bigbox-any", data)
    with pytest.raises(RegistryError) as info:
        Registry.load(folder)
    messages = [str(e) for e in info.value.errors]
    assert any("gs identity 'BIGBOXSTORES'" in m and "also claimed by" in m for m in messages), messages


# --------------------------------------------------------------------------- resolution


def test_resolve_by_isa_ignores_padding(registry: Registry) -> None:
    assert registry.resolve_isa("ZZ", "BIGBOXSTORES   ", "ZZ", "EDIGW          ").id == "bigbox"
    assert registry.resolve_isa("12", "5551234567", "01", "123456789").id == "northwind-dist"


def test_unknown_isa_sender_carries_ta1_006(registry: Registry) -> None:
    with pytest.raises(UnknownPartner) as info:
        registry.resolve_isa("ZZ", "NOBODY", "ZZ", "EDIGW")
    assert info.value.ta1_code == "006" and info.value.kind == "isa_sender" and info.value.value == "ZZ:NOBODY"


def test_isa_receiver_not_us_carries_ta1_009(registry: Registry) -> None:
    with pytest.raises(UnknownPartner) as info:
        registry.resolve_isa("ZZ", "BIGBOXSTORES", "ZZ", "SOMEONEELSE")
    assert info.value.ta1_code == "009" and info.value.kind == "isa_receiver"


def test_resolve_by_gs(registry: Registry) -> None:
    assert registry.resolve_gs("NWDIST", "123456789").id == "northwind-dist"
    assert registry.resolve_gs("BIGBOXSTORES").id == "bigbox"
    with pytest.raises(UnknownPartner) as info:
        registry.resolve_gs("NWDIST", "EDIGW")
    assert info.value.kind == "gs_receiver"
    with pytest.raises(UnknownPartner):
        registry.resolve_gs("NOPE")


def test_resolve_by_as2(registry: Registry) -> None:
    assert registry.resolve_as2("BIGBOX-AS2", "EDIGW-AS2").id == "bigbox"
    assert registry.resolve_as2('"BIGBOX-AS2"', '"EDIGW-AS2"').id == "bigbox"


def test_unknown_as2_ids_carry_mdn_dispositions(registry: Registry) -> None:
    with pytest.raises(UnknownPartner) as sender:
        registry.resolve_as2("STRANGER", "EDIGW-AS2")
    assert sender.value.as2_disposition == "unknown-trading-partner" and sender.value.ta1_code is None
    with pytest.raises(UnknownPartner) as receiver:
        registry.resolve_as2("BIGBOX-AS2", "NOT-US")
    assert receiver.value.as2_disposition == "unknown-trading-partner" and receiver.value.kind == "as2_to"


def test_as2_modifier_matches_the_as2_layer() -> None:
    from edi.as2.errors import UnknownTradingPartner

    assert UnknownTradingPartner.modifier == AS2_UNKNOWN_TRADING_PARTNER


def test_resolve_by_sftp_account(registry: Registry) -> None:
    assert registry.resolve_sftp("northwind").id == "northwind-dist"
    with pytest.raises(UnknownPartner) as info:
        registry.resolve_sftp("guest")
    assert info.value.kind == "sftp_account"


def test_resolve_by_cxml_credential(registry: Registry) -> None:
    assert registry.resolve_cxml("NetworkID", "AN01000123456").id == "acme-supply"
    assert registry.resolve_cxml("duns", "987654321").id == "acme-supply"
    with pytest.raises(UnknownPartner):
        registry.resolve_cxml("NetworkID", "AN0000")


def test_get_unknown_partner(registry: Registry) -> None:
    with pytest.raises(UnknownPartner):
        registry.get("nobody")


def test_paused_partner_is_a_distinct_result(folder: Path) -> None:
    write(folder, "bigbox", edited(read(folder, "bigbox"), "status", "paused"))
    registry = Registry.load(folder)
    with pytest.raises(PartnerPaused) as isa:
        registry.resolve_isa("ZZ", "BIGBOXSTORES", "ZZ", "EDIGW")
    assert isa.value.partner_id == "bigbox" and isa.value.ta1_code == "006"
    with pytest.raises(PartnerPaused) as as2:
        registry.resolve_as2("BIGBOX-AS2", "EDIGW-AS2")
    assert as2.value.as2_disposition == "unknown-trading-partner"
    assert not isinstance(isa.value, UnknownPartner)
    assert registry.get("bigbox").status == "paused"  # still visible to operators


def test_routing_lookup(registry: Registry) -> None:
    northwind = registry.get("northwind-dist")
    assert northwind.sinks_for("order") == ("erp", "wms")
    bigbox = registry.get("bigbox")
    assert bigbox.sinks_for("invoice") == ("erp",)  # default route
    with pytest.raises(NoRoute) as info:
        registry.get("acme-supply").sinks_for("order")
    assert info.value.partner_id == "acme-supply" and info.value.document_type == "order"


def test_unquoted_x12_route_key(folder: Path) -> None:
    write(folder, "bigbox", edited(read(folder, "bigbox"), "routing", {850: ["wms"], "default": ["erp"]}))
    assert Registry.load(folder).get("bigbox").sinks_for("order") == ("wms",)


# --------------------------------------------------------------------------- reload


def test_reload_swaps_in_valid_changes(folder: Path, registry: Registry) -> None:
    write(folder, "bigbox", edited(read(folder, "bigbox"), "name", "BigBox Renamed"))
    assert registry.reload() == []
    assert registry.get("bigbox").name == "BigBox Renamed"


def test_broken_edit_keeps_the_last_good_registry(folder: Path, registry: Registry) -> None:
    before = registry.get("bigbox")
    write(folder, "bigbox", edited(read(folder, "bigbox"), "transports.as2.url", "nope"))
    write(folder, "northwind-dist", edited(read(folder, "northwind-dist"), "name", "Changed"))

    errors = registry.reload()

    assert [(e.file.endswith("bigbox.yaml"), e.field) for e in errors] == [(True, "transports.as2.url")]
    assert registry.get("bigbox") is before
    assert registry.get("northwind-dist").name == "Northwind Distribution LLC"  # nothing partially applied
    assert registry.resolve_as2("BIGBOX-AS2", "EDIGW-AS2") is before


def test_broken_xref_csv_keeps_the_last_good_registry(folder: Path, registry: Registry) -> None:
    csv = folder / "bigbox" / "items.csv"
    csv.write_text(csv.read_text() + "100234,AC-9999,,,duplicate buyer part\n")
    errors = registry.reload()
    assert errors and errors[0].field == "rules.item_xref.file" and "already on line 2" in errors[0].message
    assert len(registry.xref("bigbox") or ()) == 4


def test_watcher_reloads_on_change_only(folder: Path, registry: Registry) -> None:
    watcher = FolderWatcher(registry)
    assert watcher.poll() is None
    path = write(folder, "bigbox", edited(read(folder, "bigbox"), "name", "Via Watcher"))
    os.utime(path, ns=(1, 1))  # mtime change even on coarse-timestamp file systems
    assert watcher.poll() == []
    assert registry.get("bigbox").name == "Via Watcher"
    assert watcher.poll() is None
    (folder / "bigbox" / "samples" / "new.edi").write_text("ignored")
    assert watcher.poll() is None


def test_watch_async_reloads(folder: Path, registry: Registry) -> None:
    results: list[list] = []

    async def scenario() -> None:
        task = asyncio.create_task(watch_async(registry, 0.01, results.append))
        await asyncio.sleep(0.05)
        write(folder, "bigbox", edited(read(folder, "bigbox"), "name", "Async"))
        for _ in range(500):
            if results:
                break
            await asyncio.sleep(0.01)
        task.cancel()

    asyncio.run(scenario())
    assert results == [[]] and registry.get("bigbox").name == "Async"


def test_watch_loop_reports_reload_results(folder: Path, registry: Registry) -> None:
    stop = threading.Event()
    results: list[list] = []

    def on_reload(errors: list) -> None:
        results.append(errors)
        stop.set()

    thread = threading.Thread(target=watch, args=(registry, 0.01, stop, on_reload), daemon=True)
    thread.start()
    broken = edited(read(folder, "bigbox"), "status", "broken")
    try:
        # the watcher takes its first look when its thread runs: edit until it has seen one
        for _ in range(100):
            write(folder, "bigbox", broken)
            if stop.wait(0.1):
                break
    finally:
        stop.set()  # a failing test must not leave the loop running
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert results and results[0][0].field == "status"
    assert registry.get("bigbox").status == "testing"
