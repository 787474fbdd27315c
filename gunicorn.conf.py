"""gunicorn settings for `make serve` and production. Threaded workers: a phone that sends its body
slowly ties up one thread while it does, not a whole worker (nor a database transaction)."""
import os
import tempfile

bind = f"127.0.0.1:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WORKERS", "4"))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "16"))
# The control socket (gunicornc) of each server on this machine apart: several may run on one
# (`make serve-cluster`), and they would otherwise share $HOME/.gunicorn/gunicorn.ctl.
control_socket = os.path.join(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir(),
                              f"gunicorn-inspection-{os.environ.get('PORT', '5000')}.ctl")
