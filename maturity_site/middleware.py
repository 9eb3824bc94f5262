"""HTTP hygiene for every URL of the site, applied before and after any view."""

import codecs

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

# A charset that no codec has: Django's parsers ignore it, and the middleware refuses it.
UNREADABLE_CHARSET = "x-unreadable"


def is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name == "utf-8"
    except (LookupError, ValueError):  # unknown, or not a name at all (a NUL in it)
        return False


def breaks_django(charset: str) -> bool:
    """A charset that makes Django raise while it builds the request: one of Python's
    bytes-to-bytes codecs, or a name that codecs cannot even look up (a NUL in it)."""
    try:
        return not codecs.lookup(charset)._is_text_encoding
    except LookupError:  # unknown: Django ignores it, and the middleware refuses it
        return False
    except ValueError:
        return True


def readable_content_types(application):
    """WSGI wrapper that hands Django only Content-Types it can build a request from.

    Django parses the Content-Type, and decodes the query string in its charset, while it
    builds the request, before any middleware: a header it cannot parse (a bad RFC 2231
    parameter), or a charset naming one of Python's bytes-to-bytes codecs (base64, zlib,
    rot13...), makes that raise, and the visitor gets the server's bare 500. Both are
    given a charset that no codec has instead, which Django ignores and the middleware
    below refuses with the friendly 400 page.
    """

    def application_with_readable_content_type(environ, start_response):
        content_type = environ.get("CONTENT_TYPE", "")
        try:
            media_type, params = parse_header_parameters(content_type)
        except (ValueError, LookupError):  # LookupError: an RFC 2231 value in a bytes codec
            environ["CONTENT_TYPE"] = f"application/octet-stream; charset={UNREADABLE_CHARSET}"
        else:
            charset = params.get("charset")
            if charset is not None and breaks_django(charset):
                # The whole header is replaced: an RFC 2231 "charset*=" would outlive an
                # appended plain "charset=".
                environ["CONTENT_TYPE"] = f"{media_type}; charset={UNREADABLE_CHARSET}"
        return application(environ, start_response)

    return application_with_readable_content_type


class Utf8RequestsOnlyMiddleware:
    """Refuse a request that declares any charset but UTF-8, with the friendly 400 page.

    Django decodes the query string and form body in the declared charset and refuses a
    URL-encoded body in anything but UTF-8 while CSRF reads the token; its 400 handler then
    runs the CSRF check again, which reads the body again, and the visitor gets a 500.
    Every page of the site is UTF-8, so no browser filling in one of its forms sends
    anything else: refusing here, before CSRF, keeps the parsers away from such a body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.content_params.get("charset")
        if charset is None:
            return self.get_response(request)
        if is_utf8(charset):
            # Django's form parser accepts only the spelling "utf-8" (utf8, UTF_8 are
            # refused), so every spelling of UTF-8 is read as that one.
            request.encoding = "utf-8"
            return self.get_response(request)
        return render(
            request,
            "_error.html",
            {
                "code": 400,
                "heading": _("That request could not be understood"),
                "explanation": _(
                    "The form was sent in a character encoding other than UTF-8. "
                    "Go back, reload the page and send it again."
                ),
            },
            status=400,
        )


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PrivateResponsesMiddleware:
    """Keep every page out of shared and browser caches, and switch off unused features.

    Nearly every response carries an organisation's answers, results, reports or member
    list, and one left in a cache can be shown again after logging out (the Back button,
    a shared computer, a proxy). So every response a view builds says `no-store`: deciding
    per view would leave the next new view cached by default. Static files never get
    here: WhiteNoise, which runs earlier, serves them with their own long-lived caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        response.setdefault("Permissions-Policy", self.permissions_policy)
        return response
