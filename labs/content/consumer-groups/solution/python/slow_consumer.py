"""Step 4: a member that blocks for 10 s on its first record, longer than the group waits.

kafka-python heartbeats from a thread of its own, so the session stays alive; but it also watches
the time between polls: past max_poll_interval_ms (6 s) it leaves the group itself, and the
coordinator hands its partitions to the others.

    python3 consumer-groups/python/slow_consumer.py
"""

import time

from kafka import ConsumerRebalanceListener, KafkaConsumer

from workspace import bootstrap_servers

consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, client_id='slow-consumer', group_id='my-group',
                         auto_offset_reset='earliest', session_timeout_ms=6000,
                         max_poll_interval_ms=6000, heartbeat_interval_ms=1000)


class PrintAssignment(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        pass

    def on_partitions_assigned(self, assigned):
        mine = sorted(tp.partition for tp in assigned if tp.topic == 'sample2')
        print(f'slow-consumer joined my-group: assigned sample2[{",".join(map(str, mine))}]', flush=True)


consumer.subscribe(['sample2'], listener=PrintAssignment())
blocked = False
try:
    while True:
        for partition, records in consumer.poll(timeout_ms=500, max_records=1).items():
            if not blocked:
                blocked = True
                print(f'slow-consumer blocks for 10 s on sample2[{partition.partition}]@{records[0].offset}', flush=True)
                time.sleep(10)
                print('slow-consumer is back', flush=True)
except KeyboardInterrupt:
    pass
finally:
    consumer.close()
