"""Data element, composite and segment dictionary (X12 004010, with 005010 changes).

Declarative data only; :mod:`edi.x12.schema.load` compiles it. Notation:

* ``ELEMENTS``: one line per data element: ``ref type min max name``. Types are the
  X12 ones: ``AN`` string, ``ID`` code, ``N0``..``N4`` implied-decimal numeric, ``R``
  decimal, ``DT`` date, ``TM`` time.
* ``COMPOSITES`` and ``SEGMENTS``: the elements in order, each ``<req><ref>`` with req
  ``M`` mandatory, ``O`` optional, ``X`` conditional (checked by the syntax notes);
  a ref starting with ``C`` is a composite. ``*N`` after a ref allows N repetitions.
  ``...N`` ends a segment whose trailing elements are not checked one by one (N is the
  number of elements the segment has). After ``|`` come the syntax notes as the
  standard writes them: ``P`` paired, ``R`` at least one required, ``E`` exclusion,
  ``C`` conditional (if first then all), ``L`` list conditional (if first then one of).
* Segments used by a transaction set but not listed here are checked for position
  only (their elements are not validated): the tables cover what partners send.
"""

from __future__ import annotations

__all__ = ["ELEMENTS", "COMPOSITES", "SEGMENTS", "VERSION_CHANGES"]

