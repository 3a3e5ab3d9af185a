"""Step 1: 100 orders to the topic orders, keyed by order id: "order-17 charge 12.50".

    python3 delivery-semantics/python/orders_producer.py [count]
"""

import sys

from kafka import KafkaProducer

from payments import ensure_topic
from workspace import bootstrap_servers

count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
ensure_topic('orders')

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='orders-producer', acks='all')
for i in range(count):
    producer.send('orders', key=f'order-{i}'.encode(), value=f'order-{i} charge {5 + (i * 37) % 50:.2f}'.encode())
producer.flush()
print(f'sent {count} orders to orders', flush=True)
producer.close()
