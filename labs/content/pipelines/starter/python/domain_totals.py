"""Step 1: clicks per domain, as a table - read every click from the beginning (no group: the job
recomputes from the log each run), count per key, and write each domain's total to the compacted
topic domain-totals, keyed by domain.

    python3 pipelines/python/domain_totals.py
"""

from collections import Counter

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from workspace import bootstrap_servers

admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id='domain-totals')
# TODO: create domain-totals (1 partition) with topic_configs={'cleanup.policy': 'compact'}, unless it exists.
admin.close()

consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, client_id='domain-totals', enable_auto_commit=False)
partitions = [TopicPartition('clicks', p) for p in consumer.partitions_for_topic('clicks')]
consumer.assign(partitions)
consumer.seek_to_beginning()
ends = consumer.end_offsets(partitions)
totals = Counter()
# TODO: poll until every partition's position reaches its end, counting each click under its key.
consumer.close()

# TODO: send one record per domain to domain-totals: key the domain, value its count as text.
