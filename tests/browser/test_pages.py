"""The organization's pages in a real browser (#17 item 5), each test in Japanese and in English."""

import re

from playwright.sync_api import expect

TEXT = {
    "ja": {"login": "ログイン", "problem": "入力内容に誤りがあります", "affiliated": "所属機関等に所属する外国人一覧",
           "applications": "申請情報一覧", "logout": "ログアウト", "switch": "Show in English", "other": "en"},
    "en": {"login": "Log in", "problem": "There is a problem", "affiliated": "Affiliated foreign nationals",
           "applications": "Applications", "logout": "Log out", "switch": "日本語で表示", "other": "ja"},
}


def log_in(page, server, user="TANAKA01", password=None):
    page.get_by_label(re.compile("利用者ID|User ID")).fill(user)
    page.get_by_label(re.compile("パスワード|Password")).fill(password or server.passwords[user])
    page.get_by_role("button", name=re.compile("^(ログイン|Log in)$")).click()


def test_top_page_and_log_in_with_a_refusal_on_the_way(page, server, lang, check):
    t = TEXT[lang]
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    check(page, "top")
    page.get_by_role("link", name=t["login"], exact=True).click()
    expect(page).to_have_url(re.compile("/login$"))
    check(page, "login")
    log_in(page, server, password="Wrong-password-1")
    expect(page.get_by_role("alert")).to_contain_text(t["problem"])
    # The user ID is kept, the password is not; the summary leads to the field.
    expect(page.locator("#user_id")).to_have_value("TANAKA01")
    expect(page.locator("#password")).to_have_value("")
    check(page, "login-refused")
    page.get_by_role("alert").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile("#user_id$"))
    expect(page.locator("#user_id")).to_be_in_viewport()
    log_in(page, server)
    expect(page).to_have_url(re.compile("/foreign-nationals$"))
    # From now on the user's own language (Japanese for the demo user).
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text(TEXT["ja"]["affiliated"])
    check(page, "affiliated")


def test_lists_language_switch_and_log_out(page, server, lang, check):
    page.goto("/login")
    log_in(page, server)
    page.get_by_role("link", name=TEXT["ja"]["applications"]).click()
    expect(page).to_have_url(re.compile("/applications$"))
    check(page, "applications")
    # The switch is remembered with the user: the list comes back in the other language.
    page.get_by_role("button", name=TEXT["ja"]["switch"]).click()
    expect(page).to_have_url(re.compile("/applications$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/foreign-nationals")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("cell", name=re.compile("NGUYEN,VAN,AN"))).to_be_visible()
    check(page, "affiliated-switched")
    page.get_by_role("button", name=TEXT["en"]["switch"]).click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.get_by_role("button", name=TEXT["ja"]["logout"]).click()
    expect(page).to_have_url(re.compile("/login\\?reason=logged_out$"))
    check(page, "logged-out")
    # Back and reload never bring the list back without logging in again.
    page.go_back()
    page.reload()
    expect(page).to_have_url(re.compile("/login\\?next=/"))


def test_a_page_asked_for_without_a_session_returns_after_logging_in(page, server, lang, check):
    page.goto("/applications")
    expect(page).to_have_url(re.compile("/login\\?next=/applications$"))
    log_in(page, server)
    expect(page).to_have_url(re.compile("/applications$"))


def test_not_found_page(page, lang, check):
    response = page.goto("/no/such/page")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", lang)
    check(page, "not-found")


def test_pages_at_320_px_wide(page, server, lang, check):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/login")
    check(page, "login-320")
    log_in(page, server)
    for path in ["/foreign-nationals", "/applications"]:
        page.goto(path)
        # Nothing but the tables' own scrolling box is wider than the screen.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide at 320px"
        check(page, "list-320" + path.replace("/", "-"))
