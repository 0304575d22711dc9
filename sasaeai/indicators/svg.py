"""matplotlib's SVG made fit to sit inside a page under the site's Content Security Policy.

The policy allows no inline styles: every ``style="…"`` becomes presentation attributes
(``fill="…"``), matplotlib's ``<style>`` element is dropped, and every id is prefixed so that
several charts on one page do not clash.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

__all__ = ["inline_svg"]

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_REFERENCE = re.compile(r"url\(#([^)]+)\)")


def _q(name: str, namespace: str = _SVG_NS) -> str:
    return f"{{{namespace}}}{name}"


def inline_svg(document: str, *, prefix: str, title: str) -> str:
    """matplotlib's SVG file → an <svg> element that works inline under a strict CSP."""
    # Parsing the SVG that matplotlib has just written, not outside input.
    root = ET.fromstring(document)  # noqa: S314
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == _q("metadata"):
                parent.remove(child)
            elif child.tag == _q("defs"):
                for sheet in child.findall(_q("style")):
                    child.remove(sheet)
                if len(child) == 0:
                    parent.remove(child)

    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            for declaration in style.split(";"):
                name, _, value = declaration.partition(":")
                if name.strip() and value.strip():
                    element.set(name.strip(), value.strip())
        for name, value in list(element.attrib.items()):
            if name == "id":
                element.set(name, prefix + value)
            elif name in ("href", _q("href", _XLINK_NS)) and value.startswith("#"):
                element.set(name, "#" + prefix + value[1:])
            elif "url(#" in value:
                element.set(name, _REFERENCE.sub(lambda m: f"url(#{prefix}{m.group(1)})", value))

    title_id = f"{prefix}title"
    heading = ET.Element(_q("title"), {"id": title_id})
    heading.text = title
    root.insert(0, heading)
    # What matplotlib's <style> said for every element; these two are inherited.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("width", "100%")
    root.attrib.pop("height", None)
    root.set("role", "img")
    root.set("aria-labelledby", title_id)
    root.set("class", "indicator-chart")
    # Registered for the whole process, but only names the prefix ET writes for these URIs.
    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", _XLINK_NS)
    return ET.tostring(root, encoding="unicode")
