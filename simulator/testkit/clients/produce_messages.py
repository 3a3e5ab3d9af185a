"""The course's first producer: 100 byte-string messages, then flush.

    python produce_messages.py BOOTSTRAP TOPIC [COUNT] [--keyed]

--keyed adds a key and a header to each message (for reading them back with another client).
Prints one line per acknowledged record: partition, offset, timestamp.
"""

import sys

from kafka import KafkaProducer

from _records import bootstrap_servers, emit

topic = sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else 100
keyed = '--keyed' in sys.argv

producer = KafkaProducer(bootstrap_servers=bootstrap_servers())
futures = []
for i in range(count):
    message = f'message #{i} from producer-0'.encode('utf-8')
    if keyed:
        futures.append(producer.send(topic, message, key=f'key-{i}'.encode(), headers=[('source', b'kafka-python')]))
    else:
        futures.append(producer.send(topic, message))
producer.flush()

for future in futures:
    metadata = future.get(timeout=10)
    emit(partition=metadata.partition, offset=metadata.offset, timestamp=metadata.timestamp)
producer.close()
