"""Step 2: read sample in the group sample-readers, printing every record; offsets are auto-committed.

    python3 producer-consumer/python/consumer.py [stop-after]
"""

import sys

from kafka import KafkaConsumer

from workspace import bootstrap_servers

stop_after = int(sys.argv[1]) if len(sys.argv) > 1 else None

consumer = KafkaConsumer(
    'sample',
    bootstrap_servers=bootstrap_servers,
    client_id='consumer',
    group_id='sample-readers',
    auto_offset_reset='earliest',
    enable_auto_commit=True,
)
read = 0
try:
    for message in consumer:
        print(f'{message.topic}[{message.partition}] offset={message.offset} '
              f'timestamp={message.timestamp} value={message.value.decode("utf-8")}')
        read += 1
        if stop_after is not None and read >= stop_after:
            break
except KeyboardInterrupt:
    pass
finally:
    consumer.close()  # commits what was read (auto-commit) and leaves the group
