"""OpenAPI 3.1 description of ``/api/v1`` (served at ``/api/v1/openapi.json``)."""

from __future__ import annotations

from typing import Any

_ID = {"name": "message_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
_ERR = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_JSON = {"application/json": {"schema": {"type": "object"}}}


def _get(summary: str, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": params or [],
            "responses": {"200": {"description": "ok", "content": _JSON}, "401": _ERR, "404": _ERR},
        }
    }


def _q(name: str, description: str, fmt: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if fmt:
        schema["format"] = fmt
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "edigw API",
        "version": "1",
        "description": "Messages, documents, acknowledgements and replays. Bearer tokens from `edigw tokens create`; "
        "partner-scoped tokens see only their partner's data.",
    },
    "servers": [{"url": "/"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"Error": {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}},
    },
    "paths": {
        "/api/v1/partners/{partner_id}/messages": {
            "post": {
                "summary": "Upload a file for a partner (stored durably before 202 is returned)",
                "parameters": [
                    {"name": "partner_id", "in": "path", "required": True, "schema": {"type": "string"}},
                    _q("filename", "original file name (metadata only)"),
                ],
                "requestBody": {"required": True, "content": {"application/octet-stream": {"schema": {}}}},
                "responses": {"202": {"description": "stored", "content": _JSON}, "401": _ERR, "404": _ERR},
            }
        },
        "/api/v1/messages": _get(
            "Search messages (newest first)",
            [
                _q("partner", "partner id"),
                _q("type", "document type or transaction (order, 850, invoice, ...)"),
                _q("status", "derived status (received, processed, rejected, dead_letter, ...)"),
                _q("number", "PO / ASN / invoice number"),
                _q("control_number", "ISA13, GS06 or ST02"),
                _q("correlation_id", "correlation id", "uuid"),
                _q("direction", "in or out"),
                _q("since", "ISO 8601 time, inclusive", "date-time"),
                _q("until", "ISO 8601 time, exclusive", "date-time"),
                _q("limit", "at most this many (1-1000)"),
                _q("offset", "skip this many"),
            ],
        ),
        "/api/v1/reconciliation": _get(
            "Three-way match per PO line (order, ship notices, invoices) with each line's status",
            [_q("partner", "partner id"), _q("since", "orders recorded at or after this ISO 8601 time", "date-time")],
        ),
        "/api/v1/messages/{message_id}": _get("One message with its documents", [_ID]),
        "/api/v1/messages/{message_id}/raw": _get("The raw bytes as received", [_ID]),
        "/api/v1/messages/{message_id}/parsed": _get("Parsed segments (X12) or text (XML)", [_ID]),
        "/api/v1/messages/{message_id}/documents": _get("Canonical documents and validation findings", [_ID]),
        "/api/v1/messages/{message_id}/acks": _get("Acknowledgements sent and received", [_ID]),
        "/api/v1/messages/{message_id}/events": _get("Event timeline", [_ID]),
        "/api/v1/messages/{message_id}/replay": {
            "post": {
                "summary": "Replay an inbound message through processing",
                "parameters": [_ID],
                "responses": {"202": {"description": "queued", "content": _JSON}, "401": _ERR, "404": _ERR},
            }
        },
    },
}
