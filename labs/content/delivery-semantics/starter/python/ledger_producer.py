"""Steps 6-7: write ledger entries one by one, every 50 ms, and say which the cluster acknowledged.
The lab kills brokers while it runs. Two set-ups (3 replicas each):

    1    acks=1   to ledger-acks-1, unclean leader election allowed
    all  acks=all to ledger-acks-all, min.insync.replicas 2, unclean leader election off

    python3 delivery-semantics/python/ledger_producer.py <1|all> [count]
"""

import sys
import time

from kafka import KafkaProducer
from kafka.errors import KafkaError

from payments import ensure_topic
from workspace import bootstrap_servers

level = 'all' if len(sys.argv) > 1 and sys.argv[1] == 'all' else '1'
count = int(sys.argv[2]) if len(sys.argv) > 2 else 80
topic = f'ledger-acks-{level}'
run = format(int(time.time() * 1000), 'x')  # each run's entries differ from the last run's
# TODO: ensure_topic(topic, configs): for 'all', min.insync.replicas=2 and unclean.leader.election.enable=false;
#       for '1', unclean.leader.election.enable=true.

# TODO: acks='all' for level 'all', else 1; retries=30, retry_backoff_ms=200.
producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id=f'ledger-producer-{level}',
                         max_in_flight_requests_per_connection=1)
for i in range(count):
    value = f'entry-{i} of run {run}'
    # TODO: send value (as bytes), wait for it (.get(timeout=30)), print whether it was acknowledged
    #       (a failed send raises KafkaError: catch it and go on).
    time.sleep(0.05)
producer.close()
