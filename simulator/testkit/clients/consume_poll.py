"""Consuming with an explicit poll loop instead of the iterator.

    python consume_poll.py BOOTSTRAP TOPIC EXPECTED [DEADLINE_S]

Polls (timeout_ms=1000) until EXPECTED records arrived or the deadline passed. Prints one line per
record, then a summary line with the number of polls.
"""

import sys
import time

from kafka import KafkaConsumer

from _records import bootstrap_servers, describe, emit

expected = int(sys.argv[3])
deadline = time.monotonic() + (float(sys.argv[4]) if len(sys.argv) > 4 else 20)

consumer = KafkaConsumer(sys.argv[2], bootstrap_servers=bootstrap_servers(), group_id=None, auto_offset_reset='earliest')
received = 0
polls = 0
while received < expected and time.monotonic() < deadline:
    batches = consumer.poll(timeout_ms=1000)
    polls += 1
    for partition, messages in batches.items():
        for message in messages:
            emit(**describe(message))
            received += 1
emit(summary=True, received=received, polls=polls)
consumer.close()
