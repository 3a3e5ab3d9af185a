"""Helpers for this lab's programs - complete, nothing to do here: topics created when missing,
the course's consumer settings, and "stop once caught up"."""

import time

from kafka import KafkaAdminClient, KafkaConsumer
from kafka.admin import NewTopic

from workspace import bootstrap_servers


def ensure_topic(topic, configs=None):
    """Creates the topic (1 partition, up to 3 replicas) with these configs, unless it exists."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers)
    try:
        if topic not in admin.list_topics():
            brokers = len(admin.describe_cluster()['brokers'])
            admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=min(3, brokers), topic_configs=configs or {})])
    finally:
        admin.close()


def consumer_for(group, **settings):
    """A consumer of `group` with the course's settings, committing only when told to."""
    return KafkaConsumer(bootstrap_servers=bootstrap_servers, client_id=group, group_id=group,
                         auto_offset_reset='earliest', enable_auto_commit=False,
                         session_timeout_ms=6000, max_poll_interval_ms=6000, heartbeat_interval_ms=1000,
                         **settings)


def caught_up(consumer):
    """The group has committed the end of every partition the consumer has."""
    partitions = consumer.assignment()
    ends = consumer.end_offsets(list(partitions))
    committed = {tp: consumer.committed(tp) for tp in partitions}
    return all(committed[tp] is not None and committed[tp] >= ends[tp] for tp in partitions)


def batches(consumer, idle_seconds=3):
    """What each poll returns ({TopicPartition: [records]}), until the consumer caught up: its group
    committed the end of its partitions, and nothing came for idle_seconds."""
    last = None
    while True:
        batch = consumer.poll(timeout_ms=500)
        if batch:
            last = time.monotonic()
            yield batch
        elif consumer.assignment():
            last = last or time.monotonic()
            if time.monotonic() - last >= idle_seconds:
                if caught_up(consumer):
                    return
                last = time.monotonic()
