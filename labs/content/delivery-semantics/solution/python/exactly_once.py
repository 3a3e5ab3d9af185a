"""Step 5: exactly once - consume, charge and commit the offsets in one transaction. A crash leaves
the transaction open; the next run's producer (same transactional_id) fences and aborts it, and
read_committed consumers never see what it wrote.

    python3 delivery-semantics/python/exactly_once.py [--crash-after N]
"""

from kafka import KafkaProducer
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from crash import crash_point
from payments import batches, consumer_for, ensure_topic
from workspace import bootstrap_servers

GROUP = OUTPUT = 'payments-exactly-once'
ensure_topic(OUTPUT)
producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id=GROUP, transactional_id='payments-exactly-once')
producer.init_transactions()  # fences a crashed run's producer and aborts its open transaction
consumer = consumer_for(GROUP, isolation_level='read_committed')
consumer.subscribe(['orders'])

for batch in batches(consumer):
    for partition, orders in batch.items():
        producer.begin_transaction()
        try:
            for order in orders:
                producer.send(OUTPUT, key=order.key, value=order.value)
                print(f'charged {order.value.decode()} (in the transaction)', flush=True)
                producer.flush()
                crash_point()
            # The consumed offsets commit with the payments, or not at all.
            producer.send_offsets_to_transaction({partition: OffsetAndMetadata(orders[-1].offset + 1, '', -1)}, consumer.group_metadata())
            producer.commit_transaction()
        except KafkaError as error:
            print(f'transaction aborted ({error}): these orders will be handed out again', flush=True)
            producer.abort_transaction()
consumer.close(autocommit=False)
producer.close()
