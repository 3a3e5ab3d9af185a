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
# TODO: encode `event` with fastavro.schemaless_writer into an io.BytesIO, print its size next to
#       the JSON's, and decode it back with fastavro.schemaless_reader.

# 2. A container file: the schema first, then blocks of records.
path = in_workspace('events.avro')
# TODO: write 100 events {'key': f'key-{i}', 'value': f'message #{i} from producer-0', 'timestamp': ...}
#       with fastavro.writer to `path`, then read them back with fastavro.reader and count them.
