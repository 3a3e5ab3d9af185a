"""Step 1: send `message #i from producer-0` to the topic sample.

    python3 producer-consumer/python/producer.py [count]
"""

import sys

from kafka import KafkaProducer

from workspace import bootstrap_servers

count = int(sys.argv[1]) if len(sys.argv) > 1 else 100

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='producer-0')
# TODO: send `count` messages to the topic 'sample'; message i is f'message #{i} from producer-0'
#       as bytes. Print the partition and offset each one got: producer.send(...) returns a future,
#       and future.get(timeout=10) its RecordMetadata.
producer.flush()
producer.close()
