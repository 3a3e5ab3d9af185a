"""Reads data/squid_tweets.csv into dicts shaped like schemas/squid_tweets.avsc: what pandas'
read_csv does for the course notebook. Given, not part of the exercise."""

import csv
from datetime import datetime


def _timestamp(text):
    return datetime.fromisoformat(text)  # '2021-10-06 12:05:38+00:00', timezone-aware


def _or_none(text):
    return text if text != '' else None


def read_tweets(path):
    with open(path, encoding='utf-8', newline='') as f:
        return [
            {
                'user_name': row['user_name'],
                'user_location': _or_none(row['user_location']),
                'user_description': _or_none(row['user_description']),
                'user_created': _timestamp(row['user_created']),
                'user_followers': int(row['user_followers']),
                'user_friends': int(row['user_friends']),
                'user_favourites': int(row['user_favourites']),
                'user_verified': row['user_verified'] == 'True',
                'date': _timestamp(row['date']),
                'text': row['text'],
                'source': _or_none(row['source']),
                'is_retweet': row['is_retweet'] == 'True',
            }
            for row in csv.DictReader(f)
        ]
