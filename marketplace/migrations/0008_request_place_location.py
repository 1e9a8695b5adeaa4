"""For the helpper's feed: each request's copy of its place's point, and an index of the open ones.

The API feed (`selectors.OpenRequestsNear`) finds the nearest open requests around a helpper.
With the point only on `marketplace_place`, PostgreSQL read every place in the helpper's box and
hash-joined them with the open requests of the helpper's categories; with the point on the
request row, one scan of `marketplace_helprequest` answers (the statement took half as long on
bench/load.py's data), and the GiST index on open requests lets it walk nearest-first where the
box holds many.

`marketplace_helprequest.place_location` is a copy; `marketplace_place.location` stays the truth.
Triggers keep the copy whatever writes the rows (forms, services, the admin, bulk inserts, raw
SQL): a request takes its place's point when it is inserted or moved to another place, and a
place's point goes to all its requests when it is inserted (fixtures may load requests first:
the foreign key is deferred) or changed (a corrected address, or erasure blurring the point:
privacy/services.py). The column is not on the Django model, so no `save()` can write a stale
copy back and no query of the ORM reads it; only the feed's SQL does.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE marketplace_helprequest ADD COLUMN place_location geography(Point, 4326);
UPDATE marketplace_helprequest r SET place_location = p.location
    FROM marketplace_place p WHERE p.id = r.place_id;

-- The feed searches open requests only, by point.
CREATE INDEX request_open_place_location ON marketplace_helprequest
    USING gist (place_location) WHERE status = 'open';

CREATE FUNCTION marketplace_request_place_location() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.place_location := (SELECT location FROM marketplace_place WHERE id = NEW.place_id);
    RETURN NEW;
END
$$;

CREATE TRIGGER helprequest_place_location
    BEFORE INSERT OR UPDATE OF place_id ON marketplace_helprequest
    FOR EACH ROW EXECUTE FUNCTION marketplace_request_place_location();

CREATE FUNCTION marketplace_place_location_to_requests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE marketplace_helprequest SET place_location = NEW.location WHERE place_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER place_location_to_requests
    AFTER INSERT OR UPDATE OF location ON marketplace_place
    FOR EACH ROW EXECUTE FUNCTION marketplace_place_location_to_requests();
"""

REVERSE = """
DROP TRIGGER place_location_to_requests ON marketplace_place;
DROP FUNCTION marketplace_place_location_to_requests();
DROP TRIGGER helprequest_place_location ON marketplace_helprequest;
DROP FUNCTION marketplace_request_place_location();
ALTER TABLE marketplace_helprequest DROP COLUMN place_location;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0007_request_submission"),
    ]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
