"""Exceptions and validation findings of the X12 engine.

Exception tree (the only exceptions the engine raises on bad input)::

    X12Error
    └── X12SyntaxError      input cannot be read as X12 at all (no ISA, bad delimiters);
                             carries the TA1 note code (TA105) it maps to

Everything else that is wrong with a file is not raised but reported as data: the
parser attaches :class:`~edi.x12.model.EnvelopeIssue` objects to the envelope, and the
validator returns :class:`InterchangeResult` / :class:`GroupResult` / :class:`SetResult`
trees of :class:`SegmentError` / :class:`ElementError`, every one carrying the code the
acknowledgement writer puts in TA105 / AK905 / AK502 / AK304 / AK403 (or the 999's
IK5/IK3/IK4). The ack writer never guesses a code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Delimiters

__all__ = [
    "X12Error",
    "X12SyntaxError",
    "TA1_CODES",
    "GROUP_CODES",
    "SET_CODES",
    "SEGMENT_CODES",
    "ELEMENT_CODES",
    "ElementError",
    "SegmentError",
    "SetResult",
    "GroupResult",
    "InterchangeResult",
]


class X12Error(Exception):
    """Base of every exception the X12 engine raises."""


class X12SyntaxError(X12Error):
    """The input cannot be tokenized as X12 (missing or unreadable ISA, bad delimiters).

    ``ta1_code`` is the TA105 interchange note code the problem maps to; ``offset`` the
    character offset in the input where it was noticed, when known.
    """

    def __init__(self, message: str, ta1_code: str = "022", offset: int | None = None) -> None:
        super().__init__(message)
        self.ta1_code = ta1_code
        self.offset = offset


# TA105 interchange note codes (X12.56 I18).
TA1_CODES: dict[str, str] = {
    "000": "No error",
    "001": "The Interchange Control Number in the Header and Trailer Do Not Match",
    "002": "This Standard as Noted in the Control Standards Identifier is Not Supported",
    "003": "This Version of the Controls is Not Supported",
    "004": "The Segment Terminator is Invalid",
    "005": "Invalid Interchange ID Qualifier for Sender",
    "006": "Invalid Interchange Sender ID",
    "007": "Invalid Interchange ID Qualifier for Receiver",
    "008": "Invalid Interchange Receiver ID",
    "009": "Unknown Interchange Receiver ID",
    "010": "Invalid Authorization Information Qualifier Value",
    "011": "Invalid Authorization Information Value",
    "012": "Invalid Security Information Qualifier Value",
    "013": "Invalid Security Information Value",
    "014": "Invalid Interchange Date Value",
    "015": "Invalid Interchange Time Value",
    "016": "Invalid Interchange Standards Identifier Value",
    "017": "Invalid Interchange Version ID Value",
    "018": "Invalid Interchange Control Number Value",
    "019": "Invalid Acknowledgment Requested Value",
    "020": "Invalid Test Indicator Value",
    "021": "Invalid Number of Included Groups Value",
    "022": "Invalid Control Structure",
    "023": "Improper (Premature) End-of-File (Transmission)",
    "024": "Invalid Interchange Content (e.g., Invalid GS Segment)",
    "025": "Duplicate Interchange Control Number",
    "026": "Invalid Data Element Separator",
    "027": "Invalid Component Element Separator",
    "028": "Invalid Delivery Date in Deferred Delivery Request",
    "029": "Invalid Delivery Time in Deferred Delivery Request",
    "030": "Invalid Delivery Time Code in Deferred Delivery Request",
    "031": "Invalid Grade of Service Code",
}

# AK905..AK909 / 999 AK905..AK909 functional group syntax error codes (716).
GROUP_CODES: dict[str, str] = {
    "1": "Functional Group Not Supported",
    "2": "Functional Group Version Not Supported",
    "3": "Functional Group Trailer Missing",
    "4": "Group Control Number in the Functional Group Header and Trailer Do Not Agree",
    "5": "Number of Included Transaction Sets Does Not Match Actual Count",
    "6": "Group Control Number Violates Syntax",
    "10": "Authentication Key Name Unknown",
    "11": "Encryption Key Name Unknown",
    "12": "Requested Service (Authentication or Encryption) Not Available",
    "13": "Unknown Security Recipient",
    "14": "Unknown Security Originator",
    "15": "Syntax Error in Decrypted Text",
    "16": "Security Not Supported",
    "17": "Incorrect Message Length (Encryption Only)",
    "18": "Message Authentication Code Failed",
    "19": "Functional Group Control Number not Unique within Interchange",
    "23": "S3E Security End Segment Missing for S3S Security Start Segment",
    "24": "S3S Security Start Segment Missing for S3E End Segment",
    "25": "S4E Security End Segment Missing for S4S Security Start Segment",
    "26": "S4S Security Start Segment Missing for S4E Security End Segment",
}

# AK502..AK506 / IK502..IK506 transaction set syntax error codes (718).
SET_CODES: dict[str, str] = {
    "1": "Transaction Set Not Supported",
    "2": "Transaction Set Trailer Missing",
    "3": "Transaction Set Control Number in Header and Trailer Do Not Match",
    "4": "Number of Included Segments Does Not Match Actual Count",
    "5": "One or More Segments in Error",
    "6": "Missing or Invalid Transaction Set Identifier",
    "7": "Missing or Invalid Transaction Set Control Number",
    "18": "Transaction Set Not in Functional Group",
    "19": "Invalid Transaction Set Implementation Convention Reference",
    "23": "Transaction Set Control Number Not Unique within the Functional Group",
    "I5": "Implementation One or More Segments in Error",
    "I6": "Implementation Convention Not Supported",
}

# AK304 / IK304 segment syntax error codes (720), 999-only codes start with I.
SEGMENT_CODES: dict[str, str] = {
    "1": "Unrecognized segment ID",
    "2": "Unexpected segment",
    "3": "Required Segment Missing",
    "4": "Loop Occurs Over Maximum Times",
    "5": "Segment Exceeds Maximum Use",
    "6": "Segment Not in Defined Transaction Set",
    "7": "Segment Not in Proper Sequence",
    "8": "Segment Has Data Element Errors",
    "I4": "Implementation 'Not Used' Segment Present",
    "I6": "Implementation Dependent Segment Missing",
    "I7": "Implementation Loop Occurs Under Minimum Times",
    "I8": "Implementation Segment Below Minimum Use",
    "I9": "Implementation Dependent 'Not Used' Segment Present",
}

# AK403 / IK403 data element syntax error codes (723), 999-only codes start with I.
ELEMENT_CODES: dict[str, str] = {
    "1": "Required Data Element Missing",
    "2": "Conditional Required Data Element Missing",
    "3": "Too Many Data Elements",
    "4": "Data Element Too Short",
    "5": "Data Element Too Long",
    "6": "Invalid Character In Data Element",
    "7": "Invalid Code Value",
    "8": "Invalid Date",
    "9": "Invalid Time",
    "10": "Exclusion Condition Violated",
    "12": "Too Many Repetitions",
    "13": "Too Many Components",
    "I6": "Code Value Not Used in Implementation",
    "I9": "Implementation Dependent Data Element Missing",
    "I10": "Implementation 'Not Used' Data Element Present",
    "I11": "Implementation Too Few Repetitions",
    "I12": "Implementation Pattern Match Failure",
    "I13": "Implementation Dependent 'Not Used' Data Element Present",
}


@dataclass(slots=True)
class ElementError:
    """One AK4 / IK4: element ``position`` (1-based) of its segment."""

    position: int
    code: str  # ELEMENT_CODES
    message: str
    component: int | None = None  # 1-based component position within a composite
    repetition: int | None = None  # 1-based repetition position
    reference: str | None = None  # data element reference number (e.g. "353")
    data: str | None = None  # copy of the bad data (AK404), when safe to echo


@dataclass(slots=True)
class SegmentError:
    """One AK3 / IK3: segment ``position`` counted from ST = 1."""

    segment_id: str
    position: int
    code: str | None  # SEGMENT_CODES; None when only its elements are in error ("8" is implied)
    message: str
    loop_id: str | None = None  # AK303 loop identifier, when the segment is in a loop
    elements: list[ElementError] = field(default_factory=list)

    @property
    def effective_code(self) -> str:
        return self.code or "8"


@dataclass(slots=True)
class SetResult:
    """The verdict on one transaction set: AK2/AK5 (or IK5) material."""

    set_id: str  # ST01
    control_number: str  # ST02
    implementation_reference: str = ""  # ST03 (999 AK203)
    codes: list[str] = field(default_factory=list)  # AK502..AK506 (SET_CODES), at most 5 used
    segment_errors: list[SegmentError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # findings that never reject
    #: When False, segment/element errors are reported (AK3/AK4) but the set is
    #: accepted with errors noted (AK501 "E") instead of rejected: a per-partner choice.
    reject_on_errors: bool = True

    @property
    def status(self) -> str:
        """AK501: ``A`` accepted, ``E`` accepted with errors noted, ``R`` rejected."""
        if self.codes:
            return "R"
        if self.segment_errors:
            return "R" if self.reject_on_errors else "E"
        return "E" if self.warnings else "A"

    @property
    def accepted(self) -> bool:
        return self.status in ("A", "E")


@dataclass(slots=True)
class GroupResult:
    """The verdict on one functional group: AK1/AK9 material."""

    functional_id: str  # GS01
    control_number: str  # GS06
    version: str  # GS08
    sets: list[SetResult] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # AK905..AK909 (GROUP_CODES)
    included: int = 0  # AK902: sets announced by GE01 (or seen, when GE is missing)
    received: int = 0  # AK903: sets actually received
    sender: str = ""  # GS02, so an ack can address the group's sender without re-reading
    receiver: str = ""  # GS03

    @property
    def accepted_count(self) -> int:
        return sum(1 for s in self.sets if s.accepted)

    @property
    def status(self) -> str:
        """AK901: ``A``, ``E`` (accepted, errors noted), ``P`` (partially accepted) or ``R``."""
        if self.codes:
            return "R"
        if not self.sets:
            return "A"
        accepted = self.accepted_count
        if accepted == 0:
            return "R"
        if accepted < len(self.sets):
            return "P"
        return "E" if any(s.status == "E" for s in self.sets) else "A"


@dataclass(slots=True)
class InterchangeResult:
    """The verdict on one interchange: TA1 material plus its groups."""

    control_number: str  # ISA13
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    version: str  # ISA12
    date: str  # ISA09
    time: str  # ISA10
    ack_requested: bool = False  # ISA14 == "1"
    usage: str = ""  # ISA15 (P/T/I)
    delimiters: Delimiters | None = None  # as received, so an ack can reuse them
    note_code: str = "000"  # TA105 (first error found)
    notes: list[str] = field(default_factory=list)  # every TA1 code found, in order
    groups: list[GroupResult] = field(default_factory=list)

    @property
    def status(self) -> str:
        """TA104: ``A`` accepted, ``E`` accepted with errors, ``R`` rejected."""
        if self.note_code == "000":
            return "A"
        return "R" if self.note_code in _TA1_REJECTING else "E"


#: Envelope problems that make the whole interchange unusable. Others (for example a
#: wrong IEA01 group count) are reported with TA104 "E" while the groups are processed.
_TA1_REJECTING = frozenset(
    {
        "001",
        "002",
        "003",
        "004",
        "005",
        "006",
        "007",
        "008",
        "009",
        "016",
        "017",
        "018",
        "022",
        "023",
        "024",
        "026",
        "027",
    }
)
