"""Step 1: one event to bytes and back, then 100 events in the container file events.avro.

    python3 avro/python/events_file.py
"""

import io
import json
import os
import time

import fastavro

from schemas import load_schema
from workspace import in_workspace

schema = load_schema('sample.avsc')

# 1. In memory.
event = {'key': 'key-0', 'value': 'message #0 from producer-0', 'timestamp': int(time.time() * 1000)}
buffer = io.BytesIO()
fastavro.schemaless_writer(buffer, schema, event)
data = buffer.getvalue()
print(f'{len(json.dumps(event).encode())} bytes as JSON, {len(data)} bytes as Avro: {data.hex()}')
print('decoded:', fastavro.schemaless_reader(io.BytesIO(data), schema))

# 2. A container file: the schema first, then blocks of records.
path = in_workspace('events.avro')
events = [{'key': f'key-{i}', 'value': f'message #{i} from producer-0', 'timestamp': int(time.time() * 1000)}
          for i in range(100)]
with open(path, 'wb') as out:
    fastavro.writer(out, schema, events)

with open(path, 'rb') as f:
    read = sum(1 for _ in fastavro.reader(f))
print(f'{path}: {os.path.getsize(path)} bytes, {read} events read back')
