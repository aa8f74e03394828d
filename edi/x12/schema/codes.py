"""Code lists for the ID elements whose values decide how a document is processed.

Keyed by data element reference number; an element whose reference is not here is
checked for length only. Lists are the X12 values (004010 and 005010 share them for
these elements); a code missing here would reject a valid document, so lists are
either complete or deliberately generous.
"""

from __future__ import annotations

__all__ = ["CODE_LISTS"]

_PURPOSE = " ".join(f"{n:02d}" for n in range(0, 57) if n not in (9, 23, 29)) + " 5C 77 CN CO EX GR PR RH RV SU ZZ"

_ACK_SYNTAX_SET = "1 2 3 4 5 6 7 8 9 10 11 12 13 15 16 17 18 19 23 24 25 26 27 I5 I6"
_ACK_SYNTAX_SEGMENT = "1 2 3 4 5 6 7 8 I4 I6 I7 I8 I9"
_ACK_SYNTAX_ELEMENT = "1 2 3 4 5 6 7 8 9 10 12 13 I6 I9 I10 I11 I12 I13"

CODE_LISTS: dict[str, str] = {
    # BEG01 / BAK01 / BSN01 transaction set purpose
    "353": _PURPOSE,
    # BEG02 purchase order type
    "92": (
        "AB BE BK BL BY CF CN CO CP DR DS EO FH IN IR KB KC KD KE KG KI KN KO KP KQ KR LB LE LI LS MP NE NP NS "
        "OS PR RA RC RE RL RO RR RT SA SD SO SP SS ST SW TC TR UD US WO ZZ"
    ),
    # BAK02 acknowledgment type
    "587": "AC AD AE AH AK AP AT NA RD RF RJ RN RO ZZ",
    # HL03 hierarchical level (856 levels and the common extensions)
    "735": "S O T P I Q F D E G H J K L M N R V W X Z",
    # N101 / N106 entity identifier (the parties trading partners use)
    "98": (
        "1P 2L 31 40 41 45 49 60 71 72 AG AO BA BE BG BK BO BS BT BY C8 CA CB CI CN CS CT DA DB DE DS EN EX FR "
        "FW HF IA II IN LW MA MF MI MP NP OB OP OR OT PD PE PF PG PJ PK PN PP PR PU PW RD RE RI RL RP RS SB SE "
        "SF SH SJ SN SO ST SU SY TP TS UC UD UP VC VN WD WH WP XQ Z7 ZZ"
    ),
    # ACK01 line item status
    "668": "AC AR BP DR IA IB IC ID IE IF IH IP IQ IR IS IW R1 R2 R3 R4 SP",
    # AK1/GS01 functional identifier (the groups this gateway exchanges and common others)
    "479": (
        "AG AN AR BC BE CA CF CT DX FA GF HB HC HI HN HP HR HS IB IG IN IO LB ME MO NC OG OW PC PD PG PO PR PS "
        "PT QM QO RA RC RE RN SC SH SM SO SS ST TX UP WA WB WR WS"
    ),
    # AK501 / IK501, AK901
    "717": "A E M P R W X",
    "715": "A E M P R W X",
    # AK502.., IK502.., AK304, IK304, AK403, IK403, AK905..
    "718": _ACK_SYNTAX_SET,
    "618": _ACK_SYNTAX_SET,
    "720": _ACK_SYNTAX_SEGMENT,
    "620": _ACK_SYNTAX_SEGMENT,
    "723": _ACK_SYNTAX_ELEMENT,
    "621": _ACK_SYNTAX_ELEMENT,
    "716": "1 2 3 4 5 6 10 11 12 13 14 15 16 17 18 19 23 24 25 26",
    # SAC01
    "248": "A C N P Q",
    # AMT03, TXI06 and such one-letter flags
    "478": "C D",
}
