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
    pass  # TODO: the Avro bytes of `event` (fastavro.schemaless_writer into an io.BytesIO)


# TODO: a KafkaProducer with value_serializer=encode; send 100 events
#       {'key': f'key-{i}', 'value': f'message #{i} from producer-0', 'timestamp': ...} to 'avro-events'
#       with key f'key-{i}'; flush and close.
