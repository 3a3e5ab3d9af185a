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

# TODO: consume the 100 events of 'avro-events' (group 'avro-evolve', earliest); read each with
#       fastavro.schemaless_reader(io.BytesIO(value), v1, v2) — the writer's schema, then the
#       reader's — encode it with v2 and send it to 'avro-events-v2'. Print one: what is its source?
