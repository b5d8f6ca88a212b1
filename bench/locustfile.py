"""The load test's users (`make loadtest`): SMT editors reading and editing the
register, report authors previewing the paper. Each signs in once; the sign-in
is named apart because its password hashing is deliberately slow."""

import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import FastHttpUser, between, events, task

from html_forms import csrf_token, form_fields  # bench/ is on the path: locust imports this file from there

PASSWORD = "register-demo-2017"
FILTERS = ("?band=high", "?trend=increasing", "?q=funding", "?lever=oversight", "?band=medium&trend=no_change")


@events.init_command_line_parser.add_listener
def settle_option(parser):
    parser.add_argument("--settle", type=int, default=0,
                        help="Seconds after every user has signed in before the figures start again from zero.")
    parser.add_argument("--measure", type=int, default=0,
                        help="With --settle: seconds of figures to take, then stop.")


ENVIRONMENT = {}
SIGNED_IN = {"count": 0}


@events.init.add_listener
def remember_environment(environment, **kwargs):
    ENVIRONMENT["it"] = environment


def signed_in():
    """One more user is in. --reset-stats clears the figures when the last user has
    arrived, but the last arrivals' sign-ins (a deliberately slow password hash each)
    still queue for the CPU then: clear them once more when every user has signed in
    and a settling time has passed, so the figures are of the steady load."""
    SIGNED_IN["count"] += 1
    environment = ENVIRONMENT.get("it")
    if environment is None or environment.runner is None:
        return
    settle = getattr(environment.parsed_options, "settle", 0)
    if settle and SIGNED_IN["count"] == environment.parsed_options.num_users:
        gevent.spawn_later(settle, start_figures, environment)


def start_figures(environment):
    environment.runner.stats.reset_all()
    if environment.parsed_options.measure:
        gevent.spawn_later(environment.parsed_options.measure, environment.runner.quit)
    # loadtest.py reads when the figures started, to say how long they cover.
    if os.environ.get("LOADTEST_FIGURES_FROM"):
        Path(os.environ["LOADTEST_FIGURES_FROM"]).write_text(str(time.time()))


# FastHttpUser (geventhttpclient) rather than HttpUser (requests): locust runs on the
# same two cores as the server, and costs several times less CPU per request this way.
class SignedIn(FastHttpUser):
    abstract = True
    username = ""
    wait_time = between(1, 3)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="sign-in page").text
        self.client.post("/accounts/login/", name="sign-in (password hashing)", data={
            "username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(page),
        }, headers={"Referer": self.host + "/accounts/login/"})
        register = self.client.get("/risks/", name="register").text
        self.risk_ids = sorted({int(pk) for pk in re.findall(r'href="/risks/(\d+)/"', register)}) or [1]
        signed_in()


class Editor(SignedIn):
    weight = 4
    username = "smt"

    @task(5)
    def register(self):
        self.client.get("/risks/", name="register")

    @task(3)
    def filtered_register(self):
        self.client.get("/risks/" + random.choice(FILTERS), name="register, filtered")

    @task(5)
    def risk_page(self):
        self.client.get(f"/risks/{random.choice(self.risk_ids)}/", name="risk page")

    @task(2)
    def history(self):
        self.client.get(f"/risks/{random.choice(self.risk_ids)}/history/", name="history")

    @task(3)
    def dashboard(self):
        self.client.get("/", name="dashboard")

    @task(1)
    def edit(self):
        # Few risks, many editors: some saves meet another's and get the 409 conflict page.
        url = f"/risks/{random.choice(self.risk_ids[:5])}/edit/"
        page = self.client.get(url, name="edit page").text
        data = form_fields(page)
        data["risk-description"] = data.get("risk-description", "")[:1000] + " ."
        data["change-reason"] = "Load test edit"
        with self.client.post(url, data=data, name="edit save", catch_response=True,
                              headers={"Referer": self.host + url}, allow_redirects=False) as response:
            if response.status_code in (302, 409):
                response.success()
            else:
                response.failure(f"edit save answered {response.status_code}")

    @task(1)
    def review(self):
        url = f"/risks/{random.choice(self.risk_ids)}/review/"
        page = self.client.get(url, name="review form").text
        data = form_fields(page)
        data.update({"trend": "no_change", "likelihood": data.get("likelihood") or "3",
                     "impact": data.get("impact") or "3", "commentary": "Load test review",
                     "reason": "Load test review"})
        with self.client.post(url, data=data, name="review save", catch_response=True,
                              headers={"Referer": self.host + url}, allow_redirects=False) as response:
            if response.status_code in (302, 409):
                response.success()
            else:
                response.failure(f"review save answered {response.status_code}")


class Author(SignedIn):
    weight = 1
    username = "author"

    def on_start(self):
        super().on_start()
        papers = self.client.get("/papers/", name="papers").text
        self.paper_ids = sorted({int(pk) for pk in re.findall(r'href="/papers/(\d+)/"', papers)}) or [1]

    @task(3)
    def preview(self):
        self.client.get(f"/papers/{random.choice(self.paper_ids)}/preview/", name="paper preview")

    @task(2)
    def register(self):
        self.client.get("/risks/", name="register")

    @task(1)
    def papers(self):
        self.client.get("/papers/", name="papers")
