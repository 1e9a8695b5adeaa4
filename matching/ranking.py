"""Ranking the eligible helppers, with reasons a coordinator can read.

The score (higher is better, about -40 to 100) adds five parts:

- distance: 40 x (1 - distance / the request's maximum distance): near is quicker and greener;
- continuity: 6 per visit already done for this person, up to 5 (30): a familiar face, if it
  went well;
- reliability: -10 per late cancellation or no-show in the last 6 months, up to 3 (-30);
- reviews: 5 x (average - 3) x n / (n + 2): stars, trusted more as they accumulate;
- fairness: 10 x the share of the weekly capacity still free: spread the hours.

"Helped well" means the person's own average rating of the helpper is at least 3 (or unrated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from matching.search import Found, Need

RELIABILITY_WINDOW = timedelta(days=182)

HISTORY_SQL = """
    SELECT c.id,
           (SELECT COUNT(*) FROM marketplace_visit v
              JOIN marketplace_helprequest r ON r.id = v.request_id
             WHERE v.helpper_id = c.id AND v.status = 'done' AND r.helppie_id = %(helppie)s),
           (SELECT COUNT(*) FROM marketplace_lapse l
             WHERE l.helpper_id = c.id AND l.at >= %(since)s),
           stars.average, stars.count,
           (SELECT AVG(rv.rating)::float FROM marketplace_review rv
             WHERE rv.subject_id = c.id AND rv.author_id = %(helppie)s)
    FROM unnest(%(ids)s::bigint[]) AS c(id)
    CROSS JOIN LATERAL (
        SELECT AVG(rv.rating)::float AS average, COUNT(*) AS count
        FROM marketplace_review rv WHERE rv.subject_id = c.id) stars
"""

FAMILIAR_SQL = """
    SELECT v.helpper_id
    FROM marketplace_visit v JOIN marketplace_helprequest r ON r.id = v.request_id
    WHERE r.helppie_id = %(helppie)s AND v.status = 'done'
    GROUP BY v.helpper_id
    HAVING COALESCE((SELECT AVG(rv.rating) FROM marketplace_review rv
                     WHERE rv.subject_id = v.helpper_id AND rv.author_id = %(helppie)s), 5) >= 3
"""


@dataclass(frozen=True)
class History:
    helped_this_person: int = 0
    lapses: int = 0
    rating_average: float | None = None
    rating_count: int = 0
    rating_from_this_person: float | None = None

    @property
    def helped_well(self) -> int:
        """Visits done for this person, if they did not rate the helpper below 3."""
        liked = self.rating_from_this_person is None or self.rating_from_this_person >= 3
        return self.helped_this_person if liked else 0


@dataclass(frozen=True)
class Candidate:
    found: Found
    history: History
    score: float
    reasons: list[dict] = field(default_factory=list)

    @property
    def helpper_id(self) -> int:
        return self.found.helpper_id


def familiar_helppers(helppie_id: int) -> list[int]:
    """Helppers who already helped this person, and whom the person did not rate badly."""
    with connection.cursor() as cursor:
        cursor.execute(FAMILIAR_SQL, {"helppie": helppie_id})
        return [row[0] for row in cursor.fetchall()]


def histories(*, helppie_id: int, helpper_ids: list[int]) -> dict[int, History]:
    if not helpper_ids:
        return {}
    since = timezone.now() - RELIABILITY_WINDOW
    with connection.cursor() as cursor:
        cursor.execute(HISTORY_SQL, {"helppie": helppie_id, "ids": helpper_ids, "since": since})
        return {
            row[0]: History(
                helped_this_person=row[1],
                lapses=row[2],
                rating_average=row[3],
                rating_count=row[4],
                rating_from_this_person=row[5],
            )
            for row in cursor.fetchall()
        }


def score(need: Need, found: Found, history: History) -> float:
    distance = 40 * max(0.0, 1 - found.distance_m / need.max_distance_m)
    continuity = 6 * min(history.helped_well, 5)
    reliability = -10 * min(history.lapses, 3)
    reviews = 0.0
    if history.rating_count:
        n = history.rating_count
        reviews = 5 * (history.rating_average - 3) * n / (n + 2)
    fairness = 10 * max(0.0, 1 - found.week_hours / found.weekly_capacity_hours)
    return round(distance + continuity + reliability + reviews + fairness, 2)


def reasons(need: Need, found: Found, history: History, helppie_first_name: str) -> list[dict]:
    """Why this helpper, as codes and numbers (rendered in the reader's language later)."""
    said = [{"code": "distance", "m": round(found.distance_m)}]
    if history.helped_well:
        said.append({"code": "helped", "n": history.helped_well, "name": helppie_first_name})
    shared = [language for language in need.languages if language in found.languages]
    said.append({"code": "speaks", "languages": shared})
    if need.car_needed:
        said.append({"code": "car"})
    if history.lapses:
        said.append({"code": "lapses", "n": history.lapses})
    if history.rating_count:
        said.append(
            {
                "code": "reviews",
                "average": round(history.rating_average, 1),
                "n": history.rating_count,
            }
        )
    said.append(
        {
            "code": "hours",
            "used": round(found.week_hours, 1),
            "capacity": found.weekly_capacity_hours,
        }
    )
    return said


def rank(
    need: Need, found: list[Found], known: dict[int, History], helppie_first_name: str = ""
) -> list[Candidate]:
    """Best first; ties go to the nearer helpper."""
    candidates = []
    for one in found:
        history = known.get(one.helpper_id, History())
        candidates.append(
            Candidate(
                found=one,
                history=history,
                score=score(need, one, history),
                reasons=reasons(need, one, history, helppie_first_name),
            )
        )
    return sorted(candidates, key=lambda c: (-c.score, c.found.distance_m))
