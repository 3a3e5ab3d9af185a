"""Step 5: events written with event-v3.avsc (no field `value`) cannot be read with sample.avsc.

    python3 avro/python/evolve_remove.py
"""

import io
import time

import fastavro
from fastavro.read import SchemaResolutionError
from kafka import KafkaProducer

from schemas import load_schema
from workspace import bootstrap_servers

v1 = load_schema('sample.avsc')
v3 = load_schema('event-v3.avsc')


def encode_v3(event):
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, v3, event)
    return buffer.getvalue()


values = [encode_v3({'key': f'key-{i}', 'timestamp': int(time.time() * 1000)}) for i in range(10)]
producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='evolve-remove')
for value in values:
    producer.send('avro-events-v3', value)
producer.flush()
producer.close()
print('sent 10 events written with event-v3.avsc to avro-events-v3')

# A consumer still on sample.avsc: it needs `value`, which v3 data lacks and v1 gives no default.
try:
    print('unexpectedly readable:', fastavro.schemaless_reader(io.BytesIO(values[0]), v3, v1))
except SchemaResolutionError as error:
    print(f'sample.avsc cannot read event-v3.avsc data: {error}')
