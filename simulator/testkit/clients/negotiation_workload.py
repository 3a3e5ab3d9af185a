"""Produce three records, then read them in a group and commit: what a course notebook does.

    python negotiation_workload.py kafka-python|confluent-kafka BOOTSTRAP TOPIC GROUP CLIENT_ID

For version negotiation (grader/test/negotiation.test.ts): every request carries CLIENT_ID, so the
broker can tell them apart. kafka-python prints each request's API key and version as a JSON line
on stdout; confluent-kafka's librdkafka logs its requests (debug=protocol,feature) on stderr.
Prints "consumed N" at the end.
"""

import json
import logging
import sys

client, bootstrap, topic, group, client_id = sys.argv[1:6]
WANTED = 3


class PrintRequestVersions(logging.Filter):
    """kafka-python logs '%s Request %d: %s' with the request object itself as the last argument."""

    def filter(self, record):
        request = record.args[-1] if isinstance(record.args, tuple) and record.args else None
        if record.msg.endswith('Request %d: %s') and hasattr(request, 'API_KEY'):
            print(json.dumps({'apiKey': request.API_KEY, 'version': request.version}), flush=True)
        return False


def kafka_python():
    from kafka import KafkaConsumer, KafkaProducer

    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(PrintRequestVersions())
    logger = logging.getLogger('kafka')
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)

    producer = KafkaProducer(bootstrap_servers=bootstrap, client_id=client_id)
    for i in range(WANTED):
        producer.send(topic, f'record {i}'.encode())
    producer.flush()
    producer.close()

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, client_id=client_id, group_id=group,
                             auto_offset_reset='earliest', enable_auto_commit=False)
    consumed = 0
    while consumed < WANTED:
        for records in consumer.poll(timeout_ms=1000).values():
            consumed += len(records)
    consumer.commit()
    consumer.close()
    return consumed


def confluent_kafka():
    from confluent_kafka import Consumer, Producer

    common = {'bootstrap.servers': bootstrap, 'client.id': client_id, 'debug': 'protocol,feature'}
    producer = Producer(common)
    for i in range(WANTED):
        producer.produce(topic, f'record {i}'.encode())
    if producer.flush(30) != 0:
        raise SystemExit('records left unsent after 30 s')

    consumer = Consumer({**common, 'group.id': group, 'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
    consumer.subscribe([topic])
    consumed = 0
    while consumed < WANTED:
        message = consumer.poll(1.0)
        if message is not None and message.error() is None:
            consumed += 1
    consumer.commit(asynchronous=False)
    consumer.close()
    return consumed


print(f'consumed {kafka_python() if client == "kafka-python" else confluent_kafka()}', flush=True)
