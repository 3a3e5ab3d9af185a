"""Step 3: 100 events, Avro-encoded with sample.avsc, to the topic avro-events.

    python3 avro/python/avro_producer.py
"""

import io
import time

import fastavro
from kafka import KafkaProducer

from schemas import load_schema
from workspace import bootstrap_servers

schema = load_schema('sample.avsc')


def encode(event):
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema, event)
    return buffer.getvalue()


producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='avro-producer', value_serializer=encode)
for i in range(100):
    event = {'key': f'key-{i}', 'value': f'message #{i} from producer-0', 'timestamp': int(time.time() * 1000)}
    producer.send('avro-events', event, key=event['key'].encode('utf-8'))
producer.flush()
producer.close()
print('sent 100 events to avro-events')
