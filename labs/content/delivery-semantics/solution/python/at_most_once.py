"""Step 2: charge each order at most once - commit what you were handed first, then process it.
A crash after the commit loses the rest of the batch: it is never charged.

    python3 delivery-semantics/python/at_most_once.py [--crash-after N]
"""

from kafka import KafkaProducer
from kafka.errors import CommitFailedError
from kafka.structs import OffsetAndMetadata

from crash import crash_point
from payments import batches, consumer_for, ensure_topic
from workspace import bootstrap_servers

GROUP = OUTPUT = 'payments-at-most-once'
ensure_topic(OUTPUT)
producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id=GROUP)
consumer = consumer_for(GROUP)
consumer.subscribe(['orders'])

for batch in batches(consumer):
    for partition, orders in batch.items():
        # First the commit: the group will never be handed these records again...
        try:
            consumer.commit({partition: OffsetAndMetadata(orders[-1].offset + 1, '', -1)})
        except CommitFailedError:
            continue  # the group rebalanced: not ours to process any more
        # ...then the work, which a crash can cut short.
        for order in orders:
            producer.send(OUTPUT, key=order.key, value=order.value).get(timeout=30)
            print(f'charged {order.value.decode()}', flush=True)
            crash_point()
consumer.close()
producer.close()
