"""Reading a topic from the start with a chosen isolation level, without a group.

    python consume_isolation.py BOOTSTRAP TOPIC read_committed|read_uncommitted

Prints one line per record, until nothing arrives for 3 seconds.
"""

import sys

from kafka import KafkaConsumer

from _records import bootstrap_servers, describe, emit

consumer = KafkaConsumer(
    sys.argv[2],
    bootstrap_servers=bootstrap_servers(),
    group_id=None,
    auto_offset_reset='earliest',
    isolation_level=sys.argv[3],
    consumer_timeout_ms=3000,
)
for message in consumer:
    emit(**describe(message))
consumer.close()
