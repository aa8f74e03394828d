"""Sinks: the ERP, WMS and e-commerce systems documents are delivered to.

Every sink is an HTTP JSON connector configured by data (``sinks.yaml``): base URL,
paths per document type, auth (bearer, basic or HMAC signature), timeouts and a field
mapping. Each request carries an ``Idempotency-Key`` derived from (document, sink), so a
retried or replayed delivery is recognised by the receiving system.
"""

from tasks.sinks.config import SinkConfig, SinksFile, load_sinks
from tasks.sinks.http import DeliveryOutcome, HttpJsonSink, PermanentSinkError, TransientSinkError, classify_status

__all__ = [
    "DeliveryOutcome",
    "HttpJsonSink",
    "PermanentSinkError",
    "SinkConfig",
    "SinksFile",
    "TransientSinkError",
    "classify_status",
    "load_sinks",
]
