"""An email backend for loadtest.py: each message goes to a file in $BENCH_MAILBOX.

The load test starts gunicorn with EMAIL_BACKEND=bench_mailbox.EmailBackend (this
directory on its Python path), so the simulated respondents can read their sign-up
confirmation emails and follow the link, as people do.
"""

import os

from django.core.mail.backends.filebased import EmailBackend as FileBasedBackend


class EmailBackend(FileBasedBackend):
    def __init__(self, *args, **kwargs):
        kwargs["file_path"] = os.environ["BENCH_MAILBOX"]
        super().__init__(*args, **kwargs)
