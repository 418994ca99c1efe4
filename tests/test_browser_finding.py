"""Search, sort and the query bar in a real browser (Chromium through Playwright).

The fixtures (Debian's Chromium, the live server on DynamoDB Local, a
superuser) are tests/test_browser.py's.
"""

import re

import pytest
from playwright.sync_api import expect

from contacts.models import contacts
from dynamodb_tables import backend

from . import test_browser
from .orders import ORDERS_REQUEST, orders_name, raw_order
from .test_browser import follow, log_in

# tests/test_browser.py's fixtures: Debian's Chromium, the ORM beside Playwright, the site.
browser_type_launch_args = test_browser.browser_type_launch_args
orm_beside_playwright = test_browser.orm_beside_playwright
site = test_browser.site

pytestmark = pytest.mark.slow


def names(page):
    return page.locator("#result_list td.field-username").all_inner_texts()


def test_typing_a_name_start_in_any_case_finds_it(page, site):
    for number, name in enumerate(["Priya Patel", "priya k", "PRIYANKA", "Sam", "xpriya"]):
        contacts.create({"id": f"p{number}", "username": name})
    log_in(page, site)

    page.locator("#searchbar").fill("priya")
    page.get_by_role("button", name="Search").click()

    expect(page.locator("#result_list td.field-username")).to_have_count(3)
    assert sorted(names(page)) == ["PRIYANKA", "Priya Patel", "priya k"]
    expect(page.locator("#searchbar_helptext")).to_contain_text(
        "starts with this text, in any case")

    # The slow fallback: "contains", case-sensitive.
    follow(page, page.locator("a.dynamo-slow-search"))
    expect(page.locator("#result_list td.field-username")).to_have_count(2)
    assert sorted(names(page)) == ["priya k", "xpriya"]


def test_the_username_column_sorts_both_ways_across_pages(page, site):
    for number in range(30):
        contacts.create({"id": f"s{number:02d}", "username": f"{'ab'[number % 2]}{number:02d}"})
    expected = sorted((f"{'ab'[n % 2]}{n:02d}" for n in range(30)), key=str.casefold)
    log_in(page, site)

    follow(page, page.locator("th.column-username a"))
    expect(page.locator("th.column-username")).to_have_class(re.compile("sorted ascending"))
    first = names(page)
    follow(page, page.locator("a.dynamo-next"))
    assert first + names(page) == expected

    follow(page, page.locator("th.column-username a.toggle"))
    expect(page.locator("th.column-username")).to_have_class(re.compile("sorted descending"))
    assert names(page) == expected[::-1][:25]
    expect(page.locator("th.column-age")).to_have_attribute("title", re.compile("Not sortable"))


def test_the_query_bar_queries_a_gsi_and_an_lsi_of_a_composite_key_table(page, site):
    name = orders_name()
    client = backend.client()
    client.create_table(TableName=name, **ORDERS_REQUEST)
    for number in range(12):
        client.put_item(TableName=name, Item=raw_order(number))
    log_in(page, site)
    page.goto(f"{site}/admin/tables/{name}/")

    bar = page.locator("details.dynamo-query")
    bar.locator("summary").click()
    bar.get_by_label("Read:", exact=True).select_option("by-total")
    bar.get_by_label("Partition key value:", exact=True).fill("customer-1")
    bar.get_by_label("Sort key:", exact=True).select_option("between")
    bar.get_by_label("Sort key value:", exact=True).fill("3")
    bar.get_by_label("and (BETWEEN):", exact=True).first.fill("8")
    bar.get_by_label("Descending:", exact=True).check()
    with page.expect_navigation():
        bar.get_by_role("button", name="Run").click()

    test_browser.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=test_browser.ARTIFACTS / "query-bar.png", full_page=True)
    orders = page.locator("#result_list td.field-order").all_inner_texts()
    assert orders == ["7", "4"]
    assert "index=by-total" in page.url
    page.locator("details.dynamo-request summary").click()
    expect(page.locator("pre.dynamo-request-cli")).to_contain_text("aws dynamodb query")

    # A wrong value: an error on the bar, and nothing read.
    bar = page.locator("details.dynamo-query")
    bar.get_by_label("Sort key value:", exact=True).fill("three")
    with page.expect_navigation():
        bar.get_by_role("button", name="Run").click()
    expect(page.locator("details.dynamo-query .errorlist, details.dynamo-query .errornote")
           ).to_contain_text(["not a number"])
    expect(page.locator("#result_list")).to_have_count(0)
