"""Log in with SASL, send a few messages, then read them back from the earliest offset.

    python sasl_roundtrip.py BOOTSTRAP TOPIC MECHANISM USERNAME PASSWORD [COUNT]

MECHANISM is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (security_protocol SASL_PLAINTEXT).
Prints one line per acknowledged record ({"sent": ...}), then one per record read back.
"""

import sys

from kafka import KafkaConsumer, KafkaProducer

from _records import bootstrap_servers, describe, emit

topic, mechanism, username, password = sys.argv[2:6]
count = int(sys.argv[6]) if len(sys.argv) > 6 else 5
sasl = dict(
    bootstrap_servers=bootstrap_servers(),
    security_protocol='SASL_PLAINTEXT',
    sasl_mechanism=mechanism,
    sasl_plain_username=username,
    sasl_plain_password=password,
)

producer = KafkaProducer(**sasl)
futures = [producer.send(topic, f'{mechanism} message #{i}'.encode('utf-8')) for i in range(count)]
producer.flush()
for future in futures:
    metadata = future.get(timeout=10)
    emit(sent=metadata.offset)
producer.close()

consumer = KafkaConsumer(topic, group_id=None, auto_offset_reset='earliest', consumer_timeout_ms=3000, **sasl)
for message in consumer:
    emit(**describe(message))
consumer.close()
