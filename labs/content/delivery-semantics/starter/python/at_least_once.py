"""Step 3: charge each order at least once - process first, commit after.

    python3 delivery-semantics/python/at_least_once.py [--crash-after N]
"""

from kafka import KafkaProducer
from kafka.errors import CommitFailedError  # a commit fails so when the group rebalanced meanwhile
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
        # TODO: charge each order (send its key and value to OUTPUT, .get()), print it, crash_point();
        #       THEN commit the offset after the last order.
        pass
consumer.close()
producer.close()
