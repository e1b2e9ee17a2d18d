# The database's own wall under the seat cap: Cohort.confirmed_seats counts confirmed
# enrollments, kept by a trigger on the enrollment table in the same transaction as every
# insert, state change, cohort change or delete of an enrollment, and two CHECKs keep it in
# 0..capacity. A service that is wrong, a script or a raw SQL statement that confirms a seat
# beyond capacity fails with an IntegrityError instead of overselling.
#
# SQLite (first local run only) gets the same triggers. Note for later migrations: SQLite
# rebuilds a table to alter it and its triggers go with it, so a migration that rebuilds
# cohorts_enrollment on SQLite must create them again (see SQLITE_TRIGGERS below).

from django.db import migrations, models

POSTGRESQL_TRIGGER = """
CREATE OR REPLACE FUNCTION cohorts_enrollment_confirmed_seats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.state IS NOT DISTINCT FROM NEW.state
           AND OLD.cohort_id IS NOT DISTINCT FROM NEW.cohort_id THEN
            RETURN NULL;
        END IF;
    END IF;
    -- The seat given up first, so moving a seat never passes the capacity on the way.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.state = 'confirmed' AND OLD.cohort_id IS NOT NULL THEN
            UPDATE cohorts_cohort SET confirmed_seats = confirmed_seats - 1
            WHERE id = OLD.cohort_id;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.state = 'confirmed' AND NEW.cohort_id IS NOT NULL THEN
            UPDATE cohorts_cohort SET confirmed_seats = confirmed_seats + 1
            WHERE id = NEW.cohort_id;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER cohorts_enrollment_confirmed_seats
AFTER INSERT OR UPDATE OF state, cohort_id OR DELETE ON cohorts_enrollment
FOR EACH ROW EXECUTE FUNCTION cohorts_enrollment_confirmed_seats();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS cohorts_enrollment_confirmed_seats ON cohorts_enrollment;
DROP FUNCTION IF EXISTS cohorts_enrollment_confirmed_seats();
"""

SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS cohorts_enrollment_confirmed_seats_insert
    AFTER INSERT ON cohorts_enrollment
    WHEN NEW.state = 'confirmed' AND NEW.cohort_id IS NOT NULL
    BEGIN
        UPDATE cohorts_cohort SET confirmed_seats = confirmed_seats + 1 WHERE id = NEW.cohort_id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS cohorts_enrollment_confirmed_seats_update
    AFTER UPDATE OF state, cohort_id ON cohorts_enrollment
    WHEN OLD.state IS NOT NEW.state OR OLD.cohort_id IS NOT NEW.cohort_id
    BEGIN
        UPDATE cohorts_cohort SET confirmed_seats = confirmed_seats - 1
        WHERE id = OLD.cohort_id AND OLD.state = 'confirmed';
        UPDATE cohorts_cohort SET confirmed_seats = confirmed_seats + 1
        WHERE id = NEW.cohort_id AND NEW.state = 'confirmed';
    END""",
    """CREATE TRIGGER IF NOT EXISTS cohorts_enrollment_confirmed_seats_delete
    AFTER DELETE ON cohorts_enrollment
    WHEN OLD.state = 'confirmed' AND OLD.cohort_id IS NOT NULL
    BEGIN
        UPDATE cohorts_cohort SET confirmed_seats = confirmed_seats - 1 WHERE id = OLD.cohort_id;
    END""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS cohorts_enrollment_confirmed_seats_insert",
    "DROP TRIGGER IF EXISTS cohorts_enrollment_confirmed_seats_update",
    "DROP TRIGGER IF EXISTS cohorts_enrollment_confirmed_seats_delete",
]


def count_confirmed_seats(apps, schema_editor):
    """Fill the counter from the rows. A cohort already sold beyond its capacity (possible
    before this wall) gets its capacity raised to what was sold, so the CHECK can stand; the
    instructor sees it in the admin and decides what to do with the extra seats."""
    Cohort = apps.get_model("cohorts", "Cohort")
    Enrollment = apps.get_model("cohorts", "Enrollment")
    for cohort in Cohort.objects.all():
        confirmed = Enrollment.objects.filter(cohort=cohort, state="confirmed").count()
        fields = {"confirmed_seats": confirmed}
        if confirmed > cohort.capacity:
            print(
                f"\n  cohort {cohort.pk} ({cohort.name}) had {confirmed} confirmed seats for "
                f"a capacity of {cohort.capacity}; capacity raised to {confirmed}."
            )
            fields["capacity"] = confirmed
        Cohort.objects.filter(pk=cohort.pk).update(**fields)


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_TRIGGER)
    elif vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0003_cohort_emails"),
        ("courses", "0004_instructor_newsletter_blurb"),
    ]

    operations = [
        migrations.AddField(
            model_name="cohort",
            name="confirmed_seats",
            field=models.IntegerField(
                default=0,
                editable=False,
                help_text="Confirmed enrollments, counted by the database.",
            ),
        ),
        migrations.RunPython(count_confirmed_seats, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="cohort",
            constraint=models.CheckConstraint(
                condition=models.Q(("confirmed_seats__gte", 0)),
                name="cohort_confirmed_seats_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="cohort",
            constraint=models.CheckConstraint(
                condition=models.Q(("confirmed_seats__lte", models.F("capacity"))),
                name="cohort_confirmed_seats_within_capacity",
            ),
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
