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

# TODO: send 10 events {'key': ..., 'timestamp': ...} encoded with v3 to 'avro-events-v3'.
# TODO: try to read one with fastavro.schemaless_reader(io.BytesIO(value), v3, v1) and print the
#       SchemaResolutionError. Why does it fail?
