import pytest, json
from tests.browser.test_moderation import *  # noqa
from tests.browser.test_moderation import site, sign_in_to_queue

def test_axe_detail(live_server, browser, site):
    from axe_playwright_python.sync_playwright import Axe
    review, moderator = site
    parent = CommentFactory(review=review)
    CommentFactory(review=review, status="pending", parent=parent, url="https://a.example/")
    context = browser.new_context()
    page = context.new_page()
    bad = []
    page.on("response", lambda r: r.status >= 400 and bad.append((r.status, r.url)))
    sign_in_to_queue(page, live_server, moderator)
    print("BAD", bad)
    results = Axe().run(page)
    for v in results.response["violations"]:
        for n in v["nodes"]:
            print(v["id"], v["impact"], n["html"][:100], n.get("any", [{}])[0].get("message"))
