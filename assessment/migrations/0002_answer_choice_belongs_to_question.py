"""Make the database refuse an answer whose choice belongs to another question.

Django has no composite foreign keys, so a trigger per backend does the check. On SQLite a
later migration that rebuilds the answer table drops these triggers: such a migration must
recreate them (tests/test_models.py fails if it does not).
"""

from django.db import migrations

POSTGRESQL_CREATE = """
CREATE OR REPLACE FUNCTION assessment_answer_choice_belongs_to_question() RETURNS trigger AS $$
BEGIN
    IF NEW.choice_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM assessment_choice WHERE id = NEW.choice_id AND question_id = NEW.question_id
    ) THEN
        RAISE EXCEPTION 'answer choice % does not belong to question %', NEW.choice_id, NEW.question_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessment_answer_choice_belongs_to_question
    BEFORE INSERT OR UPDATE OF choice_id, question_id ON assessment_answer
    FOR EACH ROW EXECUTE FUNCTION assessment_answer_choice_belongs_to_question();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS assessment_answer_choice_belongs_to_question ON assessment_answer;
DROP FUNCTION IF EXISTS assessment_answer_choice_belongs_to_question();
"""

SQLITE_CONDITION = (
    "NEW.choice_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM assessment_choice "
    "WHERE id = NEW.choice_id AND question_id = NEW.question_id)"
)
SQLITE_CREATE = [
    f"""
    CREATE TRIGGER IF NOT EXISTS assessment_answer_choice_belongs_to_question_{event.lower()}
    BEFORE {event} ON assessment_answer
    WHEN {SQLITE_CONDITION}
    BEGIN SELECT RAISE(ABORT, 'answer choice does not belong to its question'); END;
    """
    for event in ("INSERT", "UPDATE")
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS assessment_answer_choice_belongs_to_question_{event}"
    for event in ("insert", "update")
]


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError("Only SQLite and PostgreSQL are supported.")


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
