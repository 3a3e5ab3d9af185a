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

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='sensor-producer',
                         value_serializer=lambda reading: json.dumps(reading).encode('utf-8'))
for i in range(count):
    reading = {'id': f'sensor-{i % 3}', 'timestamp': int(time.time() * 1000), 'value': round(random.uniform(18, 24), 2)}
    producer.send('data', reading)
    print('sent', reading)
    time.sleep(interval)
producer.flush()
producer.close()
