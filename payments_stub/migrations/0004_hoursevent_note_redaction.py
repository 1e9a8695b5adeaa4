"""The hours history stays append-only, with one exception: erasure may blank a note.

A helppie's reason for questioning hours (and a coordinator's note about them) is free text
about people; GDPR erasure must be able to remove it while the history keeps every action, who
did it, when, and the values before and after. The hours history's trigger now lets through an
UPDATE whose new row equals the old one in every column but `note`, and whose new note is empty.
Every other UPDATE, and every DELETE, is refused as before. Entries and ledger transactions keep
the strict trigger of 0002.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION payments_stub_hoursevent_append_only() RETURNS trigger AS $$
BEGIN
    -- Only a redaction passes: the note becomes empty and nothing else changes. Comparing the
    -- whole rows as jsonb (minus the note) also covers columns added later.
    IF TG_OP = 'UPDATE'
       AND NEW.note = ''
       AND (to_jsonb(NEW) - 'note') = (to_jsonb(OLD) - 'note') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: post a reversal instead (only a note may be blanked)',
        TG_TABLE_NAME USING ERRCODE = 'object_not_in_prerequisite_state';
END $$ LANGUAGE plpgsql;

DROP TRIGGER payments_stub_hoursevent_append_only ON payments_stub_hoursevent;
CREATE TRIGGER payments_stub_hoursevent_append_only
    BEFORE UPDATE OR DELETE ON payments_stub_hoursevent
    FOR EACH ROW EXECUTE FUNCTION payments_stub_hoursevent_append_only();
"""

BACKWARD = """
DROP TRIGGER payments_stub_hoursevent_append_only ON payments_stub_hoursevent;
DROP FUNCTION payments_stub_hoursevent_append_only();
CREATE TRIGGER payments_stub_hoursevent_append_only
    BEFORE UPDATE OR DELETE ON payments_stub_hoursevent
    FOR EACH ROW EXECUTE FUNCTION payments_stub_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("payments_stub", "0003_example_funds")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
