"""Step 6: readings {id, timestamp, value} as JSON to the topic data, one every interval.

    python3 producer-consumer/python/sensor_producer.py [count] [interval-ms]
"""

import json
import random
import sys
import time

from kafka import KafkaProducer

from workspace import bootstrap_servers

count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
interval = (int(sys.argv[2]) if len(sys.argv) > 2 else 200) / 1000

# TODO: a KafkaProducer whose value_serializer turns a dict into JSON bytes.
for i in range(count):
    # TODO: send a reading {'id': ..., 'timestamp': int(time.time() * 1000), 'value': ...} to 'data'.
    time.sleep(interval)
# TODO: flush and close the producer.
