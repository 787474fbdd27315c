"""gunicorn settings for `make serve` and production. Threaded workers: a phone that sends its body
slowly ties up one thread while it does, not a whole worker (nor a database transaction)."""
import os

bind = f"127.0.0.1:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WORKERS", "4"))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "16"))
