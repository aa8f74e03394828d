"""Names of the Celery tasks the gateway enqueues (through the outbox).

The gateway never imports ``tasks`` (it is the lower layer); it writes these names
into outbox rows, and ``tasks`` registers its functions under the same names.
"""

from gateway.store.messages import PROCESS_INBOUND_TASK

__all__ = [
    "PROCESS_INBOUND_TASK",
    "BUILD_OUTBOUND_TASK",
    "SEND_OUTBOUND_TASK",
    "DELIVER_TASK",
    "SEND_ASYNC_MDN_TASK",
    "RELAY_OUTBOX_TASK",
    "CHECK_OVERDUE_TASK",
]

BUILD_OUTBOUND_TASK = "edigw.build_outbound"
SEND_OUTBOUND_TASK = "edigw.send_outbound"
DELIVER_TASK = "edigw.deliver"
SEND_ASYNC_MDN_TASK = "edigw.send_async_mdn"
RELAY_OUTBOX_TASK = "edigw.relay_outbox"
CHECK_OVERDUE_TASK = "edigw.check_overdue"
