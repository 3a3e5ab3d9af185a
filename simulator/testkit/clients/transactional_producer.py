"""A transactional producer: a committed transaction, an aborted one, and another committed one.

    python transactional_producer.py BOOTSTRAP TOPIC TRANSACTIONAL_ID

Every record of the aborted transaction is flushed to the broker before the abort, so it is in the
log and only the abort marker keeps it from read_committed consumers. Prints a line per step.
"""

import sys

from kafka import KafkaProducer

from _records import bootstrap_servers, emit

topic, transactional_id = sys.argv[2], sys.argv[3]

producer = KafkaProducer(bootstrap_servers=bootstrap_servers(), transactional_id=transactional_id)
producer.init_transactions()
emit(step='initialised')


def transaction(values, commit):
    producer.begin_transaction()
    futures = [producer.send(topic, value.encode('utf-8')) for value in values]
    producer.flush()
    offsets = [future.get(timeout=10).offset for future in futures]
    if commit:
        producer.commit_transaction()
    else:
        producer.abort_transaction()
    emit(step='committed' if commit else 'aborted', values=values, offsets=offsets)


transaction(['committed-0', 'committed-1', 'committed-2'], commit=True)
transaction(['aborted-0', 'aborted-1', 'aborted-2'], commit=False)
transaction(['committed-3', 'committed-4'], commit=True)
producer.close()