ELEMENTS = """
2 N0 1 6 Number of Accepted Transaction Sets
19 AN 2 30 City Name
22 AN 1 30 Commodity Code
23 ID 1 1 Commodity Code Qualifier
26 ID 2 3 Country Code
28 N0 1 9 Group Control Number
40 ID 2 2 Equipment Description Code
54 ID 2 2 Risk of Loss Code
65 R 1 8 Height
66 ID 1 2 Identification Code Qualifier
67 AN 2 80 Identification Code
76 AN 1 22 Invoice Number
79 AN 1 50 Lading Description
80 N0 1 7 Lading Quantity
81 R 1 10 Weight
82 R 1 8 Length
87 AN 1 48 Marks and Numbers
88 ID 1 2 Marks and Numbers Qualifier
91 ID 1 2 Transportation Method/Type Code
92 ID 2 2 Purchase Order Type Code
93 AN 1 60 Name
96 N0 1 10 Number of Included Segments
97 N0 1 6 Number of Transaction Sets Included
98 ID 2 3 Entity Identifier Code
100 ID 3 3 Currency Code
102 ID 1 1 Ownership Code
103 AN 3 5 Packaging Code
107 ID 1 2 Payment Method Code
116 ID 3 15 Postal Code
118 R 1 9 Rate
123 N0 1 6 Number of Received Transaction Sets
127 AN 1 30 Reference Identification
128 ID 2 3 Reference Identification Qualifier
133 ID 1 2 Routing Sequence Code
140 ID 2 4 Standard Carrier Alpha Code
143 ID 3 3 Transaction Set Identifier Code
146 ID 2 2 Shipment Method of Payment
156 ID 2 2 State or Province Code
166 AN 1 55 Address Information
183 R 1 8 Volume
187 ID 1 2 Weight Qualifier
189 R 1 8 Width
206 AN 1 4 Equipment Initial
207 AN 1 10 Equipment Number
212 R 1 17 Unit Price
234 AN 1 48 Product/Service ID
235 ID 2 2 Product/Service ID Qualifier
248 ID 1 1 Allowance or Charge Indicator
280 R 4 10 Exchange Rate
284 ID 1 2 Service Level Code
306 ID 1 2 Action Code
309 ID 1 2 Location Qualifier
310 AN 1 30 Location Identifier
324 AN 1 22 Purchase Order Number
326 AN 1 45 Request Reference Number
327 AN 1 8 Change Order Sequence Number
328 AN 1 30 Release Number
329 AN 4 9 Transaction Set Control Number
330 R 1 15 Quantity Ordered
331 ID 2 2 Allowance or Charge Method of Handling Code
332 R 1 6 Percent
333 ID 1 2 Terms Basis Date Code
334 ID 2 2 Transportation Terms Qualifier Code
335 ID 3 3 Transportation Terms Code
336 ID 2 2 Terms Type Code
337 TM 4 8 Time
338 R 1 6 Terms Discount Percent
342 R 1 5 Percent of Invoice Payable
347 R 1 10 Hash Total
349 ID 1 1 Item Description Type
350 AN 1 20 Assigned Identification
351 N0 1 3 Terms Discount Days Due
352 AN 1 80 Description
353 ID 2 2 Transaction Set Purpose Code
354 N0 1 6 Number of Line Items
355 ID 2 2 Unit or Basis for Measurement Code
356 N0 1 6 Pack
357 R 1 8 Size
358 R 1 10 Quantity Invoiced
362 N2 1 10 Terms Discount Amount
364 AN 1 80 Communication Number
365 ID 2 2 Communication Number Qualifier
366 ID 2 2 Contact Function Code
367 AN 1 30 Contract Number
368 ID 2 2 Shipment/Order Status Code
369 AN 1 45 Free-form Description
370 DT 8 8 Terms Discount Due Date
373 DT 8 8 Date
374 ID 3 3 Date/Time Qualifier
378 ID 1 1 Allowance/Charge Percent Qualifier
380 R 1 15 Quantity
382 R 1 10 Number of Units Shipped
384 R 1 9 Gross Weight per Pack
385 R 1 9 Gross Volume per Pack
386 N0 1 3 Terms Net Days
387 AN 1 35 Routing
388 DT 8 8 Terms Deferred Due Date
389 N2 1 10 Deferred Amount Due
396 AN 2 30 Shipment Identification
441 ID 1 1 Tax Exempt Code
443 AN 1 20 Contact Inquiry Reference
446 DT 8 8 Terms Net Due Date
447 AN 1 4 Loop Identifier Code
478 ID 1 1 Credit/Debit Flag Code
479 ID 2 2 Functional Identifier Code
480 AN 1 12 Version / Release / Industry Identifier Code
522 ID 1 3 Amount Qualifier Code
559 ID 2 2 Agency Qualifier Code
587 ID 2 2 Acknowledgment Type
610 N2 1 15 Amount
618 ID 1 3 Implementation Transaction Set Syntax Error Code
620 ID 1 3 Implementation Segment Syntax Error Code
621 ID 1 3 Implementation Data Element Syntax Error Code
623 ID 2 2 Time Code
628 AN 1 12 Hierarchical ID Number
639 ID 2 2 Basis of Unit Price Code
640 ID 2 2 Transaction Type Code
641 ID 3 3 Status Reason Code
646 R 1 9 Quantity Shipped to Date
649 R 1 10 Multiplier
668 ID 2 2 Line Item Status Code
669 ID 3 3 Currency Market/Exchange Code
706 ID 2 2 Entity Relationship Code
715 ID 1 1 Functional Group Acknowledge Code
716 ID 1 3 Functional Group Syntax Error Code
717 ID 1 1 Transaction Set Acknowledgment Code
718 ID 1 3 Transaction Set Syntax Error Code
719 N0 1 10 Segment Position in Transaction Set
720 ID 1 3 Segment Syntax Error Code
721 ID 2 3 Segment ID Code
722 N0 1 2 Element Position in Segment
723 ID 1 3 Data Element Syntax Error Code
724 AN 1 99 Copy of Bad Data Element
725 N0 1 4 Data Element Reference Number
728 ID 2 2 Returnable Container Load Make-Up Code
734 AN 1 12 Hierarchical Parent ID Number
735 ID 1 2 Hierarchical Level Code
736 ID 1 1 Hierarchical Child Code
737 ID 2 2 Measurement Reference ID Code
738 ID 1 3 Measurement Qualifier
739 R 1 20 Measurement Value
740 R 1 20 Range Minimum
741 R 1 20 Range Maximum
750 ID 2 3 Product/Process Characteristic Code
751 AN 1 12 Product Description Code
752 ID 2 2 Surface/Layer/Position Code
765 N0 1 2 Day of Month
770 AN 1 20 Option Number
782 R 1 18 Monetary Amount
786 ID 2 2 Security Level Code
810 N0 1 6 Inner Pack
819 ID 2 3 Language Code
822 AN 1 15 Source Subqualifier
933 AN 1 264 Free-Form Message Text
934 ID 2 2 Printer Carriage Control Code
935 ID 2 2 Measurement Significance Code
936 ID 2 2 Measurement Attribute Code
954 R 1 10 Percent
955 ID 2 2 Tax Jurisdiction Code Qualifier
956 AN 1 10 Tax Jurisdiction Code
963 ID 2 2 Tax Type Code
1005 ID 4 4 Hierarchical Structure Code
1018 R 1 15 Exponent
1019 ID 3 3 Invoice Type Code
1073 ID 1 1 Yes/No Condition or Response Code
1166 ID 2 2 Contract Type Code
1232 ID 2 2 Purchase Category
1250 ID 2 3 Date Time Period Format Qualifier
1251 AN 1 35 Date Time Period
1300 ID 4 4 Service, Promotion, Allowance, or Charge Code
1301 AN 1 10 Agency Service, Promotion, Allowance, or Charge Code
1325 ID 1 1 Relationship Code
1373 ID 1 2 Measurement Method or Device
1470 N0 1 9 Number
1528 N0 1 2 Component Data Element Position in Composite
1686 N0 1 4 Repeating Data Element Position
1705 AN 1 35 Implementation Convention Reference
1715 ID 1 3 Country Subdivision Code
9998 AN 1 35 Context Reference
9999 AN 1 35 Context Name
"""

