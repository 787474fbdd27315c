"""Media storage behind one interface: the local disk by default, S3-compatible object storage when
configured. Names are always generated here, never taken from a user."""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from flask import Flask, current_app
from werkzeug.security import safe_join


def new_key(prefix: str, suffix: str) -> str:
    return f"{prefix}/{secrets.token_hex(2)}/{secrets.token_urlsafe(18)}{suffix}"


class LocalStorage:
    def __init__(self, root: str):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        joined = safe_join(str(self.root), key)
        if joined is None:
            raise ValueError(f"unsafe media key {key!r}")
        return Path(joined)

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name and renamed, so a reader never sees half a file.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def local_path(self, key: str) -> Path | None:
        """For the PDF renderer's URL fetcher: a path on disk, or None when media is remote."""
        return self._path(key)


class S3Storage:
    def __init__(self, bucket: str, client):
        self.bucket = bucket
        self.client = client

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError:
            return False
        return True

    def local_path(self, key: str) -> None:
        return None


def make_storage(config: dict):
    if config.get("S3_BUCKET"):
        try:
            import boto3
        except ModuleNotFoundError as missing:  # the S3 extra is optional: only S3 deployments install it
            raise RuntimeError("S3_BUCKET is set but boto3 is not installed: "
                               "pip install -r requirements.lock -r requirements-s3.lock") from missing

        client = boto3.client(
            "s3", endpoint_url=config.get("S3_ENDPOINT_URL") or None, region_name=config.get("S3_REGION"),
            aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        )
        return S3Storage(config["S3_BUCKET"], client)
    return LocalStorage(config["MEDIA_DIR"])


def storage():
    return current_app.extensions["media_storage"]


def init_app(app: Flask) -> None:
    app.extensions["media_storage"] = make_storage(app.config)
