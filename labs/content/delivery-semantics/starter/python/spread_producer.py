"""Step 8: rounds of numbered orders to all three partitions of spread-orders; the lab kills a
partition's leader while a round is on its way.

    python3 delivery-semantics/python/spread_producer.py [rounds] [ms-between]
"""

import sys
import time

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic

from workspace import bootstrap_servers

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
pause = int(sys.argv[2]) if len(sys.argv) > 2 else 500
PARTITIONS = [0, 1, 2]
topic = 'spread-orders'

admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id='spread-producer')
if topic not in admin.list_topics():
    replicas = min(3, len(admin.describe_cluster()['brokers']))
    admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=replicas, topic_configs={'min.insync.replicas': '2'})])
admin.close()

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='spread-producer', acks='all')
for round_ in range(rounds):
    futures = [producer.send(topic, value=f'order #{round_ * len(PARTITIONS) + p}'.encode(), partition=p) for p in PARTITIONS]
    # TODO: send() returned a future per record. Wait for each (future.get(timeout=30)) and print
    #       the partition and offset the broker acknowledged; a record it could not deliver raises.
    time.sleep(pause / 1000)
producer.flush()
producer.close()