COMPOSITES: dict[str, str] = {
    "C001": "M355 O1018 O649 O355 O1018 O649 O355 O1018 O649 O355 O1018 O649 O355 O1018 O649",
    "C030": "M722 O1528",
    "C040": "M128 M127 X128 X127 X128 X127 | P0304 P0506",
    "C998": "M9999 O9998",
    "C999": "M725 O1528",
}

_PRODUCT_IDS = " ".join("X235 X234" for _ in range(10))  # PO106..PO125, IT106..IT125 pairs
_PRODUCT_NOTES = " ".join(f"P{i:02d}{i + 1:02d}" for i in range(6, 25, 2))

SEGMENTS: dict[str, str] = {
    # envelope and control
    "ST": "M143 M329",
    "SE": "M96 M329",
    "AK1": "M479 M28",
    "AK2": "M143 M329",
    "AK3": "M721 M719 O447 O720",
    "AK4": "MC030 O725 M723 O724",
    "AK5": "M717 O718 O718 O718 O718 O718",
    "AK9": "M715 M97 M123 M2 O716 O716 O716 O716 O716",
    "IK3": "M721 M719 O447 O620",
    "IK4": "MC030 O725 M621 O724",
    "IK5": "M717 O618 O618 O618 O618 O618",
    "CTX": "MC998*10 X721 X719 O447 OC030 OC999 | P0203",
    # beginning segments
    "BEG": "M353 M92 M324 O328 M373 O367 O587 O1019 O1166 O1232 O786 O640",
    "BAK": "M353 M587 M324 M373 O328 O326 O367 O127 O373 O640 ...12",  # later releases append elements
    "BSN": "M353 M396 M373 M337 O1005 X640 O641 | C0706",
    "BIG": "M373 M76 O373 O324 O328 O327 O640 O353 O306 O76",
    # header and shared
    "CUR": "M98 M100 O280 O98 O100 O669 O374 O373 O337 ...21",
    "REF": "M128 X127 X352 OC040 | R0203",
    "PER": "M366 O93 X365 X364 X365 X364 X365 X364 O443 | P0304 P0506 P0708",
    "FOB": "M146 X309 O352 O334 X335 X309 O352 O54 O352 | C0302 C0405 C0706",
    "ITD": "O336 O333 O338 X370 X351 O446 O386 O362 O388 O389 O342 O352 X765 O107 O954",
    "DTM": "M374 X373 X337 O623 X1250 X1251 | R020305 C0403 P0506",
    "TD5": "O133 X66 X67 X91 X387 X368 O309 X310 ...15 | C0203",
    "TD1": "O103 X80 O23 X22 O79 O187 X81 X355 X183 X355 | C0102 C0504 C0607 P0708 P0910",
    "TD3": "O40 O206 X207 O187 X81 X355 ...9 | C0203 P0506",
    "N9": "M128 X127 X369 O373 O337 O623 OC040 | R0203 C0605",
    "MSG": "M933 X934 O1470 | C0302",
    "N1": "M98 X93 X66 X67 O706 O98 | R0203 P0304",
    "N2": "M93 O93",
    "N3": "M166 O166",
    "N4": "O19 O156 O116 O26 X309 O310 | C0605",
    "PID": "M349 O750 X559 X751 X352 O752 O822 O1073 O819 | C0403 R0405 C0703 C0804 C0905",
    "MEA": "O737 O738 X739 XC001 X740 X741 O935 X936 O752 O1373 | R03050608 C0504 C0604 E0803",
    "CTT": "M354 O347 X81 X355 X183 X355 O352 | P0304 P0506",
    "AMT": "M522 M782 O478",
    "SAC": "M248 X1300 X559 X1301 O610 X378 X332 X118 X355 X380 O380 O331 X127 O770 X352 O819"
    " | R0203 P0304 P0607 P0910 C1413 C1615",
    "TXI": "M963 X782 X954 X955 X956 X441 O1325 O350 O350 O350 | R020306 P0405",
    # line items
    "PO1": f"O350 X330 O355 X212 O639 {_PRODUCT_IDS} | C0302 C0504 {_PRODUCT_NOTES}",
    "IT1": f"O350 X358 X355 X212 O639 {_PRODUCT_IDS} | P020304 {_PRODUCT_NOTES}",
    "PO4": "O356 X357 X355 O103 X187 X384 X355 X385 X355 X82 X189 X65 X355 O810 ...18",
    "ACK": "M668 X380 X355 O374 X373 O326 X235 X234 X235 X234 ...29 | P0203 C0405 P0708 P0910",
    "SCH": "M380 M355 X98 X93 M374 M373 O337 O374 O373 O337 O326 O350 | C0304",
    # ship notice
    "HL": "M628 O734 M735 O736",
    "LIN": "O350 M235 M234 X235 X234 X235 X234 X235 X234 ...31 | P0405 P0607 P0809",
    "SN1": "O350 M382 M355 O646 X330 X355 O728 O668 | P0506",
    "PRF": "M324 O328 O327 O373 O350 O367 O92",
    "MAN": "M88 M87 O87 X88 X87 O87 | P0405 C0605",
    # invoice
    "TDS": "M610 O610 O610 O610",
    "CAD": "O91 O206 O207 X140 X387 O368 X128 X127 O284 | R0405 P0708",
}

#: (version, segment or composite id) -> definition replacing the 004010 one; and
#: element refs whose type/length changed. Only what the tables above use.
VERSION_CHANGES: dict[str, dict[str, str]] = {
    "005010": {
        "ST": "M143 M329 O1705",
        "AK1": "M479 M28 O480",
        "AK2": "M143 M329 O1705",
        "C030": "M722 O1528 O1686",
        "N4": "O19 O156 O116 O26 X309 O310 X1715 | C0605 C0704 E0207",
        "127": "AN 1 50 Reference Identification",
        "364": "AN 1 256 Communication Number",
    },
}
