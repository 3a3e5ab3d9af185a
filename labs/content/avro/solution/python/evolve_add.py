"""Step 4: read the events written with sample.avsc through event-v2.avsc (a new field with a
default), and send them, encoded with version 2, to avro-events-v2.

    python3 avro/python/evolve_add.py
"""

import io

import fastavro
from kafka import KafkaConsumer, KafkaProducer

from schemas import load_schema
from workspace import bootstrap_servers

v1 = load_schema('sample.avsc')
v2 = load_schema('event-v2.avsc')

consumer = KafkaConsumer('avro-events', bootstrap_servers=bootstrap_servers, client_id='evolve-add',
                         group_id='avro-evolve', auto_offset_reset='earliest')
producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='evolve-add')
sent = 0
for message in consumer:
    event = fastavro.schemaless_reader(io.BytesIO(message.value), v1, v2)  # writer's schema, reader's schema
    if sent == 0:
        print('first event read as version 2:', event)
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, v2, event)
    producer.send('avro-events-v2', buffer.getvalue())
    sent += 1
    if sent == 100:
        break
producer.flush()
producer.close()
consumer.close()
print(f'sent {sent} version-2 events to avro-events-v2')
