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
# TODO: loop on consumer.poll(timeout_ms=1000) until `stop_after` records were read: print how many
#       records each poll returned, then each record. Close the consumer at the end.
