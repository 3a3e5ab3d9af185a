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

consumer = KafkaConsumer('avro-events', bootstrap_servers=bootstrap_servers, client_id='avro-consumer',
                         group_id='avro-readers', auto_offset_reset='earliest',
                         value_deserializer=lambda data: fastavro.schemaless_reader(io.BytesIO(data), schema))
read = 0
try:
    for message in consumer:
        print(f'{message.topic}[{message.partition}] offset={message.offset}', message.value)
        read += 1
        if stop_after is not None and read >= stop_after:
            break
except KeyboardInterrupt:
    pass
finally:
    consumer.close()
