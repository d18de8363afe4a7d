"""The web pages over real HTTP, without a browser: served, secured, cacheable, no inline script, one shared head."""

import re
from html.parser import HTMLParser

import httpx
import pytest

CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
SECURITY = {
    "content-security-policy": CSP,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.script_text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def _assets(html: str) -> list[str]:
    tags = _parse(html).tags
    return [str(attrs.get("src") or attrs.get("href")) for tag, attrs in tags
            if (tag == "script" and attrs.get("src")) or (tag == "link" and attrs.get("href"))]


def test_the_page_is_served_with_security_headers(http: httpx.Client) -> None:
    response = http.get("/respond")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    for name, value in SECURITY.items():
        assert response.headers[name] == value
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["etag"]
    assert "<form" in response.text


def test_the_page_has_no_inline_script_handlers_or_styles(http: httpx.Client) -> None:
    """The CSP forbids them; the browser tests prove the page works, this keeps the markup honest."""
    page = _parse(http.get("/respond").text)
    assert page.script_text == []
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "style" not in attrs, (tag, attrs)
        if tag == "script":
            assert str(attrs["src"]).startswith("/static/"), attrs
    for name in ("respond.js", "respond-api.js", "respond-steps.js", "respond-i18n.js"):
        script = http.get(f"/static/{name}").text
        for unsafe in (".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert unsafe not in script, (name, unsafe)


def test_assets_are_linked_by_content_version_and_cached_for_a_year(http: httpx.Client) -> None:
    links = _assets(http.get("/respond").text)
    assert [link.split("?")[0] for link in links] == ["/static/favicon.svg", "/static/base.css",
                                                      "/static/respond.css", "/static/respond.js"]
    entry = http.get(next(link for link in links if link.startswith("/static/respond.js"))).text
    imports = re.findall(r'from "\./([^"]+)"', entry)
    assert sorted(target.split("?")[0] for target in imports) == ["respond-api.js", "respond-i18n.js",
                                                                  "respond-steps.js"]
    links += [f"/static/{target}" for target in imports]
    for link in links:
        assert re.fullmatch(r"/static/[a-z0-9.-]+\?v=[0-9a-f]{16}", link), link  # imports too
        response = http.get(link)
        assert response.status_code == 200, link
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"] == CSP
    js = http.get("/static/respond.js")
    assert js.headers["content-type"] == "text/javascript; charset=utf-8"
    assert js.headers["cache-control"] == "no-cache"  # no version (or a stale one): revalidate
    assert http.get("/static/respond.css?v=0000000000000000").headers["cache-control"] == "no-cache"
    assert http.get("/static/respond.css").headers["content-type"] == "text/css; charset=utf-8"
    assert http.get("/static/favicon.svg").headers["content-type"] == "image/svg+xml"


@pytest.mark.parametrize(("path", "own"), [("/respond", "respond"), ("/dashboard", "dashboard")])
def test_the_pages_share_one_head_and_the_base_stylesheet(http: httpx.Client, path: str, own: str) -> None:
    """base.css (tokens, top bar, language switch, cards, buttons) comes before the page's own stylesheet, so the
    page's rules win; the page's own stylesheet repeats none of the tokens."""
    page = http.get(path).text
    assert "{{" not in page
    head = page[:page.index("</head>")]
    assert head.index('<meta charset="utf-8">') < 200  # within the first bytes, as HTML requires
    for tag in ('name="viewport"', 'name="referrer" content="no-referrer"', 'name="robots"', 'rel="icon"'):
        assert head.count(tag) == 1, tag
    sheets = [link.split("?")[0] for link in _assets(page) if link.endswith(".css") or ".css?" in link]
    assert sheets[:2] == ["/static/base.css", f"/static/{own}.css"]  # then only the page's own parts
    assert all(sheet.startswith(f"/static/{own}-") for sheet in sheets[2:]), sheets
    base = http.get("/static/base.css").text
    mine = http.get(f"/static/{own}.css").text
    tokens = set(re.findall(r"(--[a-z-]+):", base))
    assert {"--text", "--primary", "--page-width"} <= tokens
    assert not tokens & set(re.findall(r"(--[a-z-]+):", mine)) - {"--page-width"}
    assert ".lang-switch {" in base and ".lang-switch {" not in mine


def test_revalidation_answers_304_without_a_body(http: httpx.Client) -> None:
    for path in ("/respond", "/static/respond.js"):
        first = http.get(path)
        again = http.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == first.headers["etag"]
        assert http.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_head_requests(http: httpx.Client) -> None:
    response = http.head("/respond")
    assert response.status_code == 200
    assert response.headers["x-frame-options"] == "DENY"
    assert response.content == b""
    assert http.head("/static/respond.css").status_code == 200


@pytest.mark.parametrize("path", [
    "/static/nothing.js",
    "/static/respond.html",  # the page template is only served, rendered, at /respond
    "/static/head.html",  # the head the pages share: only ever part of a page
    "/static/..%2fapp%2fmain.py",
    "/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/static/../../pyproject.toml",
    "/static/" + "a" * 300,
])
def test_only_the_package_files_are_served(http: httpx.Client, path: str) -> None:
    response = http.get(path)
    assert response.status_code in (404, 422)
    assert response.headers["content-type"] == "application/problem+json"


def test_the_web_routes_stay_out_of_the_api_document(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    assert "/respond" not in paths
    assert not any(path.startswith("/static") for path in paths)
