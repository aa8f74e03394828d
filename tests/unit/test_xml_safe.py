"""Hostile XML is refused by edi.xml.parse_xml and never reads files or the network."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from edi.xml import (
    XmlDepthError,
    XmlError,
    XmlLimits,
    XmlSecurityError,
    XmlSizeError,
    XmlSyntaxError,
    parse_xml,
)

CXML_DOCTYPE = b'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">'
PASSWD = Path("/etc/passwd")


def billion_laughs(levels: int = 10) -> bytes:
    decls = [b'<!ENTITY lol0 "lol">']
    decls += [b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, levels)]
    return b'<?xml version="1.0"?><!DOCTYPE lolz [' + b"".join(decls) + b"]><lolz>&lol%d;</lolz>" % (levels - 1)


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A local TCP server that records every connection, to prove no fetch is attempted."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    hits.append(conn.recv(1024))
                except OSError:
                    hits.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", hits
    stop.set()
    thread.join()
    server.close()


def passwd_marker() -> str:
    if not PASSWD.is_file():
        pytest.skip("/etc/passwd not present")
    return PASSWD.read_text().splitlines()[0]


def test_cxml_doctype_is_accepted_without_fetching(listener: tuple[str, list[bytes]]) -> None:
    url, hits = listener
    root = parse_xml(b'<?xml version="1.0"?><!DOCTYPE cXML SYSTEM "%s/cXML.dtd"><cXML><a>1</a></cXML>' % url.encode())
    assert root.tag == "cXML" and root.findtext("a") == "1"
    root = parse_xml(CXML_DOCTYPE + b"<cXML/>")
    assert root.getroottree().docinfo.system_url.endswith("cXML.dtd")
    assert hits == []


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(XmlSecurityError, match="entit"):
        parse_xml(billion_laughs())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_xxe_file_entity_is_refused(encoding: str) -> None:
    marker = passwd_marker()
    doc = f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file://{PASSWD}">]>'
    doc += "<foo>&xxe;</foo>"
    with pytest.raises(XmlSecurityError) as info:
        parse_xml(doc.encode(encoding))
    assert marker not in str(info.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_network_and_parameter_entities_are_refused_without_connecting(
    listener: tuple[str, list[bytes]], encoding: str
) -> None:
    url, hits = listener
    docs = [
        f'<!DOCTYPE foo [<!ENTITY xxe SYSTEM "{url}/x">]><foo>&xxe;</foo>',
        f'<!DOCTYPE foo [<!ENTITY % dtd SYSTEM "{url}/evil.dtd"> %dtd;]><foo>a</foo>',
        f'<!DOCTYPE foo [<!ENTITY % file SYSTEM "file://{PASSWD}"> %file;]><foo>a</foo>',
    ]
    for doc in docs:
        with pytest.raises(XmlSecurityError):
            parse_xml(doc.encode(encoding))
    assert hits == []


def test_external_doctype_pointing_at_a_file_is_not_read() -> None:
    marker = passwd_marker()
    root = parse_xml(f'<!DOCTYPE foo SYSTEM "file://{PASSWD}"><foo>x</foo>'.encode())
    assert marker not in etree.tostring(root, encoding="unicode")


def test_xinclude_is_not_processed() -> None:
    marker = passwd_marker()
    doc = f'<foo xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="{PASSWD}" parse="text"/></foo>'
    root = parse_xml(doc.encode())
    assert marker not in etree.tostring(root, encoding="unicode")


def test_oversized_document_is_refused_before_parsing() -> None:
    with pytest.raises(XmlSizeError, match="over the limit of 100"):
        parse_xml(b"<a>" + b"x" * 200 + b"</a>", XmlLimits(max_bytes=100))


def test_depth_limit_is_configurable() -> None:
    nested = b"<a>" * 10 + b"</a>" * 10
    assert parse_xml(nested, XmlLimits(max_depth=10)).tag == "a"
    with pytest.raises(XmlDepthError, match="limit of 9"):
        parse_xml(nested, XmlLimits(max_depth=9))


def test_very_deep_document_is_a_depth_error() -> None:
    with pytest.raises(XmlDepthError):
        parse_xml(b"<a>" * 1000 + b"</a>" * 1000, XmlLimits(max_depth=5000))


@pytest.mark.parametrize("data", [b"", b"<a>", b"<a></b>", b"not xml", b"<a>&undefined;</a>"])
def test_malformed_documents_raise_syntax_errors(data: bytes) -> None:
    with pytest.raises(XmlSyntaxError) as info:
        parse_xml(data)
    assert isinstance(info.value, XmlError) and not isinstance(info.value, XmlSecurityError)


def test_comments_and_pis_are_dropped() -> None:
    root = parse_xml(b"<a><!-- note --><?pi x?><b>1</b></a>")
    assert [child.tag for child in root] == ["b"]


def test_error_tree_and_limits_validation() -> None:
    assert issubclass(XmlSizeError, XmlSecurityError) and issubclass(XmlDepthError, XmlSecurityError)
    assert issubclass(XmlError, ValueError)
    with pytest.raises(ValueError):
        XmlLimits(max_bytes=0)
    with pytest.raises(TypeError):
        parse_xml("<a/>")  # type: ignore[arg-type]
