"""Locust users for `make bench-load` (started by bench/load.py, never by hand).

Closed loop, no think time: each user sends its next request when the last one is answered, so
a fixed, small number of users keeps the gunicorn workers busy without piling up a queue.
Signed in by a session cookie bench/load.py wrote into the database (no login traffic).

Environment, set by bench/load.py:
  LOAD_PLAN     JSON file: {"helppers": [session keys], "helppies": [{"session", "place",
                "language"}], "categories": [...], "starts_on": "YYYY-MM-DD", "run": "tag",
                "feed_path": "/api/v1/feed/" or "/near-me/"}
  LOAD_SAMPLES  where to write one JSON line per request (bench/load_stats.Sample)
  LOAD_ACKS     where to write one JSON line per acknowledged post: {"marker", "id"}
  LOAD_PHASE    the scenario, part of each post's marker

Requests are timed here (sent at, milliseconds until the body was read) rather than taken from
locust's statistics, which round response times into buckets.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time

from locust import FastHttpUser, constant, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115, PTH123
SAMPLES: list[dict] = []
ACKS: list[dict] = []
NUMBERS = itertools.count()
PHASE = os.environ.get("LOAD_PHASE", "run")
CREATED = re.compile(r"/requests/(\d+)/$")


@events.quitting.add_listener
def write_results(environment, **kwargs):
    with open(os.environ["LOAD_SAMPLES"], "w") as out:  # noqa: PTH123
        out.writelines(json.dumps(sample) + "\n" for sample in SAMPLES)
    with open(os.environ["LOAD_ACKS"], "w") as out:  # noqa: PTH123
        out.writelines(json.dumps(ack) + "\n" for ack in ACKS)


class Signed(FastHttpUser):
    """A user with one helpper's and one helppie's session, on the same keep-alive socket."""

    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        self.number = next(NUMBERS)
        self.helpper = PLAN["helppers"][self.number % len(PLAN["helppers"])]
        self.helppie = PLAN["helppies"][self.number % len(PLAN["helppies"])]
        self.posted = 0
        self.csrf = None

    def send(self, name: str, method: str, path: str, *, cookie: str, expect: int, **kwargs):
        """One timed request; the response, or None if none came."""
        self.client.cookiejar.clear()  # only the cookies given here: no drift between requests
        headers = {"Cookie": cookie, **kwargs.pop("headers", {})}
        started = time.time()
        began = time.perf_counter()
        with self.client.request(
            method,
            path,
            name=name,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as response:
            ms = (time.perf_counter() - began) * 1000
            status = response.status_code or 0
            ok = status == expect
            if not ok:
                response.failure(f"status {status}")
        SAMPLES.append({"name": name, "started": started, "ms": ms, "ok": ok, "status": status})
        return response if ok else None

    def feed(self) -> None:
        """The helpper feed: the API's when there is one (JSON, a page of 20), else the page."""
        self.send("feed", "GET", PLAN["feed_path"], cookie=f"sessionid={self.helpper}", expect=200)

    def page(self) -> None:
        """The HTML page "Requests near me" (up to 100 cards)."""
        self.send("page", "GET", "/near-me/", cookie=f"sessionid={self.helpper}", expect=200)

    def bare(self) -> None:
        self.send("bare", "GET", "/bench/bare/", cookie=f"sessionid={self.helpper}", expect=200)

    def post(self) -> None:
        """Post a one-off request at the helppie's saved place, as the form at /requests/new/."""
        session = self.helppie["session"]
        if self.csrf is None:
            self.csrf = self.fetch_csrf(session)
            if self.csrf is None:
                return
        token, secret = self.csrf
        self.posted += 1
        marker = f"LOAD-{PLAN['run']}-{PHASE}-{self.number:03d}-{self.posted:06d}"
        category = PLAN["categories"][self.posted % len(PLAN["categories"])]
        form = {
            "csrfmiddlewaretoken": token,
            "category": category,
            "description": f"A hand with this on Saturday morning, please. Ref {marker}",
            "place": str(self.helppie["place"]),
            "recurrence": "once",
            "starts_on": PLAN["starts_on"],
            "start_time": "10:00",
            "duration_minutes": "60",
            "hourly_allowance": "8",
            "languages": self.helppie["language"],
        }
        response = self.send(
            "post",
            "POST",
            "/requests/new/",
            cookie=f"sessionid={session}; csrftoken={secret}",
            expect=302,
            data=form,
        )
        if response is None:
            return
        created = CREATED.search(response.headers.get("Location", ""))
        if created:
            ACKS.append({"marker": marker, "id": int(created.group(1))})
        else:
            SAMPLES[-1]["ok"] = False  # a redirect elsewhere (the login page) is no success

    def fetch_csrf(self, session: str) -> tuple[str, str] | None:
        """The form's CSRF token and cookie, as a browser gets them by opening the form once."""
        response = self.send(
            "post_form", "GET", "/requests/new/", cookie=f"sessionid={session}", expect=200
        )
        if response is None:
            return None
        secret = next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), None)
        if secret is None:  # a Secure cookie over plain HTTP may stay out of the jar
            cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
            secret = next(iter(re.findall(r"csrftoken=([A-Za-z0-9]+)", cookies)), None)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text or "")
        if secret is None or found is None:
            return None
        return found.group(1), secret


class FeedUser(Signed):
    @task
    def act(self) -> None:
        self.feed()


class PageUser(Signed):
    @task
    def act(self) -> None:
        self.page()


class PostUser(Signed):
    @task
    def act(self) -> None:
        self.post()


class BareUser(Signed):
    @task
    def act(self) -> None:
        self.bare()


class MixedUser(Signed):
    """The fault run: helppers reading the feed and helppies posting, one after the other."""

    @task
    def act(self) -> None:
        self.feed()
        self.post()
