"""Step 1: create sample2 with 3 partitions, then send readings keyed by sensor: sensor-0 ... sensor-5.

    python3 consumer-groups/python/keyed_producer.py [count] [ms-between]
"""

import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from workspace import bootstrap_servers

count = int(sys.argv[1]) if len(sys.argv) > 1 else 60
pause = int(sys.argv[2]) if len(sys.argv) > 2 else 0
SENSORS = 6

admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id='keyed-producer')
# TODO: if 'sample2' is not in admin.list_topics(), create it: NewTopic('sample2', num_partitions=3,
#       replication_factor=min(3, number of brokers)); admin.describe_cluster()['brokers'] lists them.
admin.close()

# Readings already sent: go on from there, so each sensor's numbers keep growing.
ends = KafkaConsumer(bootstrap_servers=bootstrap_servers, client_id='keyed-producer')
partitions = [TopicPartition('sample2', p) for p in ends.partitions_for_topic('sample2') or []]
sent = sum(ends.end_offsets(partitions).values())
ends.close()

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='keyed-producer')
for i in range(sent, sent + count):
    key = f'sensor-{i % SENSORS}'
    value = f'{key} reading #{i // SENSORS}'
    # TODO: send key and value (as bytes) to sample2, wait for the metadata (.get()) and print
    #       the partition and offset it went to.
    if pause > 0:
        time.sleep(pause / 1000)
producer.close()
