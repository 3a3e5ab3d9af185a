"""Step 4: at least once, into a sink that absorbs duplicates: the payments are a table keyed by
order id (a compacted topic), so charging an order again only writes the same row again.

    python3 delivery-semantics/python/effectively_once.py [--crash-after N]
"""

from kafka import KafkaProducer
from kafka.errors import CommitFailedError  # a commit fails so when the group rebalanced meanwhile
from kafka.structs import OffsetAndMetadata

from crash import crash_point
from payments import batches, consumer_for, ensure_topic
from workspace import bootstrap_servers

GROUP = OUTPUT = 'payments-effectively-once'
# TODO: create OUTPUT as a compacted topic: ensure_topic(OUTPUT, {'cleanup.policy': 'compact'}).
producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id=GROUP)
consumer = consumer_for(GROUP)
consumer.subscribe(['orders'])

for batch in batches(consumer):
    for partition, orders in batch.items():
        # TODO: as at_least_once, with the order's key as the payment's key; then commit.
        pass
consumer.close()
producer.close()
