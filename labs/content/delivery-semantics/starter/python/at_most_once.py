"""Step 2: charge each order at most once - commit what you were handed first, then process it.

    python3 delivery-semantics/python/at_most_once.py [--crash-after N]
"""

from kafka import KafkaProducer
from kafka.errors import CommitFailedError  # a commit fails so when the group rebalanced meanwhile
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
        # TODO: FIRST commit the offset after the last order:
        #       consumer.commit({partition: OffsetAndMetadata(orders[-1].offset + 1, '', -1)})
        #       then charge each order: send its key and value to OUTPUT (.get()), print it, crash_point().
        pass
consumer.close()
producer.close()
