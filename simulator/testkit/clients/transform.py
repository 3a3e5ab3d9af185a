"""Consume-transform-produce in transactions: each input record's upper-cased copy and its consumed
offset are committed together (send_offsets_to_transaction), except the last one's, which is aborted.

    python transform.py BOOTSTRAP INPUT OUTPUT GROUP TRANSACTIONAL_ID COUNT

Reads COUNT records from INPUT (read_committed, no auto-commit). Prints a line per transaction.
"""

import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from _records import bootstrap_servers, emit, text

source, sink, group, transactional_id, count = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])

consumer = KafkaConsumer(
    source,
    bootstrap_servers=bootstrap_servers(),
    group_id=group,
    enable_auto_commit=False,
    auto_offset_reset='earliest',
    isolation_level='read_committed',
)
producer = KafkaProducer(bootstrap_servers=bootstrap_servers(), transactional_id=transactional_id)
producer.init_transactions()

handled = 0
while handled < count:
    for partition, messages in consumer.poll(timeout_ms=500).items():
        for message in messages:
            if handled == count:
                break
            handled += 1
            commit = handled < count
            producer.begin_transaction()
            producer.send(sink, text(message.value).upper().encode('utf-8'))
            next_offset = {TopicPartition(message.topic, message.partition): OffsetAndMetadata(message.offset + 1, '', -1)}
            producer.send_offsets_to_transaction(next_offset, consumer.group_metadata())
            producer.flush()  # in the log before the outcome, so an abort has something to hide
            if commit:
                producer.commit_transaction()
            else:
                producer.abort_transaction()
            emit(step='committed' if commit else 'aborted', value=text(message.value), offset=message.offset)
producer.close()
consumer.close(autocommit=False)
