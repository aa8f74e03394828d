"""Mutated cXML never crashes the translator: every input ends as a document or a precise error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from edi.xml import parse_xml
from translators.canonical import dump
from translators.cxml import CxmlOptions, render_cxml, translate_cxml
from translators.cxml.goldens import sample_files

SAMPLES = [p.read_bytes() for p in sample_files() if p.parent.name != "Response"]
OPTIONS = CxmlOptions.simple("AN-A", "AN-B", "secret", payload_id="fuzz@test")
NASTY = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1e999",
    "NaN",
    "Infinity",
    "2024-13-45",
    "2024-02-30T25:00:00Z",
    "ü" * 3,
    "x" * 300,
]


@st.composite
def mutated(draw) -> bytes:
    root = parse_xml(draw(st.sampled_from(SAMPLES)))
    elements = list(root.iter())
    for _ in range(draw(st.integers(1, 4))):
        el = draw(st.sampled_from(elements))
        action = draw(st.sampled_from(["drop", "text", "attr", "dup"]))
        parent = el.getparent()
        if action == "drop" and parent is not None:
            parent.remove(el)
            elements = list(root.iter())
        elif action == "text":
            el.text = draw(st.sampled_from(NASTY))
        elif action == "attr" and el.attrib:
            el.set(draw(st.sampled_from(sorted(el.attrib))), draw(st.sampled_from(NASTY)))
        elif action == "dup" and parent is not None:
            parent.append(etree.fromstring(etree.tostring(el)))
            elements = list(root.iter())
    data = etree.tostring(root)
    cut = draw(st.none() | st.integers(0, len(data)))
    return data if cut is None else data[:cut]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_documents_translate_or_fail_cleanly(data: bytes) -> None:
    result = translate_cxml(data)
    assert len(result.documents) + len(result.errors) == 1
    for error in result.errors:
        assert error.message and error.codes
    for doc in result.documents:
        # Whatever was accepted can be sent on; after one pass (a role-less Contact, duplicate
        # line numbers: broken input is normalised once) the trip through cXML is exact.
        once = translate_cxml(render_cxml(doc.type, doc.document, options=OPTIONS)).documents[0].document
        twice = translate_cxml(render_cxml(doc.type, once, options=OPTIONS)).documents[0].document
        assert dump(twice) == dump(once)
