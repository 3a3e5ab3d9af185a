"""Step 2: read sample in the group sample-readers, printing every record; offsets are auto-committed.

    python3 producer-consumer/python/consumer.py [stop-after]
"""

import sys

from kafka import KafkaConsumer

from workspace import bootstrap_servers

stop_after = int(sys.argv[1]) if len(sys.argv) > 1 else None

# TODO: a KafkaConsumer for 'sample' in the group 'sample-readers' that starts from the earliest
#       offset, with auto-commit. Iterate over it and print topic, partition, offset, timestamp and
#       value of each record; stop after `stop_after` records (or on Ctrl-C), then close it.
