"""Many attempts at the same instant, each on its own database connection (as separate workers
or browser clicks would be), for the race tests."""

import threading
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.utils import translation


def race(attempts: list[Callable[[], object]], *, success: str = "won") -> list[str]:
    """Run every attempt at once; each outcome is `success`, a refusal's message, or "crashed"."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []

    def run(attempt):
        translation.activate("en")
        try:
            barrier.wait()
            attempt()
            outcomes.append(success)
        except ValidationError as error:
            outcomes.append(error.messages[0])
        except Exception as error:  # a deadlock or anything else must fail the test, visibly
            outcomes.append(f"crashed: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    return outcomes
