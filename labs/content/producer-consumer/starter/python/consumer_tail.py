"""Step 5: a new group, sample-tail, that starts from the latest offset: only records produced from
now on. Prints where it starts, reads 10 new records and stops.

    python3 producer-consumer/python/consumer_tail.py
"""

from kafka import KafkaConsumer

from workspace import bootstrap_servers

# TODO: a consumer of 'sample' in the group 'sample-tail' that starts at the end of the log.
read = 0
announced = False
while read < 10:
    # TODO: poll; once consumer.assignment() is not empty, print consumer.position(tp) of each
    #       partition and 'waiting for new records' (print(..., flush=True)); print the records.
    break
# TODO: close the consumer.
