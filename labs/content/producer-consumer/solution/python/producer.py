"""Step 1: send `message #i from producer-0` to the topic sample.

    python3 producer-consumer/python/producer.py [count]
"""

import sys

from kafka import KafkaProducer

from workspace import bootstrap_servers

count = int(sys.argv[1]) if len(sys.argv) > 1 else 100

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='producer-0')
for i in range(count):
    metadata = producer.send('sample', f'message #{i} from producer-0'.encode('utf-8')).get(timeout=10)
    print(f'sent message #{i} to {metadata.topic}[{metadata.partition}] at offset {metadata.offset}')
producer.flush()
producer.close()
