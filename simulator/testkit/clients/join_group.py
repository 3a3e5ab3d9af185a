"""A consumer that joins a group with the session timeout given, and says how that went.

    python join_group.py BOOTSTRAP TOPIC GROUP SESSION_TIMEOUT_MS

Prints {"joined": true, "partitions": [...]} once the group assigns it partitions, or
{"joined": false, "error": "<kafka-python's error class>"} when joining fails (a broker refuses
a session timeout outside group.min/max.session.timeout.ms with INVALID_SESSION_TIMEOUT).
"""

import sys
import time

from kafka import KafkaConsumer
from kafka.errors import KafkaError

from _records import bootstrap_servers, emit

topic, group, session_timeout_ms = sys.argv[2], sys.argv[3], int(sys.argv[4])

consumer = KafkaConsumer(
    topic,
    group_id=group,
    bootstrap_servers=bootstrap_servers(),
    session_timeout_ms=session_timeout_ms,
    heartbeat_interval_ms=max(1, session_timeout_ms // 3),
    auto_offset_reset='earliest',
)
deadline = time.monotonic() + 30
try:
    while not consumer.assignment():
        if time.monotonic() > deadline:
            raise TimeoutError('no assignment within 30 s')
        consumer.poll(timeout_ms=200)
    emit(joined=True, partitions=sorted(tp.partition for tp in consumer.assignment()))
except KafkaError as error:
    emit(joined=False, error=type(error).__name__)
finally:
    consumer.close()
