"""The simulated users: public readers and signed-in staff, some of whom save entries."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

from bench.load.browser import Browser, Recorder, save_form

SEED = 20_250_601
THINK = (0.5, 1.5)
# Public page kinds and how often a reader asks for each.
PUBLIC_KINDS = {
    "home": 8, "municipality": 8, "plan": 20, "element": 10, "initiative": 10, "challenges": 5,
    "indicator_table": 12, "indicator": 12, "summary": 10, "digest": 5,
}
STAFF_KINDS = {"tasks": 15, "cycles": 10, "cycle": 20, "entry": 40, "plan": 15}


@dataclass
class Plan:
    public: dict[str, list[str]]
    staff: dict[str, dict[str, list[str]]]  # username → kind → paths
    writable: dict[str, list[str]]  # username → entry paths with a save form
    password: str
    readers: list[str]
    writers: list[str]


def think(rng: random.Random, stop: threading.Event) -> None:
    stop.wait(rng.uniform(*THINK))


def pick(rng: random.Random, found: dict[str, list[str]], weights: dict[str, int]
         ) -> tuple[str, str]:
    kinds = [k for k in weights if found.get(k)]
    kind = rng.choices(kinds, weights=[weights[k] for k in kinds])[0]
    return kind, rng.choice(found[kind])


def public_user(number: int, base: str, plan: Plan, recorder: Recorder,
                stop: threading.Event) -> None:
    rng = random.Random(SEED + number)  # noqa: S311 - a reproducible mix, not a secret
    browser = Browser(base, recorder, "public")
    think(rng, stop)
    while not stop.is_set():
        kind, path = pick(rng, plan.public, PUBLIC_KINDS)
        browser.request("GET", path, kind=kind)
        think(rng, stop)


def staff_user(number: int, base: str, plan: Plan, recorder: Recorder, stop: threading.Event,
               username: str, entries: list[str]) -> None:
    rng = random.Random(SEED + 1000 + number)  # noqa: S311
    browser = Browser(base, recorder, "staff")
    stop.wait(rng.uniform(0, 10))  # sign-ins spread over the first seconds, not all at once
    if stop.is_set() or browser.sign_in(username, plan.password):
        return
    found = plan.staff[username]
    writes = 0
    while not stop.is_set():
        think(rng, stop)
        if stop.is_set():
            break
        if entries and rng.random() < 0.5:
            path = rng.choice(entries)
            page = browser.request("GET", path, kind="entry")
            form = save_form(page.text) if page is not None and page.status_code == 200 else None
            if form is None:
                continue
            think(rng, stop)
            if stop.is_set():
                break
            writes += 1
            text = f"【負荷試験】{username} #{number}-{writes} の入力"
            fields = {**form["fields"], "progress": text}
            start = time.monotonic()
            done = browser.request("POST", form["action"], kind="save", expect=(302,),
                                   data=fields, referer=path)
            status = done.status_code if done is not None else 0
            with recorder.lock:
                recorder.saves.append({"entry": int(path.rstrip("/").split("/")[-1]),
                                       "text": text, "status": status, "start": start,
                                       "version": int(fields.get("version") or 0)})
            if status == 302:
                browser.request("GET", path, kind="entry")
        else:
            kind, path = pick(rng, found, STAFF_KINDS)
            browser.request("GET", path, kind=kind)

