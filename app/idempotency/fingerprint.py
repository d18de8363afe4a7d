"""What makes two requests "the same request" for an Idempotency-Key: method, path, query, the representation
asked for (`Accept`) and the content — JSON compared as data (key order and spacing don't count), uploads by
their fields and file contents (a multipart boundary, which clients pick at random per attempt, doesn't count)."""

import hashlib
import json
from typing import IO

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

_CHUNK = 1 << 20


def _file_digest(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(_CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _canonical_json(body: bytes) -> bytes:
    try:
        return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        return body


async def request_fingerprint(request: Request) -> str:
    """The request's SHA-256 (hex); empty without an Idempotency-Key, when nothing will compare it."""
    if "idempotency-key" not in request.headers:
        return ""
    digest = hashlib.sha256()
    query = sorted(request.query_params.multi_items())
    accept = request.headers.get("accept", "").strip().lower()
    digest.update(json.dumps([request.method, request.url.path, query, accept]).encode())
    if request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        form = await request.form()  # already parsed for the handler: this is the same, cached form
        for name, value in sorted(form.multi_items(), key=lambda item: item[0]):
            content = await run_in_threadpool(_file_digest, value.file) if isinstance(value, UploadFile) else value
            digest.update(json.dumps([name, content]).encode())
    else:
        digest.update(_canonical_json(await request.body()))
    return digest.hexdigest()
