"""Reading one chosen partition from a chosen offset: assign() and seek(), no subscription.

    python assign_seek.py BOOTSTRAP TOPIC PARTITION OFFSET

Prints the partition's beginning and end offsets, the position after the seek, then each record.
"""

import sys

from kafka import KafkaConsumer, TopicPartition

from _records import bootstrap_servers, describe, emit

partition = TopicPartition(sys.argv[2], int(sys.argv[3]))
offset = int(sys.argv[4])

consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers(), group_id=None, consumer_timeout_ms=3000)
consumer.assign([partition])
emit(
    beginning=consumer.beginning_offsets([partition])[partition],
    end=consumer.end_offsets([partition])[partition],
)
consumer.seek(partition, offset)
emit(position=consumer.position(partition))
for message in consumer:
    emit(**describe(message))
consumer.close()
