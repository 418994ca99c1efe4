"""import_contacts between faults: batches resent until every item is in, each written once,
and an import cut short says how many items it wrote and how to add the rest.

DynamoDB Local sits behind the fault proxy (tests/support/faultproxy.py), whose
log shows every item DynamoDB received.
"""


import pytest
from django.core.management.base import CommandError

from contacts.models import CONTACTS

from .support.faultproxy import ERROR_500, RESET, THROTTLE, unprocessed
from .test_transfer import record, run, scan_all, write_lines


def import_file(tmp_path, count):
    ids = [f"i{number:03d}" for number in range(count)]
    path = write_lines(tmp_path / "in.jsonl",
                       *(record(i, username={"S": f"user {i}"}) for i in ids))
    return path, ids


def items_received(proxy):
    """Return the ids of every PutRequest DynamoDB received and answered."""
    return sorted(request["PutRequest"]["Item"]["id"]["S"]
                  for exchange in proxy.applied("BatchWriteItem")
                  for request in exchange.forwarded["RequestItems"][CONTACTS.name])


def test_import_resends_what_was_left_unprocessed_and_writes_each_item_once(
        proxied_table, proxy, raw, tmp_path):
    """Batches come back partly unprocessed, throttled, with a 500 or a cut connection (none
    of them forwarded): the import resends until every item is in, and DynamoDB received
    each item exactly once. (60 items are one writing task: its batches go one by one.)"""
    path, ids = import_file(tmp_path, 60)
    proxy.fail("BatchWriteItem", unprocessed(10), THROTTLE, None, ERROR_500, None, RESET, None,
               unprocessed(25))
    proxy.fail("BatchGetItem", unprocessed(40), THROTTLE)  # the check for existing ids

    out, _ = run("import_contacts", path)

    assert "read 60, created 60, overwritten 0, skipped 0" in out
    assert sorted(scan_all(raw)) == ids
    assert items_received(proxy) == ids


def test_an_import_cut_short_says_how_many_items_it_wrote_and_how_to_add_the_rest(
        proxied_table, proxy, raw, tmp_path):
    """DynamoDB stops answering after three batches: the error says how many of the file's
    items were written (as many as the table holds), that those of the failed batches may have
    been, and that --skip-existing adds the rest; doing so completes the table."""
    path, ids = import_file(tmp_path, 200)
    proxy.fail("BatchWriteItem", None, None, None, then=RESET)

    with pytest.raises(CommandError) as raised:
        run("import_contacts", path)

    message = str(raised.value)
    written = len(scan_all(raw))
    assert written == 75
    assert message.startswith("The import stopped part-way: ")
    assert "75 of 200 items were written, and " in message
    assert " more may have been. " in message  # cut connections: DynamoDB's answers were lost
    assert message.endswith("Import the file again with --skip-existing to add the rest: it "
                            "leaves the items already written as they are.")

    proxy.release()
    out, _ = run("import_contacts", path, "--skip-existing")

    assert "read 200, created 125, overwritten 0, skipped 75" in out
    assert sorted(scan_all(raw)) == ids
    assert items_received(proxy) == ids  # the first run's 75, then the other 125


def test_an_import_that_fails_while_checking_says_nothing_was_written(
        proxied_table, proxy, raw, tmp_path):
    """The first pass only reads: a failure there says that nothing was written."""
    path, _ids = import_file(tmp_path, 10)
    proxy.default = THROTTLE

    with pytest.raises(CommandError, match=r"throttling.* Nothing was written\.$"):
        run("import_contacts", path)

    assert scan_all(raw) == {}
