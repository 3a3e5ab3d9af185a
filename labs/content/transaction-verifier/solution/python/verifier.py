"""Step 4: the verifier. In the consumer group of your handout, read transactions as they come, sign
each and submit it, exactly once: every batch's submissions and the consumer's next offsets go in
one Kafka transaction, committed together or not at all.

    python3 transaction-verifier/python/verifier.py [count] [--crash-after N]

count: stop after this many transactions (without it: until Ctrl-C).
--crash-after N: die at the N-th submission sent, mid-transaction, as kill -9 would (crash.py).
"""

import io

import fastavro
from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import OffsetAndMetadata

from crash import args, crash_point
from gen_signature import gen_signature
from handout import consumer_group, kafka_config, submit_schema, token, topics, transaction_schema, transactional_id, vid

count = int(args[0]) if args else None

# A short session: started again after a crash, the group does not wait long for the dead member.
consumer = KafkaConsumer(topics['transaction'], group_id=consumer_group, enable_auto_commit=False,
                         isolation_level='read_committed', auto_offset_reset='latest',
                         session_timeout_ms=6000, heartbeat_interval_ms=1000, **kafka_config('verifier'))
producer = KafkaProducer(transactional_id=transactional_id, **kafka_config('verifier'))
producer.init_transactions()


def submission(value):
    tx = fastavro.schemaless_reader(io.BytesIO(value), transaction_schema)
    signature = gen_signature(tx['txid'], tx['payer'], tx['payee'], tx['amount'], token)
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, submit_schema, {'vid': vid, 'txid': tx['txid'], 'signature': signature})
    return buffer.getvalue()


verified = 0
try:
    while count is None or verified < count:
        batch = [(tp, record) for tp, records in consumer.poll(timeout_ms=1000).items() for record in records]
        if count is not None:
            batch = batch[:count - verified]
        if not batch:
            continue
        producer.begin_transaction()
        offsets = {}
        for tp, record in batch:
            producer.send(topics['submit'], key=vid.encode(), value=submission(record.value))
            offsets[tp] = OffsetAndMetadata(record.offset + 1, '', -1)
        producer.flush()
        for _ in batch:
            crash_point()
        producer.send_offsets_to_transaction(offsets, consumer_group)
        producer.commit_transaction()
        verified += len(batch)
        print(f'{verified} transactions verified')
        # What was polled past the count is read again by the next run, from the committed offsets.
except KeyboardInterrupt:
    pass
consumer.close()
producer.close()
