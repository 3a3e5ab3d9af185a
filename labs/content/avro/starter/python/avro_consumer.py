"""Step 3: read avro-events in the group avro-readers and decode each value with sample.avsc.

    python3 avro/python/avro_consumer.py [stop-after]
"""

import io
import sys

import fastavro
from kafka import KafkaConsumer

from schemas import load_schema
from workspace import bootstrap_servers

stop_after = int(sys.argv[1]) if len(sys.argv) > 1 else None
schema = load_schema('sample.avsc')

# TODO: a consumer of 'avro-events' in the group 'avro-readers', from the earliest offset, whose
#       value_deserializer decodes with fastavro.schemaless_reader; print each event, stop after
#       `stop_after` records and close.
