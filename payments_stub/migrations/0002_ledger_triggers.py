"""The ledger's last line of defence, in the database itself.

- A deferred constraint trigger refuses, at commit, any transaction whose entries do not sum to
  zero (deferred: the entries of one transaction are inserted one after the other).
- Append-only triggers refuse UPDATE and DELETE on entries, ledger transactions and the hours
  history: a mistake is undone by a reversal, never by an edit.
"""

from django.db import migrations

APPEND_ONLY = ["entry", "ledgertransaction", "hoursevent"]

FORWARD = """
CREATE FUNCTION payments_stub_transaction_balanced() RETURNS trigger AS $$
DECLARE total bigint;
BEGIN
    SELECT COALESCE(SUM(amount_cents), 0) INTO total
      FROM payments_stub_entry WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % does not sum to zero (%)',
            NEW.transaction_id, total USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER payments_stub_entry_balanced
    AFTER INSERT ON payments_stub_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payments_stub_transaction_balanced();

CREATE FUNCTION payments_stub_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: post a reversal instead', TG_TABLE_NAME
        USING ERRCODE = 'object_not_in_prerequisite_state';
END $$ LANGUAGE plpgsql;
"""

TRIGGER = """
CREATE TRIGGER payments_stub_{short}_append_only
    BEFORE UPDATE OR DELETE ON payments_stub_{table}
    FOR EACH ROW EXECUTE FUNCTION payments_stub_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS payments_stub_entry_balanced ON payments_stub_entry;
DROP FUNCTION IF EXISTS payments_stub_transaction_balanced();
DROP TRIGGER IF EXISTS payments_stub_entry_append_only ON payments_stub_entry;
DROP TRIGGER IF EXISTS payments_stub_transaction_append_only ON payments_stub_ledgertransaction;
DROP TRIGGER IF EXISTS payments_stub_hoursevent_append_only ON payments_stub_hoursevent;
DROP FUNCTION IF EXISTS payments_stub_append_only();
"""

SHORT = {"entry": "entry", "ledgertransaction": "transaction", "hoursevent": "hoursevent"}


class Migration(migrations.Migration):
    dependencies = [("payments_stub", "0001_initial")]

    operations = [
        migrations.RunSQL(
            FORWARD
            + "".join(TRIGGER.format(short=SHORT[t], table=t) for t in APPEND_ONLY),
            BACKWARD,
        ),
    ]
