"""Step 2: the tweets as CSV, as an Avro container file, and as one with deflate.

    python3 avro/python/tweets_sizes.py
"""

import os

import fastavro

from schemas import load_schema
from tweets import read_tweets
from workspace import in_workspace

schema = load_schema('squid_tweets.avsc')
csv_path = in_workspace('data', 'squid_tweets.csv')
tweets = read_tweets(csv_path)
print(f'{len(tweets)} tweets read from {csv_path}')

# TODO: write the tweets with fastavro.writer to in_workspace('tweets.avro') (codec 'null') and to
#       in_workspace('tweets-deflate.avro') (codec 'deflate'); print the three sizes in MB.
