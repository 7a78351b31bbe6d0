"""Reading the staff pages the way a browser does: the fields a form would send as the page
left it, the messages, the question a form asks first."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

MESSAGE = re.compile(r'<li class="message message--(\w+)">(.*?)</li>', re.S)


class _FormReader(HTMLParser):
    """The fields of the first form inside the element whose id is ``scope``."""

    def __init__(self, scope: str):
        super().__init__(convert_charrefs=True)
        self.scope, self.depth, self.done = scope, 0, False
        self.fields: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if self.depth == 0:
            if attrs.get("id") == self.scope:
                self.depth = 1
            return
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self.depth += 1
        self._field(tag, attrs)

    def _field(self, tag, attrs):
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
            else:
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            multiple = "multiple" in attrs
            self.select = {"name": name, "first": None, "chosen": [], "multiple": multiple}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "text": ""}

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)  # <input ... />: a void element, nothing to close
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.done or self.depth == 0:
            return
        if tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"] and self.select["first"] is not None:
                chosen = [self.select["first"]]  # a single select sends its first option
            self.fields += [(self.select["name"], value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea["name"], self.textarea["text"].removeprefix("\n")))
            self.textarea = None
        self.depth -= 1
        if self.depth == 0:
            self.done = True

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"] += data


def form_fields(page: str, scope: str) -> dict:
    """What the form inside ``#scope`` sends unchanged: name -> value (a list if repeated),
    without the CSRF token (the test client does not check it)."""
    reader = _FormReader(scope)
    reader.feed(page)
    assert reader.done or reader.depth, f"no #{scope} on the page"
    data: dict = {}
    for name, value in reader.fields:
        if name == "csrfmiddlewaretoken":
            continue
        if name in data:
            data[name] = [*([data[name]] if isinstance(data[name], str) else data[name]), value]
        else:
            data[name] = value
    return data


def messages_of(page: str) -> list[tuple[str, str]]:
    """The page's messages: (level, text)."""
    return [(level, html.unescape(text).strip()) for level, text in MESSAGE.findall(page)]


def offered(page: str) -> list[str]:
    """The action cards of a detail page, in order."""
    return re.findall(r'<section class="card action" id="action-([a-z_]+)">', page)


def opening_tag(page: str, pattern: str) -> str:
    """The first start tag matching ``pattern`` (a regular expression for its start)."""
    match = re.search(pattern + r"[^>]*>", page)
    assert match, f"no tag like {pattern}"
    return html.unescape(match.group(0))


def confirm_step(page: str) -> str | None:
    """The "Are you sure?" box the server answers with, or None."""
    match = re.search(r'<section class="card confirm-step".*?</section>', page, re.S)
    return html.unescape(match.group(0)) if match else None


def hidden_fields(fragment: str) -> list[tuple[str, str]]:
    """The hidden fields of ``fragment`` (as confirm_step gives it: unescaped) but the CSRF
    token (the test client needs none)."""
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', fragment)
    return [(name, value) for name, value in found if name != "csrfmiddlewaretoken"]
