"""Import against boto3's batch_writer, on fresh tables, with the same items."""

import time

import boto3
from boto3.dynamodb.types import TypeDeserializer

from tests.support.stack import AWS_KEY_ID, AWS_SECRET, REGION


def import_versus_batch_writer(app, endpoint, path, items, rounds=2):
    """Time import_contacts --overwrite and boto3's batch_writer on fresh tables, same items.

    Each runs `rounds` times, in turn; the best of each counts, so a burst of
    other work on the machine does not decide the comparison.
    """
    # The command's fixed cost (Python, Django and boto3 starting): an empty file.
    empty = path.with_name("empty.jsonl")
    empty.write_text("", encoding="utf-8")
    start_up = app.measure("import_contacts", str(empty))[0]
    results = {"start_up_seconds": start_up, "items": len(items)}
    deserialize = TypeDeserializer().deserialize
    documents = [{k: deserialize(v) for k, v in item.items()} for item in items]
    resource = boto3.session.Session().resource(
        "dynamodb", endpoint_url=endpoint, region_name=REGION,
        aws_access_key_id=AWS_KEY_ID, aws_secret_access_key=AWS_SECRET,
    )
    for round_number in range(rounds):
        for label in ("import_contacts", "batch_writer"):
            table = f"Bench{label.replace('_', '')}{round_number}"
            app.manage("create_table", table=table)
            if label == "import_contacts":
                seconds, rss = app.measure("import_contacts", str(path), "--overwrite", table=table)
            else:
                started = time.perf_counter()
                with resource.Table(table).batch_writer() as writer:
                    for document in documents:
                        writer.put_item(Item=document)
                seconds, rss = time.perf_counter() - started, None
            app.manage("delete_table", "--noinput", table=table)
            best = results.get(label)
            if best is None or seconds < best["seconds"]:
                results[label] = {
                    "seconds": seconds, "items_per_s": len(items) / seconds, "rss_mib": rss,
                }
    return results
