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
if 'domain-totals' not in admin.list_topics():
    admin.create_topics([NewTopic('domain-totals', num_partitions=1, replication_factor=1,
                                  topic_configs={'cleanup.policy': 'compact'})])
admin.close()

consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, client_id='domain-totals', enable_auto_commit=False)
partitions = [TopicPartition('clicks', p) for p in consumer.partitions_for_topic('clicks')]
consumer.assign(partitions)
consumer.seek_to_beginning()
ends = consumer.end_offsets(partitions)
totals = Counter()
while any(consumer.position(tp) < ends[tp] for tp in partitions):
    for _, records in consumer.poll(timeout_ms=500).items():
        for click in records:
            totals[click.key.decode()] += 1
consumer.close()

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='domain-totals')
for domain, count in totals.items():
    producer.send('domain-totals', key=domain.encode(), value=str(count).encode())
    print(f'{domain}: {count}', flush=True)
producer.flush()
producer.close()
