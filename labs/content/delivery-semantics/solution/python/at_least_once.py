"""Step 3: charge each order at least once - process first, commit after. A crash before the
commit means the group is handed those orders again: they are charged twice.

    python3 delivery-semantics/python/at_least_once.py [--crash-after N]
"""

from kafka import KafkaProducer
from kafka.errors import CommitFailedError
from kafka.structs import OffsetAndMetadata

from crash import crash_point
from payments import batches, consumer_for, ensure_topic
from workspace import bootstrap_servers

GROUP = OUTPUT = 'payments-at-least-once'
ensure_topic(OUTPUT)
producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id=GROUP)
consumer = consumer_for(GROUP)
consumer.subscribe(['orders'])

for batch in batches(consumer):
    for partition, orders in batch.items():
        for order in orders:
            producer.send(OUTPUT, key=order.key, value=order.value).get(timeout=30)
            print(f'charged {order.value.decode()}', flush=True)
            crash_point()
        # Only now: everything above was done.
        try:
            consumer.commit({partition: OffsetAndMetadata(orders[-1].offset + 1, '', -1)})
        except CommitFailedError:
            print('the group rebalanced before the commit: these orders will be handed out again', flush=True)
consumer.close()
producer.close()
