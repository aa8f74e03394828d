"""Stored receipts (MDNs) keep headers and body exactly, so the same MDN can be sent again."""

from __future__ import annotations

from gateway.inbound import http_blob, split_http_blob


def test_blob_round_trip_keeps_headers_and_binary_body() -> None:
    headers = {
        "Content-Type": 'multipart/signed; protocol="application/pkcs7-signature"; boundary="b1"',
        "AS2-From": '"EDIGW AS2"',
        "Message-ID": "<mdn-1@edigw>",
    }
    body = b"--b1\r\n\r\n\x00\xff binary\r\n\r\n--b1--\r\n"
    assert split_http_blob(http_blob(headers, body)) == (headers, body)
