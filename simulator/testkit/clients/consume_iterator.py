"""The course's first consumer: iterate from the earliest offset until nothing arrives for a while.

    python consume_iterator.py BOOTSTRAP TOPIC [CONSUMER_TIMEOUT_MS]

No consumer group (group_id=None). Prints one line per record.
"""

import sys

from kafka import KafkaConsumer

from _records import bootstrap_servers, describe, emit

consumer = KafkaConsumer(
    sys.argv[2],
    bootstrap_servers=bootstrap_servers(),
    group_id=None,
    auto_offset_reset='earliest',
    consumer_timeout_ms=int(sys.argv[3]) if len(sys.argv) > 3 else 3000,
)
for message in consumer:
    emit(**describe(message))
consumer.close()
