"""For candidate search: each helpper's weekly availability on their row, and per-category indexes.

`marketplace_helpperprofile.week_availability` (int4multirange) holds the helpper's availability
slots as ranges over the week, so candidate search rules a helpper out from the row it already
reads instead of looking up their slots (the slot lookups were most of a search's time at
1,000,000 helppers, bench/matching.py). AvailabilitySlot stays the source of truth: statement
triggers on it refresh the copy whatever writes the slots (forms, the availability page, bulk
inserts, the admin, raw SQL). The column is not on the Django model, so no `save()` can write a
stale copy back; only the triggers write it.

The unit is the half-minute since Monday 00:00, local (Brussels) time, as the slots are. A slot
from `start` to `end` on `weekday` becomes [2·start, 2·end − 1); a visit becomes the same shape,
so "a slot covers the visit" (slot start ≤ visit start and visit end ≤ slot end) is
`week_availability @> visit range`. Ending each range half a minute early keeps back-to-back
slots (8:00–12:00 and 12:00–17:00) apart in the multirange, so a visit from 11:00 to 13:00 is
covered by neither, exactly as with the slots themselves. Times are whole minutes in practice;
otherwise a slot is rounded inwards and a visit outwards, so the copy never says yes where the
slots say no. A visit or slot ending at (or past) midnight ends at the end of its day.
"""

from django.db import migrations

# One nearest-first index of the working helppers per category, for candidate search: it then
# walks only helppers of the request's category (half as many rows read at 1,000,000 helppers,
# p95 of the query 4.9 -> 1.6 ms). The condition is written as search.py writes its test, so the
# planner can tell the index applies; a category added later uses helpper_working_location.
CATEGORIES = ("shopping", "meals", "transport", "admin", "company", "jobs_garden", "household")
CATEGORY_INDEXES = "".join(
    f"""
CREATE INDEX helpper_working_{category} ON marketplace_helpperprofile USING gist (location)
    WHERE approved_at IS NOT NULL AND NOT is_paused AND '{category}'::text = ANY(categories);
"""
    for category in CATEGORIES
)
DROP_CATEGORY_INDEXES = "".join(
    f"DROP INDEX helpper_working_{category};\n" for category in CATEGORIES
)

FUNCTIONS = """
ALTER TABLE marketplace_helpperprofile
    ADD COLUMN week_availability int4multirange NOT NULL DEFAULT '{}';

-- A slot of the weekly availability as a range of half-minutes since Monday 00:00.
CREATE FUNCTION marketplace_slot_week_span(weekday integer, starts time, ends time)
RETURNS int4range LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN lower_ < upper_ THEN int4range(lower_, upper_) END
    FROM (SELECT
        2 * (weekday * 1440 + ceil(extract(epoch FROM starts) / 60)::integer) AS lower_,
        2 * (weekday * 1440 + CASE WHEN ends >= time '23:59:59' THEN 1440
                                   ELSE floor(extract(epoch FROM ends) / 60)::integer END) - 1
            AS upper_) AS bounds
$$;

-- A visit as the same kind of range, in Brussels time, for `week_availability @> ...`.
-- Immutable as PostgreSQL's own `AT TIME ZONE 'zone'` is, so that with constant arguments the
-- planner folds it to a value and estimates the test from the column's statistics.
CREATE FUNCTION marketplace_visit_week_span(starts_at timestamptz, ends_at timestamptz)
RETURNS int4range LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT int4range(lower_, GREATEST(lower_, upper_))
    FROM (SELECT
        2 * ((extract(isodow FROM local_start)::integer - 1) * 1440
             + floor(extract(epoch FROM local_start::time) / 60)::integer) AS lower_,
        2 * ((extract(isodow FROM local_start)::integer - 1) * 1440
             + CASE WHEN local_end::date > local_start::date OR local_end::time >= time '23:59:59'
                    THEN 1440
                    ELSE ceil(extract(epoch FROM local_end::time) / 60)::integer END) - 1
            AS upper_
        FROM (SELECT starts_at AT TIME ZONE 'Europe/Brussels' AS local_start,
                     ends_at AT TIME ZONE 'Europe/Brussels' AS local_end) AS local_) AS bounds
$$;

-- The slots of some profiles, copied onto their rows (only where the copy changes).
CREATE FUNCTION marketplace_week_availability_refresh(profiles bigint[])
RETURNS void LANGUAGE sql AS $$
    UPDATE marketplace_helpperprofile h SET week_availability = fresh.ranges
    FROM (
        SELECT p.id, COALESCE(
            range_agg(marketplace_slot_week_span(s.weekday, s.start, s."end")),
            '{}'::int4multirange) AS ranges
        FROM unnest(profiles) AS p(id)
        LEFT JOIN marketplace_availabilityslot s ON s.profile_id = p.id
        GROUP BY p.id
    ) AS fresh
    WHERE h.id = fresh.id AND h.week_availability IS DISTINCT FROM fresh.ranges
$$;

CREATE FUNCTION marketplace_slots_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM marketplace_week_availability_refresh(
            ARRAY(SELECT DISTINCT profile_id FROM new_slots));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM marketplace_week_availability_refresh(
            ARRAY(SELECT DISTINCT profile_id FROM old_slots));
    ELSE
        PERFORM marketplace_week_availability_refresh(ARRAY(
            SELECT profile_id FROM new_slots UNION SELECT profile_id FROM old_slots));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER availabilityslot_inserted AFTER INSERT ON marketplace_availabilityslot
    REFERENCING NEW TABLE AS new_slots
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace_slots_changed();
CREATE TRIGGER availabilityslot_updated AFTER UPDATE ON marketplace_availabilityslot
    REFERENCING OLD TABLE AS old_slots NEW TABLE AS new_slots
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace_slots_changed();
CREATE TRIGGER availabilityslot_deleted AFTER DELETE ON marketplace_availabilityslot
    REFERENCING OLD TABLE AS old_slots
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace_slots_changed();

-- The existing slots.
SELECT marketplace_week_availability_refresh(
    ARRAY(SELECT DISTINCT profile_id FROM marketplace_availabilityslot));
"""

REVERSE = """
DROP TRIGGER availabilityslot_inserted ON marketplace_availabilityslot;
DROP TRIGGER availabilityslot_updated ON marketplace_availabilityslot;
DROP TRIGGER availabilityslot_deleted ON marketplace_availabilityslot;
DROP FUNCTION marketplace_slots_changed();
DROP FUNCTION marketplace_week_availability_refresh(bigint[]);
ALTER TABLE marketplace_helpperprofile DROP COLUMN week_availability;
DROP FUNCTION marketplace_visit_week_span(timestamptz, timestamptz);
DROP FUNCTION marketplace_slot_week_span(integer, time, time);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0005_calendarfeed"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, REVERSE),
        migrations.RunSQL(CATEGORY_INDEXES, DROP_CATEGORY_INDEXES),
    ]
