"""Security headers on every response: a Content-Security-Policy with no inline script, nosniff, referrer policy."""

from __future__ import annotations

from flask import Flask, Response

# Every script and style is a file the app serves; no inline script, no inline event handler, no eval.
# YASGUI (web/static/vendor/yasgui) sets `style="..."` attributes in the HTML it generates, so styles
# may be inline on the SPARQL page only (style-src-attr); see the README.
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
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
