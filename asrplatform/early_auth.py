"""An API token checked before the body is sent, where HTTP lets the server answer first.

A client that sends `Expect: 100-continue` (curl does for bodies over 1 MiB, as do many HTTP
libraries for uploads) waits for the server's go-ahead before it sends the body. Twisted sent it
at once; web_server.py now looks the request's API token up first and answers a token that no
active user has with 401 straight away: none of the body is sent. Requests without the header
are already sending their body; Django answers those as before.
"""
from __future__ import annotations

import json

from django.utils import translation
from django.utils.translation import gettext_lazy, trans_real

from asrplatform.api_language import default_language
from asrplatform.api_paths import is_openai

_KEYWORDS = (b"token", b"bearer")  # /api/ takes Token, /v1/ Bearer (what OpenAI clients send); both DRF's


def token_key(authorization: bytes | None) -> str | None:
    """The key of `Authorization: Token <key>` or `Bearer <key>`, else None (no token to check)."""
    parts = (authorization or b"").split()
    if len(parts) != 2 or parts[0].lower() not in _KEYWORDS:
        return None
    try:
        return parts[1].decode("ascii")
    except UnicodeDecodeError:
        return None


def refusal_for(key: str, path: str, accept_language: bytes | None) -> tuple[bytes, bytes] | None:
    """None when an active user has this API token; else the 401's JSON, in the language the
    application would answer in (Accept-Language, else `default_language`), and its
    WWW-Authenticate scheme. Runs in a thread of its own (it queries the database), whose
    connection is closed."""
    from django.db import connection
    from rest_framework.authtoken.models import Token

    try:
        if Token.objects.filter(key=key, user__is_active=True).exists():
            return None
    finally:
        connection.close()
    with translation.override(_language(accept_language, path)):
        message = str(gettext_lazy("Invalid token."))  # DRF's message, in DRF's catalogue
    if is_openai(path):
        body = {"error": {"message": f"{message} Send Authorization: Bearer <your API token>.",
                          "type": "authentication_error", "param": None, "code": "invalid_api_key"}}
        return json.dumps(body, ensure_ascii=False).encode(), b"Bearer"
    return json.dumps({"detail": message}, ensure_ascii=False).encode(), b"Token"


def _language(accept_language: bytes | None, path: str) -> str:
    for code, _quality in trans_real.parse_accept_lang_header((accept_language or b"").decode("latin-1")):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return default_language(path)
