"""Full-text index of published-or-not reviews on SQLite (FTS5), kept in sync by triggers.

- ensure_sqlite_index(connection): creates the FTS5 table and its triggers where missing and
  fills the table when a trigger had to be (re)created. Run by migration reviews 0008 and after
  every `migrate` (post_migrate): SQLite rebuilds a table to alter it, which drops its
  triggers, so a later migration of reviews_review or films_film would silently stop the sync.
- TABLE: the FTS5 table's name; its rowid is the review's id, its columns title (the film's),
  headline, standfirst, body. search.py ranks with bm25() and filters on published reviews.
"""

TABLE = "reviews_review_fts"

_CREATE_TABLE = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
    title, headline, standfirst, body, tokenize = 'porter unicode61 remove_diacritics 2'
)
"""

_INSERT_NEW = f"""
INSERT INTO {TABLE} (rowid, title, headline, standfirst, body)
VALUES (NEW.id, (SELECT title FROM films_film WHERE id = NEW.film_id),
        NEW.headline, NEW.standfirst, NEW.body);
"""

_TRIGGERS = {
    "reviews_review_fts_insert": f"""
        CREATE TRIGGER reviews_review_fts_insert AFTER INSERT ON reviews_review BEGIN
            {_INSERT_NEW}
        END""",
    "reviews_review_fts_update": f"""
        CREATE TRIGGER reviews_review_fts_update AFTER UPDATE ON reviews_review BEGIN
            DELETE FROM {TABLE} WHERE rowid = OLD.id;
            {_INSERT_NEW}
        END""",
    "reviews_review_fts_delete": f"""
        CREATE TRIGGER reviews_review_fts_delete AFTER DELETE ON reviews_review BEGIN
            DELETE FROM {TABLE} WHERE rowid = OLD.id;
        END""",
    "reviews_film_title_fts_update": f"""
        CREATE TRIGGER reviews_film_title_fts_update AFTER UPDATE OF title ON films_film
        WHEN OLD.title IS NOT NEW.title BEGIN
            UPDATE {TABLE} SET title = NEW.title
            WHERE rowid IN (SELECT id FROM reviews_review WHERE film_id = NEW.id);
        END""",
}

_FILL = f"""
INSERT INTO {TABLE} (rowid, title, headline, standfirst, body)
SELECT r.id, f.title, r.headline, r.standfirst, r.body
FROM reviews_review r JOIN films_film f ON f.id = r.film_id
"""


def ensure_sqlite_index(connection):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(_CREATE_TABLE)
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        existing = {row[0] for row in cursor.fetchall()}
        missing = [name for name in _TRIGGERS if name not in existing]
        for name in missing:
            cursor.execute(_TRIGGERS[name])
        if missing:  # rows may have changed while a trigger was absent
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(_FILL)


def drop_sqlite_index(connection):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in _TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
