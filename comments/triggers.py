"""The database rule that a reply belongs to the same review as its parent, for SQLite.

A CHECK constraint cannot read another row, so the rule is a trigger (see
comments/migrations/0002_reply_same_review_trigger.py, which created it and keeps its own frozen
copy of this SQL, as migrations must). SQLite alters a table by copying it, which drops its
triggers; comments.apps puts them back after `migrate` with the statements below.
"""

SQLITE_TRIGGER_NAMES = ("comment_reply_same_review_insert", "comment_reply_same_review_update")

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
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name};" for name in SQLITE_TRIGGER_NAMES]
