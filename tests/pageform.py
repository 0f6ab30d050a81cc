"""What a browser would post back from a page's form, unchanged: for tests of edit pages opened by two people."""

from __future__ import annotations

from html.parser import HTMLParser


class _Values(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside = False
        self.forms: list[dict[str, str]] = []
        self.values: dict[str, str] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.inside = True
            self.values = {}
            self.forms.append(self.values)
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value") or "on"
            else:
                self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_values(html: str, having: str = "version") -> dict[str, str]:
    """The values the POST form of ``html`` that has a field ``having`` would send as it is shown."""
    parser = _Values()
    parser.feed(html)
    values = next(f for f in parser.forms if having in f)
    for name, value in values.items():
        if isinstance(value, str) and value.startswith("\n"):  # a textarea's leading newline is not content
            values[name] = value[1:]
    return values
