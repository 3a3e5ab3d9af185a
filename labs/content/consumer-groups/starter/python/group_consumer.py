"""Steps 2-7: one member of a consumer group reading sample2, printing its assignment whenever the
group rebalances, and every record it is handed. Runs until Ctrl-C.

    python3 consumer-groups/python/group_consumer.py <name> [--group my-group] [--crash-after N]
"""

from kafka import ConsumerRebalanceListener, KafkaConsumer

from crash import args, crash_point
from workspace import bootstrap_servers

name = args[0] if args else 'consumer'
group = args[args.index('--group') + 1] if '--group' in args else 'my-group'

# TODO: a KafkaConsumer with client_id=name, group_id=group, auto_offset_reset='earliest' and the
#       course's settings: session_timeout_ms=6000, max_poll_interval_ms=6000, heartbeat_interval_ms=1000.


class PrintAssignment(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        pass

    def on_partitions_assigned(self, assigned):
        # TODO: print f'{name} joined {group}: assigned sample2[0,2]' with the partitions assigned.
        pass


# TODO: subscribe to sample2 with listener=PrintAssignment(); then poll in a loop, printing each
#       record (partition, offset, key, value) and calling crash_point() after each; on Ctrl-C
#       (KeyboardInterrupt) close the consumer.
