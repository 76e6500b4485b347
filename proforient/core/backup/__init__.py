"""Backups: the database and the uploaded files in one archive, safe while the app runs,
and their restore into an empty database.

An archive (`.tar.gz`) holds, in this order:

- `manifest.json`: the format, the database dialect and schema revision, the row count
  of every table and the size and SHA-256 of every other member;
- `database.sqlite3` (a copy made by SQLite's online backup API, which readers and the
  writer of a running app don't disturb) or `database.dump` (`pg_dump --format=custom`);
- `uploads/...`: every file under UPLOAD_FOLDER.

The database is copied first, as one snapshot, and the files after it. A file is written
before the row that names it is committed, and deleted only after the row that dropped it
is, so every file the snapshot names is still there unless it was replaced in the
seconds between the two steps; the backup checks this and reports any such file.

Restore checks the whole archive before it writes anything, refuses a database that has
tables or an upload folder that has files, and afterwards compares the row counts and
the referenced files with the manifest.
"""
