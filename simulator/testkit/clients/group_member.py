"""The course notebook's group consumer, polling until it is stopped.

    python group_member.py BOOTSTRAP TOPIC GROUP [--range]

The consumer is configured exactly as in the notebook: group_id, auto-commit, 6 s session timeout
and max poll interval, earliest offsets. --range pins the assignor to RangePartitionAssignor (to
share a group with librdkafka's `range`). Prints a line whenever consumer.assignment() changes and
one per record. SIGTERM closes the consumer (final commit, LeaveGroup); after a SIGKILL the group
finds out only when the session times out.
"""

import signal
import sys

from kafka import KafkaConsumer
from kafka.coordinator.assignors.range import RangePartitionAssignor

from _records import bootstrap_servers, emit, text

topic, group = sys.argv[2], sys.argv[3]
assignors = {'partition_assignment_strategy': [RangePartitionAssignor]} if '--range' in sys.argv else {}

consumer = KafkaConsumer(
    topic,
    group_id=group,
    enable_auto_commit=True,
    session_timeout_ms=6000,
    max_poll_interval_ms=6000,
    auto_offset_reset='earliest',
    bootstrap_servers=bootstrap_servers(),
    **assignors,
)

running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)

assigned = None
while running:
    batches = consumer.poll(timeout_ms=200)
    # The assignment the records below were fetched under comes first.
    now = sorted([tp.topic, tp.partition] for tp in consumer.assignment())
    if now != assigned:
        assigned = now
        emit(event='assigned', partitions=[p for _, p in now])
    for messages in batches.values():
        for message in messages:
            emit(event='record', partition=message.partition, offset=message.offset, value=text(message.value))
consumer.close()
emit(event='closed')
