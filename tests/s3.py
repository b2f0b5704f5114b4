"""A real S3 API on loopback for tests: moto's standalone server in a child process.

    with moto_server() as endpoint:            # "http://127.0.0.1:<free port>"
        create_bucket(endpoint, "media")
        env = s3_environment(endpoint, "media")  # MEDIA_STORAGE=s3 ... for a server process

The server keeps everything in memory and stops (its buckets with it) when the block ends. It
accepts any credentials (TEST_CREDENTIALS are used throughout); like S3, it refuses anonymous
GETs unless the bucket's policy allows them (create_bucket's `public`).
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REGION = "us-east-1"
TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
START_SECONDS = 30


def free_port(host="127.0.0.1"):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@contextmanager
def moto_server(host="127.0.0.1"):
    """Starts `moto_server` on a free port of `host`, yields its endpoint URL once it answers,
    stops it on exit. Its output goes to a temporary log, shown if it fails to start."""
    port = free_port(host)
    endpoint = f"http://{host}:{port}"
    script = Path(sys.executable).with_name("moto_server")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]
    descriptor, log_name = tempfile.mkstemp(prefix="moto-server-", suffix=".log")
    log_path = Path(log_name)
    with os.fdopen(descriptor, "wb") as log:
        process = subprocess.Popen(
            [*command, "-H", host, "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_until_up(endpoint, process, log_path)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_path.unlink(missing_ok=True)


def _wait_until_up(endpoint, process, log_path):
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer at {endpoint} within {START_SECONDS} s")


def s3_client(endpoint):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def create_bucket(endpoint, bucket, *, public=True):
    """A bucket; `public`: readable by anyone, through the bucket policy the README gives."""
    client = s3_client(endpoint)
    client.create_bucket(Bucket=bucket)
    if public:
        client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket)))


def public_read_policy(bucket):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


def s3_environment(endpoint, bucket):
    """The environment variables that put a server's media in `bucket` (README, "Media in
    object storage"): for a gunicorn or manage.py started by a test."""
    return {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        **TEST_CREDENTIALS,
    }


def object_names(endpoint, bucket, prefix=""):
    """Every key in `bucket` under `prefix`."""
    pages = (
        s3_client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    )
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))
