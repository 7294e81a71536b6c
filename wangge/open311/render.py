"""Answers in the spec's two formats, from one plain structure.

Every method builds lists and dicts of strings, numbers, booleans and None;
this module writes them as JSON or as the spec's XML, where a list is an
element holding one child per item (``<services><service>…``). The names
of those children are the spec's, kept in one table.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

# A list held under a key is written as that key's element with one child
# per item; the child's name for each list the spec has.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), inner)
    elif isinstance(value, list):
        child = ITEM_NAMES[element.tag]
        for inner in value:
            _fill(ET.SubElement(element, child), inner)
    else:
        element.text = _text(value)


def xml_text(root: str, body: Any) -> str:
    element = ET.Element(root)
    _fill(element, body)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode")


def answer(fmt: str, root: str, body: Any, status: int = 200) -> HttpResponse:
    """``root`` names the XML root element (``services``, ``service_requests``,
    ``service_definition``…); JSON has no root and is ``body`` itself."""
    text = xml_text(root, body) if fmt == "xml" else json.dumps(body, ensure_ascii=False)
    return HttpResponse(text.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """The spec's error answer; an unknown format gets JSON."""
    if fmt not in FORMATS:
        fmt = "json"
    return answer(fmt, "errors", [{"code": status, "description": description}], status)
