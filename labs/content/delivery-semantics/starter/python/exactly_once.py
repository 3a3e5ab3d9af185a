"""Step 5: exactly once - consume, charge and commit the offsets in one transaction.

    python3 delivery-semantics/python/exactly_once.py [--crash-after N]
"""

from kafka import KafkaProducer
from kafka.errors import KafkaError  # on one, abort_transaction(): the orders come again
from kafka.structs import OffsetAndMetadata

from crash import crash_point
from payments import batches, consumer_for, ensure_topic
from workspace import bootstrap_servers

GROUP = OUTPUT = 'payments-exactly-once'
ensure_topic(OUTPUT)
# TODO: a transactional producer (transactional_id='payments-exactly-once'), then init_transactions().
producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id=GROUP)
consumer = consumer_for(GROUP, isolation_level='read_committed')
consumer.subscribe(['orders'])

for batch in batches(consumer):
    for partition, orders in batch.items():
        # TODO: begin_transaction(); send each payment (print it, flush(), crash_point()); then
        #       send_offsets_to_transaction({partition: OffsetAndMetadata(last + 1, '', -1)},
        #       consumer.group_metadata()) and commit_transaction().
        pass
consumer.close(autocommit=False)
producer.close()
