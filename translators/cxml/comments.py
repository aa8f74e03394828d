"""cXML ``Comments`` <-> a list of notes (plus attachment URLs kept in ``extensions["attachments"]``)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from .parties import LANG
from .values import sub, text

__all__ = ["read_comments", "write_comments"]

Element = etree._Element
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_comments(el: Element, ext: dict[str, Any]) -> list[str]:
    notes: list[str] = []
    urls: list[str] = []
    for comments in el.iterchildren("Comments"):
        if note := text(comments):
            notes.append(note)
        urls.extend(u for a in comments.iterfind("Attachment") if (u := text(a.find("URL"))))
    if urls:
        ext["attachments"] = urls
    return notes


def write_comments(parent: Element, notes: list[str], ext: dict[str, Any]) -> None:
    urls = ext.get("attachments") or []
    for index, note in enumerate(notes or ([""] if urls else [])):
        comments = sub(parent, "Comments", note or None, **{_XML_LANG: LANG})
        if index == 0:
            for url in urls:
                sub(sub(comments, "Attachment"), "URL", str(url))
