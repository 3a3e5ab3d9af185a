"""Step 3: the same, with an explicit poll loop, in the group sample-pollers.

    python3 producer-consumer/python/consumer_poll.py [stop-after]
"""

import sys

from kafka import KafkaConsumer

from workspace import bootstrap_servers

stop_after = int(sys.argv[1]) if len(sys.argv) > 1 else None

consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, client_id='consumer-poll',
                         group_id='sample-pollers', auto_offset_reset='earliest')
consumer.subscribe(['sample'])
read = 0
try:
    while stop_after is None or read < stop_after:
        batches = consumer.poll(timeout_ms=1000)  # {TopicPartition: [records]}, maybe empty
        count = sum(len(records) for records in batches.values())
        print(f'poll returned {count} records')
        for partition, records in batches.items():
            for message in records:
                print(f'  {partition.topic}[{partition.partition}] offset={message.offset} value={message.value.decode("utf-8")}')
                read += 1
except KeyboardInterrupt:
    pass
finally:
    consumer.close()
