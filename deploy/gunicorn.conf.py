"""gunicorn settings for Proforient behind nginx.

deploy/proforient.service starts it from the app's folder:
    .venv/bin/gunicorn --config deploy/gunicorn.conf.py wsgi:app
PROFORIENT_BIND and PROFORIENT_WORKERS override the address and the number of workers.
"""

import os

bind = os.environ.get("PROFORIENT_BIND", "127.0.0.1:8000")  # nginx's upstream
# Two sync workers serve a district (about 500 survey respondents a second measured on
# two cores) and stay under 300 MB together; add one per extra core for a region.
workers = int(os.environ.get("PROFORIENT_WORKERS", "2"))
worker_class = "sync"
# A whole region's responses export takes longer than gunicorn's default 30 s.
timeout = 120
graceful_timeout = 30
# Workers are replaced now and then, so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# The heartbeat file in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"

# The access log names no client address and drops the query string (a one-time survey
# code may travel in one): respondents stay anonymous. Both logs go to the journal.
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'
errorlog = "-"

# Files the workers create are the app's user's alone (the app sets the modes too).
umask = 0o077
