"""The language of an API answer. Pages speak the site's language (LANGUAGE_CODE, Chinese) unless
the browser or the header's switch asks for another; a browser always names one. An API client
that names none (curl, the openai client, a script) gets English instead: the language of the API's
own messages and of OpenAI's, so that an answer never mixes Django's or DRF's Chinese with them
("file: 提交的是空文件。" before, "file: The submitted file is empty." now)."""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from asrplatform.api_paths import is_api

API_LANGUAGE = "en"


def default_language(path: str) -> str:
    """The language of an answer on `path` to a client that names none."""
    return API_LANGUAGE if is_api(path) else settings.LANGUAGE_CODE


class ApiAwareLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with `default_language` for requests that name no language
    (no Accept-Language header, no language cookie)."""

    def process_request(self, request: HttpRequest) -> None:
        names_one = "HTTP_ACCEPT_LANGUAGE" in request.META or settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if names_one or not is_api(request.path_info):
            super().process_request(request)
            return
        translation.activate(API_LANGUAGE)
        request.LANGUAGE_CODE = translation.get_language()
