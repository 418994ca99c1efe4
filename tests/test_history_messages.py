"""The history says what a save did, attribute by attribute: added, changed, removed.

The log message is the JSON list Django's LogEntry renders (and translates)
itself, so the history page needs no template of its own for it.
"""

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry

from dynamodb_tables.admin.history import change_message
from dynamodb_tables.store.changes import REMOVE

from .helpers import change_url, history_url, put, stored
from .support.formdata import blank_row, form_fields, row_index

ITEM = {"id": "01", "username": "Raju", "age": 30, "score": 5, "tags": {"a"}}


def rendered(message):
    """Return what Django's history page shows for a logged message."""
    return LogEntry(change_message=json.dumps(message)).get_change_message()


def test_an_add_a_change_and_a_removal_are_told_apart():
    """Adding nickname, changing age and removing score is not "Changed age, score and
    nickname.": each is named for what happened to it."""
    message = change_message(ITEM, {"age": 31, "score": REMOVE, "nickname": "R"})

    assert rendered(message) == (
        "Added attribute “nickname”. Changed age. Deleted attribute “score”.")


def test_changes_share_one_sentence_and_additions_keep_the_form_order():
    message = change_message(ITEM, {"tags": {"b"}, "zeta": 1, "age": 31, "alpha": 2})

    assert rendered(message) == (
        "Added attribute “zeta”. Added attribute “alpha”. Changed tags and age.")


def test_a_save_that_changed_nothing_says_so():
    assert change_message(ITEM, {}) == []
    assert rendered([]) == "No fields changed."


@pytest.mark.auth_database
def test_the_history_page_names_added_changed_and_removed_attributes(
    admin_client, contacts_table, raw_client
):
    """One save through the change form that adds nickname, changes age and removes score
    is logged, and shown on the history page, as exactly that."""
    put(raw_client, id={"S": "01"}, username={"S": "Raju"}, age={"N": "30"},
        score={"N": "5"})
    data = form_fields(admin_client.get(change_url("01")).content)
    data["age"] = "31"
    data[f"attributes-{row_index(data, 'score')}-DELETE"] = "on"
    row = blank_row(data)
    data.update({f"attributes-{row}-name": "nickname", f"attributes-{row}-type": "S",
                 f"attributes-{row}-value": "R"})

    response = admin_client.post(change_url("01"), {**data, "_save": "1"})

    assert response.status_code == 302
    item = stored(raw_client, "01")
    assert (item["age"], item["nickname"], "score" in item) == ({"N": "31"}, {"S": "R"}, False)
    entry = LogEntry.objects.get(action_flag=CHANGE)
    said = "Added attribute “nickname”. Changed age. Deleted attribute “score”."
    assert entry.get_change_message() == said
    history = admin_client.get(history_url("01")).content.decode()
    assert said in history
