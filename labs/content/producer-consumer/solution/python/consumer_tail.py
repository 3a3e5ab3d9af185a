"""Step 5: a new group, sample-tail, that starts from the latest offset: only records produced from
now on. Prints where it starts, reads 10 new records and stops.

    python3 producer-consumer/python/consumer_tail.py
"""

from kafka import KafkaConsumer

from workspace import bootstrap_servers

consumer = KafkaConsumer('sample', bootstrap_servers=bootstrap_servers, client_id='consumer-tail',
                         group_id='sample-tail', auto_offset_reset='latest')
read = 0
announced = False
while read < 10:
    batches = consumer.poll(timeout_ms=500, max_records=10 - read)
    if not announced and consumer.assignment():
        # position() looks the offset up now, applying the reset policy: the end of the log.
        starts = ', '.join(f'{tp.topic}[{tp.partition}] at offset {consumer.position(tp)}' for tp in consumer.assignment())
        print(f'starting from {starts}: waiting for new records (run the producer now)', flush=True)
        announced = True
    for records in batches.values():
        for message in records:
            print(f'sample[{message.partition}] offset={message.offset} value={message.value.decode("utf-8")}')
            read += 1
consumer.close()
