"""A reply must belong to the same review as its parent, enforced by the database.

A CHECK constraint cannot read another row, so each backend gets a trigger that raises an
integrity error (SQLite: RAISE(ABORT); PostgreSQL: SQLSTATE 23514 check_violation).
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER comment_reply_same_review_insert
    BEFORE INSERT ON comments_comment
    WHEN NEW.parent_id IS NOT NULL AND NEW.review_id IS NOT
        (SELECT review_id FROM comments_comment WHERE id = NEW.parent_id)
    BEGIN
        SELECT RAISE(ABORT, 'CHECK constraint failed: comment_reply_same_review');
    END;
    """,
    """
    CREATE TRIGGER comment_reply_same_review_update
    BEFORE UPDATE OF parent_id, review_id ON comments_comment
    WHEN NEW.parent_id IS NOT NULL AND NEW.review_id IS NOT
        (SELECT review_id FROM comments_comment WHERE id = NEW.parent_id)
    BEGIN
        SELECT RAISE(ABORT, 'CHECK constraint failed: comment_reply_same_review');
    END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS comment_reply_same_review_insert;",
    "DROP TRIGGER IF EXISTS comment_reply_same_review_update;",
]

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION comment_reply_same_review() RETURNS trigger AS $$
    BEGIN
        IF NEW.parent_id IS NOT NULL AND NEW.review_id IS DISTINCT FROM
            (SELECT review_id FROM comments_comment WHERE id = NEW.parent_id) THEN
            RAISE EXCEPTION 'comment_reply_same_review: a reply must be on its parent''s review'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER comment_reply_same_review
    BEFORE INSERT OR UPDATE OF parent_id, review_id ON comments_comment
    FOR EACH ROW EXECUTE FUNCTION comment_reply_same_review();
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS comment_reply_same_review ON comments_comment;",
    "DROP FUNCTION IF EXISTS comment_reply_same_review();",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("comments", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
