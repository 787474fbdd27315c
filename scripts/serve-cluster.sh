#!/usr/bin/env bash
# The scale-out set-up on one machine, to try it out (`make serve-cluster`): an S3-compatible server
# (moto, media in memory: gone when it stops), two app servers on PORT and PORT+1, and an RQ worker,
# all on one PostgreSQL and one Redis, each process with a DATA_DIR of its own that stays empty.
# Ctrl-C stops them all. Put any reverse proxy in front of the two ports (see README, Production).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${PORT:-5000}
S3_PORT=${S3_PORT:-9000}
ROOT_DIR=${DATA_DIR:-$PWD/instance}/cluster

export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/inspection_cluster}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT S3_BUCKET=${S3_BUCKET:-inspection-media}
export S3_ACCESS_KEY_ID=${S3_ACCESS_KEY_ID:-trying-out} S3_SECRET_ACCESS_KEY=${S3_SECRET_ACCESS_KEY:-trying-out}
# Every server signs sessions with the same key: kept here so that a restart keeps them valid.
mkdir -p "$ROOT_DIR"
[ -s "$ROOT_DIR/secret_key" ] || $BIN/python -c "import secrets; print(secrets.token_hex(32))" > "$ROOT_DIR/secret_key"
export SECRET_KEY=$(cat "$ROOT_DIR/secret_key")

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

$BIN/python - <<'EOF'
import os, sys
from sqlalchemy import create_engine, make_url, text
url = make_url(os.environ["DATABASE_URL"]).set(drivername="postgresql+psycopg")
server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
with server.connect() as connection:
    if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}).scalar():
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
EOF
$BIN/moto_server -H 127.0.0.1 -p "$S3_PORT" > "$ROOT_DIR/s3.log" 2>&1 & pids+=($!)
$BIN/python - <<'EOF'
import os, time
import boto3
from botocore.exceptions import EndpointConnectionError
s3 = boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT_URL"], region_name="us-east-1",
                  aws_access_key_id=os.environ["S3_ACCESS_KEY_ID"],
                  aws_secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"])
for attempt in range(100):  # the S3 server is starting
    try:
        s3.create_bucket(Bucket=os.environ["S3_BUCKET"])
        break
    except EndpointConnectionError:
        time.sleep(0.2)
EOF

DATA_DIR=$ROOT_DIR/admin $BIN/flask --app app db upgrade
DATA_DIR=$ROOT_DIR/admin $BIN/flask --app app seed-demo
for server in a b; do
  port=$PORT; [ $server = b ] && port=$((PORT + 1))
  DATA_DIR=$ROOT_DIR/server-$server PORT=$port WORKERS=${WORKERS:-2} \
    $BIN/gunicorn --config gunicorn.conf.py 'app:create_app()' & pids+=($!)
done
DATA_DIR=$ROOT_DIR/worker $BIN/flask --app app jobs work & pids+=($!)
echo "App servers on http://127.0.0.1:$PORT and http://127.0.0.1:$((PORT + 1)), S3 on $S3_ENDPOINT_URL;"
echo "PostgreSQL $DATABASE_URL, Redis $REDIS_URL. Ctrl-C stops them all."
wait -n "${pids[@]}"
