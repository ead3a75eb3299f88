"""axe-core on every page the browser tests see.

Every browser context the tests open records each HTML document the app sends it
(through a route: the request is fetched, its body kept, and handed to the browser
unchanged, redirects included). After each test, every new document is replayed in a
separate checker page — same URL, same bytes, the app's own CSS — and axe-core runs
on it, once per path, status and form-error state. Serious and critical violations
fail the test, and so does a GET page that, asked for again with ?lang=en, shows Vietnamese
text outside an element marked lang="vi" (only data — names, what people wrote — may stay
Vietnamese on an English page). Checking a replay rather than
the live page keeps the tests' timing untouched, and also covers pages a test leaves
at once and answers to form posts (an error summary, a 404 page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlparse

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Route

FAILING_IMPACTS = ("serious", "critical")

# What sticks out at a phone's width: the page's overflow and the elements past the right edge.
OVERFLOW_JS = """() => {
  const width = window.innerWidth, over = document.documentElement.scrollWidth - width;
  if (over <= 1) return null;
  const culprits = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && getComputedStyle(el).position !== 'absolute') {
      let inScroller = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') { inScroller = true; break; }
      }
      if (!inScroller) culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''));
    }
    if (culprits.length >= 3) break;
  }
  return over + ' px (' + culprits.join(', ') + ')';
}"""
# A time read to the second, or an appointment at midnight, in what the page shows.
SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
# One date format per language: dd/mm/yyyy, never an ISO date in the text a reader sees (form fields aside).
ISO_DATE = re.compile(r"\b(19|20)\d{2}-\d{2}-\d{2}\b")
# A Vietnamese page writes a decimal comma: "81,3%", never "81.3%".
DOT_DECIMAL_PERCENT = re.compile(r"\b\d+\.\d+\s?%")


@dataclass
class Document:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    # The request's headers, so a GET page can be asked for again in English (the session's cookie).
    request_headers: dict[str, str] = field(default_factory=dict)
    method: str = "GET"


# Vietnamese letters (tone marks and the letters English lacks); an English page shows them only inside
# an element marked lang="vi" (names of units, people, procedures; what citizens wrote).
VIETNAMESE_JS = """() => {
  const vi = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.nodeValue.trim();
    if (!text || !vi.test(text)) continue;
    const el = n.parentElement;
    if (!el || el.closest('[lang="vi"], script, style, noscript, [hidden]')) continue;
    found.push((el.id ? '#' + el.id + ' ' : el.tagName.toLowerCase() + ' ') + JSON.stringify(text.slice(0, 60)));
    if (found.length >= 5) break;
  }
  return found;
}"""

@dataclass
class Checker:
    """Records documents from every context and checks each distinct one once."""

    base_url: str
    new_context: Callable[..., BrowserContext]
    pending: list[Document] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    pages_checked: int = 0
    paths_checked: set[str] = field(default_factory=set)
    violations_found: int = 0
    minor_found: dict[str, int] = field(default_factory=dict)  # moderate/minor rule id -> pages, reported only
    language_found: list[str] = field(default_factory=list)  # English pages showing unmarked Vietnamese (failing)
    english_checked: int = 0  # GET pages asked for again in English and checked
    english_skipped: list[str] = field(default_factory=list)  # ...that did not answer 200 with HTML, reported only
    axe: Axe = field(default_factory=Axe)

    def record_into(self, context: BrowserContext) -> None:
        """Installs the recording route; other routes must `fallback()` to reach it."""
        origin = urlparse(self.base_url)

        def record(route: Route) -> None:
            request = route.request
            target = urlparse(request.url)
            if not (request.is_navigation_request() and request.resource_type == "document"
                    and target.hostname == origin.hostname and target.port == origin.port):
                route.fallback()
                return
            response = route.fetch(max_redirects=0)
            body = response.body()
            if "text/html" in response.headers.get("content-type", "") and not 300 <= response.status < 400:
                self.pending.append(Document(request.url, response.status, dict(response.headers), body,
                                             request.all_headers(), request.method))
            route.fulfill(response=response, body=body)

        context.route("**/*", record)

    def check_pending(self) -> list[str]:
        """Runs axe on every document recorded since the last call; returns the failures."""
        documents, self.pending = self.pending, []
        failures: list[str] = []
        fresh = []
        for doc in documents:
            # One check per path, answer status and with/without a form error summary: the same
            # template with other data (a token, another dossier) adds time, not findings.
            key = f"{urlparse(doc.url).path} {doc.status} {b'error-summary' in doc.body}"
            if key not in self.seen:
                self.seen.add(key)
                fresh.append(doc)
        if not fresh:
            return failures
        context = self.new_context(base_url=self.base_url, locale="vi-VN", viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            current: dict[str, Document] = {}

            def serve(route: Route) -> None:
                doc = current.get("doc")
                if doc is not None and route.request.url == doc.url and route.request.resource_type == "document":
                    headers = {k: v for k, v in doc.headers.items()
                               if k.lower() not in ("content-length", "content-encoding", "transfer-encoding", "set-cookie")}
                    route.fulfill(status=doc.status, headers=headers, body=doc.body)
                else:
                    route.continue_()

            context.route("**/*", serve)
            for doc in fresh:
                current["doc"] = doc
                page.goto(doc.url, wait_until="load")
                result = self.axe.run(page)
                self.pages_checked += 1
                self.paths_checked.add(urlparse(doc.url).path)
                path = urlparse(doc.url).path
                # Phone width: the page itself never scrolls sideways (tables may scroll inside their box).
                page.set_viewport_size({"width": 360, "height": 780})
                overflow = page.evaluate(OVERFLOW_JS)
                page.set_viewport_size({"width": 1280, "height": 900})
                if overflow:
                    self.violations_found += 1
                    failures.append(f"{path}: scrolls sideways at 360 px by {overflow}")
                shown = page.evaluate("document.body.innerText")
                for rule, pattern in [("a time with seconds", SECONDS), ("an ISO date", ISO_DATE)] + (
                        [("a decimal point in a Vietnamese percentage", DOT_DECIMAL_PERCENT)] if b'<html lang="vi"' in doc.body else []):
                    found = pattern.search(shown)
                    if found:
                        self.violations_found += 1
                        failures.append(f"{path}: shows {rule} ({found.group(0)})")
                if doc.method == "GET" and doc.status == 200 and "lang=" not in doc.url:
                    english = context.request.get(doc.url + ("&" if "?" in doc.url else "?") + "lang=en",
                                                  headers={k: v for k, v in doc.request_headers.items() if k.lower() == "cookie"},
                                                  max_redirects=0)
                    if english.status == 200 and "text/html" in english.headers.get("content-type", ""):
                        current["doc"] = Document(doc.url, 200, dict(english.headers), english.body())
                        page.goto(doc.url, wait_until="load")
                        self.english_checked += 1
                        untranslated = page.evaluate(VIETNAMESE_JS)
                        if untranslated:
                            self.language_found.append(f"{path}: " + "; ".join(untranslated))
                            self.violations_found += 1
                            failures.append(f"{path}: the English page shows Vietnamese outside lang=\"vi\": "
                                            + "; ".join(untranslated))
                    else:
                        self.english_skipped.append(f"{path} ({english.status})")
                for violation in result.response["violations"]:
                    if violation.get("impact") not in FAILING_IMPACTS:
                        self.minor_found[violation["id"]] = self.minor_found.get(violation["id"], 0) + 1
                    else:
                        self.violations_found += 1
                        targets = ", ".join(str(node.get("target")) for node in violation["nodes"][:3])
                        failures.append(f"{urlparse(doc.url).path}: {violation['impact']} {violation['id']} "
                                        f"({violation['help']}) at {targets}")
        finally:
            context.close()
        return failures
