"""One person's browser (cookies, every request timed and judged) and the crawl that finds the
pages the simulated users will ask for."""

from __future__ import annotations

import html.parser
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

# The kinds of page the users ask for, by path: the crawl follows only these.
PATTERNS = [
    ("home", r"/"),
    ("municipality", r"/\d{6}/"),
    ("plan", r"/\d{6}/[\w-]+/"),
    ("element", r"/\d{6}/[\w-]+/elements/\d+/"),
    ("initiative", r"/\d{6}/[\w-]+/initiatives/\d+/"),
    ("challenges", r"/\d{6}/[\w-]+/challenges/"),
    ("indicator_table", r"/\d{6}/[\w-]+/indicators/"),
    ("indicator", r"/\d{6}/[\w-]+/indicators/\d+/"),
    ("summary", r"/\d{6}/[\w-]+/cycles/\d+/summary/"),
    ("digest", r"/\d{6}/[\w-]+/digest/"),
    ("cycles", r"/\d{6}/[\w-]+/cycles/"),
    ("cycle", r"/\d{6}/[\w-]+/cycles/\d+/"),
    ("entry", r"/\d{6}/[\w-]+/cycles/\d+/entries/\d+/"),
    ("tasks", r"/tasks/"),
]
COMPILED = [(kind, re.compile(pattern + "$")) for kind, pattern in PATTERNS]
NOT_CRAWLED = re.compile(r"/(accounts|admin|api|static|import|workbook|packets|surveys)/|"
                         r"/(new|scale|move|search|opinions)/|/versions/")


def kind_of(path: str) -> str | None:
    for kind, pattern in COMPILED:
        if pattern.match(path):
            return kind
    return None


class FormParser(html.parser.HTMLParser):
    """The fields of every <form>: action and name → value, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = {"action": a.get("action", ""), "method": a.get("method", "get"),
                            "fields": {}}
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            if a.get("type") == "submit":
                return
            self.current["fields"][a["name"]] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            self.current["fields"][self.textarea] = ""
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            self.current["fields"].setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in a:
            self.current["fields"][self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data: str) -> None:
        if self.current is not None and self.textarea:
            self.current["fields"][self.textarea] += data


def forms_of(page: str) -> list[dict[str, Any]]:
    parser = FormParser()
    parser.feed(page)
    return parser.forms


HREF = re.compile(r'href="(/[^"#?]*)"')


@dataclass
class Sample:
    group: str
    kind: str
    method: str
    start: float
    end: float
    status: int  # 0 for an exception
    error: bool
    note: str = ""


class Recorder:
    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.saves: list[dict[str, Any]] = []

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


class Browser:
    """One person's browser: its cookies, and every request timed and judged."""

    def __init__(self, base: str, recorder: Recorder | None, group: str) -> None:
        self.base = base
        self.origin = "https://" + urlsplit(base).netloc
        self.session = requests.Session()
        self.session.headers.update({"X-Forwarded-Proto": "https",
                                     "User-Agent": "sasaeai-load/1",
                                     "Accept-Language": "ja"})
        self.recorder = recorder
        self.group = group

    def request(self, method: str, path: str, *, kind: str, expect: tuple[int, ...] = (200,),
                data: dict[str, Any] | None = None, referer: str | None = None,
                group: str | None = None) -> requests.Response | None:
        headers = {}
        if method == "POST":
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + (referer or path)
        start = time.monotonic()
        response: requests.Response | None = None
        status, note = 0, ""
        try:
            response = self.session.request(method, self.base + path, data=data,
                                            headers=headers, allow_redirects=False, timeout=60)
            status = response.status_code
        except requests.RequestException as exc:
            note = f"{type(exc).__name__}: {exc}"[:200]
        end = time.monotonic()
        # The app's cookies are Secure (production); the "proxy" is the loopback itself.
        for cookie in self.session.cookies:
            cookie.secure = False
        error = status == 0 or status >= 500 or (status not in expect and status != 409)
        if status == 409:
            note = "conflict"
        if self.recorder is not None:
            self.recorder.add(Sample(group or self.group, kind, method, start, end, status,
                                     error, note))
        return response

    def sign_in(self, username: str, password: str) -> str:
        """Sign in through the login form as a browser does; "" when signed in, else why not."""
        page = self.request("GET", "/accounts/login/", kind="login", group="login")
        if page is None or page.status_code != 200:
            return f"login page {page.status_code if page is not None else 'failed'}"
        form = next((f for f in forms_of(page.text) if "username" in f["fields"]), None)
        if form is None:
            return "no login form"
        fields = {**form["fields"], "username": username, "password": password}
        done = self.request("POST", "/accounts/login/", kind="login", expect=(302,),
                            data=fields, group="login")
        if done is None or done.status_code != 302:
            return f"login answered {done.status_code if done is not None else 'nothing'}"
        location = urlsplit(done.headers.get("Location", "/")).path or "/"
        if "two-factor" in location or "otp" in location:
            return f"sign-in asks for a second factor ({location})"
        landing = self.request("GET", location, kind="login", group="login")
        if landing is None or landing.status_code != 200:
            where = landing.headers.get("Location", "") if landing is not None else ""
            return (f"landing {location} answered "
                    f"{landing.status_code if landing is not None else 'nothing'} {where}")
        return ""


# -- discovery (before the run, not timed) ------------------------------------------------------

def crawl(browser: Browser, starts: list[str], limit: int, within: str | None = None
          ) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Breadth-first over the site's own links: kind → paths, and each page's HTML for the entry
    pages (the writers need their forms)."""
    seen: set[str] = set()
    queue = deque(starts)
    found: dict[str, list[str]] = {}
    pages: dict[str, str] = {}
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = browser.request("GET", path, kind="crawl")
        if response is None or response.status_code != 200:
            continue
        kind = kind_of(path)
        if kind:
            found.setdefault(kind, []).append(path)
            if kind == "entry":
                pages[path] = response.text
        for link in HREF.findall(response.text):
            if link in seen or NOT_CRAWLED.search(link) or kind_of(link) is None:
                continue
            if within and not (link.startswith(within) or link == "/tasks/"):
                continue
            queue.append(link)
    return found, pages


def save_form(page: str) -> dict[str, Any] | None:
    return next((f for f in forms_of(page) if f["action"].endswith("/save/")), None)
