"""Step 4: a new group, sample-replay, that starts from the earliest offset; 10 records, then stop.

    python3 producer-consumer/python/consumer_replay.py
"""

from kafka import KafkaConsumer

from workspace import bootstrap_servers

# TODO: a consumer of 'sample' in the group 'sample-replay' that, having no committed offset,
#       starts from the earliest one. Print 10 records, then close it (which commits).
