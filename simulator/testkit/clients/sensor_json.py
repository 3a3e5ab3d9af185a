"""Sensor readings as JSON, with a value_serializer and a value_deserializer.

    python sensor_json.py BOOTSTRAP TOPIC produce COUNT
    python sensor_json.py BOOTSTRAP TOPIC consume

produce prints each reading it sent; consume prints each record with its value decoded.
"""

import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer

from _records import describe, emit

bootstrap, topic, mode = sys.argv[1].split(','), sys.argv[2], sys.argv[3]

if mode == 'produce':
    producer = KafkaProducer(bootstrap_servers=bootstrap, value_serializer=lambda v: json.dumps(v).encode('utf-8'))
    for i in range(int(sys.argv[4])):
        reading = {'id': f'sensor-{i % 3}', 'timestamp': int(time.time() * 1000), 'value': round(20 + i * 0.25, 2)}
        producer.send(topic, reading)
        emit(sent=reading)
    producer.flush()
    producer.close()
else:
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset='earliest',
        consumer_timeout_ms=3000,
        value_deserializer=lambda m: json.loads(m.decode('utf-8')),
    )
    for message in consumer:
        emit(**describe(message, value=message.value))
    consumer.close()
