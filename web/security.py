"""Security headers on every response: a Content-Security-Policy with no inline script, nosniff, referrer policy."""

from __future__ import annotations

from flask import Flask, Response

# Every script and style is a file the app serves: no inline script, no inline event handler, no eval.
# Three inline styles of the vendored YASGUI are allowed by their hashes, nothing else inline: the
# <style> elements its column resizer adds (its rules, and the cursor while a column is dragged), and
# the style attribute of the editor's syntax-error tooltip.
YASGUI_STYLE_HASHES = (
    "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",  # column-resizer's rules
    "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='",  # *{cursor:col-resize!important}
)
YASGUI_STYLE_ATTRIBUTE = (
    "'sha256-EntWS0hFrz2vH7susM+dPUxvHlL6sBswmM8K80E5oUk='"  # text-decoration:underline
)
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": " ".join(("'self'", *YASGUI_STYLE_HASHES)),
    "style-src-attr": f"'unsafe-hashes' {YASGUI_STYLE_ATTRIBUTE}",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
CONTENT_SECURITY_POLICY = "; ".join(f"{name} {value}" for name, value in CSP_DIRECTIVES.items())
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
}


def init_app(app: Flask) -> None:
    """Add HEADERS to every response the app gives, errors included."""

    @app.after_request
    def add_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
