"""Steps 2-7: one member of a consumer group reading sample2, printing its assignment whenever the
group rebalances, and every record it is handed. Runs until Ctrl-C.

    python3 consumer-groups/python/group_consumer.py <name> [--group my-group] [--crash-after N]
"""

from kafka import ConsumerRebalanceListener, KafkaConsumer

from crash import args, crash_point
from workspace import bootstrap_servers

name = args[0] if args else 'consumer'
group = args[args.index('--group') + 1] if '--group' in args else 'my-group'

# The course's settings: silent for 6 s, or 6 s between polls, and the member is out.
consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, client_id=name, group_id=group,
                         auto_offset_reset='earliest', session_timeout_ms=6000,
                         max_poll_interval_ms=6000, heartbeat_interval_ms=1000)


class PrintAssignment(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        pass

    def on_partitions_assigned(self, assigned):
        mine = sorted(tp.partition for tp in assigned if tp.topic == 'sample2')
        print(f'{name} joined {group}: assigned sample2[{",".join(map(str, mine))}]', flush=True)


consumer.subscribe(['sample2'], listener=PrintAssignment())
try:
    while True:
        for partition, records in consumer.poll(timeout_ms=500).items():
            for message in records:
                print(f'{name} read sample2[{partition.partition}]@{message.offset} '
                      f'{message.key.decode()}: {message.value.decode()}', flush=True)
                crash_point()  # with --crash-after N, dies here like kill -9
except KeyboardInterrupt:
    pass
finally:
    consumer.close()  # commits and leaves the group: its partitions move at once
