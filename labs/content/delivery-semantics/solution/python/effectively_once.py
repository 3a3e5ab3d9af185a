"""Step 4: at least once, into a sink that absorbs duplicates: the payments are a table keyed by
order id (a compacted topic), so charging an order again only writes the same row again.

    python3 delivery-semantics/python/effectively_once.py [--crash-after N]
"""

from kafka import KafkaProducer
from kafka.errors import CommitFailedError
from kafka.structs import OffsetAndMetadata

from crash import crash_point
from payments import batches, consumer_for, ensure_topic
from workspace import bootstrap_servers

GROUP = OUTPUT = 'payments-effectively-once'
ensure_topic(OUTPUT, {'cleanup.policy': 'compact'})
producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id=GROUP)
consumer = consumer_for(GROUP)
consumer.subscribe(['orders'])

for batch in batches(consumer):
    for partition, orders in batch.items():
        for order in orders:
            # The order id as the key: a second charge of the same order replaces the first.
            producer.send(OUTPUT, key=order.key, value=order.value).get(timeout=30)
            print(f'charged {order.value.decode()}', flush=True)
            crash_point()
        try:
            consumer.commit({partition: OffsetAndMetadata(orders[-1].offset + 1, '', -1)})
        except CommitFailedError:
            print('the group rebalanced before the commit: these orders will be handed out again', flush=True)
consumer.close()
producer.close()
