"""Posting cXML documents to a partner's procurement network and reading its answer.

cXML travels over HTTPS: the stored document is POSTed to the profile's
``transports.cxml.url`` and the network answers at once with a cXML ``Response`` whose
``Status`` says what became of it. The shared secret (``transports.cxml.shared_secret``,
from the environment or a file) is put into ``Header/Sender/Credential`` on the wire
only; the stored copy never holds it.

* 2xx: sent, and acknowledged by that answer;
* 5xx, timeouts, connection errors, 408/409/423/425/429: :class:`TransientSendError`;
* other 4xx, an answer that is no cXML status, a missing secret: :class:`PermanentSendError`
  (a dead letter for operations to look at; cXML networks key documents by payloadID,
  so a replay after a fix does not create a second order).
"""

from __future__ import annotations

import logging
import uuid

from edi.xml import XmlError
from gateway.runtime import Runtime
from gateway.sending import PermanentSendError, TransientSendError, post, stored_outbound
from gateway.store import State, add_event, transaction
from partners.profile import Profile
from translators.cxml.envelope import with_shared_secret
from translators.cxml.status import parse_status
from translators.cxml.values import CxmlDataError

__all__ = ["send_cxml", "TIMEOUT_SECONDS"]

log = logging.getLogger("edigw.cxml.out")

TIMEOUT_SECONDS = 60.0


def send_cxml(runtime: Runtime, profile: Profile, message_id: uuid.UUID) -> int:
    """POST the stored outbound cXML message ``message_id``; returns the partner's status code."""
    cxml = profile.transports.cxml
    if cxml is None:
        raise PermanentSendError(f"partner {profile.id!r} has no cXML transport")
    payload = stored_outbound(runtime, message_id).payload
    try:
        secret = cxml.secret(runtime.settings.home)
    except (KeyError, OSError, UnicodeDecodeError) as exc:
        raise PermanentSendError(f"cXML shared secret for {profile.id!r} ({cxml.shared_secret}) unavailable") from exc
    try:
        wire = with_shared_secret(payload, secret)
    except (XmlError, CxmlDataError) as exc:
        raise PermanentSendError(f"stored cXML message {message_id} cannot be sent: {exc}") from exc
    url = str(cxml.url)
    http_status, _, body = post(url, {"Content-Type": "text/xml; charset=UTF-8"}, wire, TIMEOUT_SECONDS)
    try:
        answer = parse_status(body)
    except (XmlError, CxmlDataError) as exc:
        raise PermanentSendError(f"HTTP {http_status} from {url} without a readable cXML status: {exc}") from exc
    detail = {"transport": "cxml", "http_status": http_status, "status": answer.code, "text": answer.text}
    if answer.retryable:
        raise TransientSendError(f"cXML status {answer.code} {answer.text} from {url}: {answer.message[:200]}")
    if not answer.ok:
        raise PermanentSendError(f"cXML status {answer.code} {answer.text} from {url}: {answer.message[:200]}")
    with transaction(runtime.sessions) as session:
        add_event(session, message_id, State.SENT, detail)
        add_event(session, message_id, State.ACKNOWLEDGED, {"ack": "cXML", "status": f"{answer.code} {answer.text}"})
    log.info("cXML message %s to %s: %s %s", message_id, profile.id, answer.code, answer.text)
    return answer.code
