"""Many attempts at the same instant, each on its own database connection (as separate workers
or browser clicks would be), for the race tests."""

import threading
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.utils import translation


def all_at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run every call at the same instant, each in its own thread (so its own connection);
    returns what they returned, in the order they finished."""
    barrier = threading.Barrier(len(calls))
    answers: list[object] = []

    def run(call):
        try:
            barrier.wait()
            answers.append(call())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    return answers


def race(attempts: list[Callable[[], object]], *, success: str = "won") -> list[str]:
    """Run every attempt at once; each outcome is `success`, a refusal's message, or "crashed"."""

    def outcome(attempt) -> str:
        translation.activate("en")
        try:
            attempt()
        except ValidationError as error:
            return error.messages[0]
        except Exception as error:  # a deadlock or anything else must fail the test, visibly
            return f"crashed: {error!r}"
        return success

    return all_at_once([lambda attempt=attempt: outcome(attempt) for attempt in attempts])
